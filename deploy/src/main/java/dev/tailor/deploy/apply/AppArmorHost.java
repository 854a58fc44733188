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

  /** Loads or replaces the profile in {@code file}; an error says why apparmor_parser failed. */
  void load(Path file) throws ApplyException;

  /** This machine's kernel, loading with {@code apparmor_parser -r}. */
  static AppArmorHost kernel() {
    return new Kernel();
  }

  /** The real kernel: the module parameter and securityfs say whether AppArmor is on. */
  final class Kernel implements AppArmorHost {
    private static final Path ENABLED = Path.of("/sys/module/apparmor/parameters/enabled");
    private static final Path SECURITYFS = Path.of("/sys/kernel/security/apparmor");

    private Kernel() {}

    @Override
    public boolean enabled() {
      try {
        // Both: the module can be built in but off (enabled=N), and the runtime writes through securityfs.
        return Files.readString(ENABLED, StandardCharsets.US_ASCII).trim().equals("Y") && Files.isDirectory(SECURITYFS);
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void load(Path file) throws ApplyException {
      Path out;
      try {
        out = Files.createTempFile("tailor-apparmor", ".txt");
      } catch (IOException e) {
        throw new ApplyException("cannot run apparmor_parser: " + e.getMessage(), e);
      }
      try {
        Process p = new ProcessBuilder(List.of("apparmor_parser", "--replace", file.toString()))
            .redirectErrorStream(true).redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new ApplyException("apparmor_parser -r " + file + " did not finish in 20 s");
        }
        if (p.exitValue() != 0) {
          String said = Files.readString(out, StandardCharsets.ISO_8859_1).strip();
          int nl = said.indexOf('\n');
          throw new ApplyException("apparmor_parser -r " + file + " failed (exit " + p.exitValue() + ")"
              + (said.isEmpty() ? "" : ": " + ProfileStore.printable(nl < 0 ? said : said.substring(0, nl))));
        }
      } catch (IOException e) {
        throw new ApplyException("cannot run apparmor_parser (install the apparmor package): " + e.getMessage(), e);
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
