package dev.tailor.deploy.apply;

import dev.tailor.deploy.store.ProfileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The kernel's AppArmor as the hook sees it: whether it is on, and loading a profile into it. */
public interface AppArmorHost {
  /** Whether this kernel enforces AppArmor profiles (so a container can name one). */
  boolean enabled();

  /**
   * Loads or replaces the profile {@code text} (read from {@code file}, which is not read again);
   * an error says why apparmor_parser failed.
   */
  void load(byte[] text, Path file) throws ApplyException;

  /** This machine's kernel, loading with {@code apparmor_parser -r}. */
  static AppArmorHost kernel() {
    return new Kernel();
  }

  /** The real kernel: the module parameter and securityfs say whether AppArmor is on. */
  final class Kernel implements AppArmorHost {
    /** How long apparmor_parser may take: well inside the 30 s runtimes give a hook. */
    static final java.time.Duration PARSER_TIMEOUT = java.time.Duration.ofSeconds(10);

    private static final Path ENABLED = Path.of("/sys/module/apparmor/parameters/enabled");
    private static final Path SECURITYFS = Path.of("/sys/kernel/security/apparmor");

    private Kernel() {}

    @Override
    public boolean enabled() {
      try {
        // Both: the module can be built in but off (enabled=N), and the runtime writes through
        // securityfs.
        return Files.readString(ENABLED, StandardCharsets.US_ASCII).trim().equals("Y")
            && Files.isDirectory(SECURITYFS);
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void load(byte[] text, Path file) throws ApplyException {
      Path out;
      try {
        out = Files.createTempFile("tailor-apparmor", ".txt");
      } catch (IOException e) {
        throw new ApplyException("cannot run apparmor_parser: " + e.getMessage(), e);
      }
      try {
        // The profile on stdin: the bytes that were read and checked, not the file as it is now.
        Process p =
            new ProcessBuilder(List.of("apparmor_parser", "--replace"))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        Thread feeder =
            new Thread(
                () -> {
                  try (var in = p.getOutputStream()) {
                    in.write(text);
                  } catch (IOException e) {
                    // the parser ended early; its exit code and output say why
                  }
                },
                "tailor-apparmor-stdin");
        feeder.setDaemon(true);
        feeder.start();
        if (!p.waitFor(PARSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new ApplyException(
              "apparmor_parser -r "
                  + file
                  + " did not finish in "
                  + PARSER_TIMEOUT.toSeconds()
                  + " s (the hook's own timeout is near); it was stopped");
        }
        if (p.exitValue() != 0) {
          String said = Files.readString(out, StandardCharsets.ISO_8859_1).strip();
          int nl = said.indexOf('\n');
          throw new ApplyException(
              "apparmor_parser -r "
                  + file
                  + " failed (exit "
                  + p.exitValue()
                  + ")"
                  + (said.isEmpty()
                      ? ""
                      : ": " + ProfileStore.printable(nl < 0 ? said : said.substring(0, nl))));
        }
      } catch (IOException e) {
        throw new ApplyException(
            "cannot run apparmor_parser (install the apparmor package): " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApplyException("interrupted while loading " + file, e);
      } finally {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a stray temp file must not fail the container
        }
      }
    }
  }
}
