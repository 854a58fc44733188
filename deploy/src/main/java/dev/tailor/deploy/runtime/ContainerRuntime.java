package dev.tailor.deploy.runtime;

import dev.tailor.tracer.backend.Commands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An OCI runtime installed here: its name ({@code runc}, {@code crun}), executable and version.
 *
 * @param version as the runtime prints it ({@code 1.1.5+ds1}, {@code 1.8.1})
 */
public record ContainerRuntime(String name, Path executable, String version) {
  /** The runtimes tailor knows the init of. */
  public static final List<String> KNOWN = List.of("runc", "crun");

  public ContainerRuntime {
    if (!KNOWN.contains(name)) {
      throw new IllegalArgumentException("unknown runtime " + name + ": use one of " + KNOWN);
    }
  }

  /** {@code runc 1.1.5+ds1}. */
  public String label() {
    return name + " " + version;
  }

  /** The runtime {@code name} on PATH (or in the usual folders), if installed. */
  public static Optional<ContainerRuntime> find(String name) throws IOException {
    // Runtimes live in sbin, which a user's (or sudo's) PATH may leave out.
    Optional<Path> p =
        Commands.onPath(name)
            .or(
                () ->
                    java.util.stream.Stream.of("/usr/local/sbin", "/usr/sbin", "/sbin")
                        .map(dir -> Path.of(dir, name))
                        .filter(f -> Files.isRegularFile(f) && Files.isExecutable(f))
                        .findFirst());
    if (p.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new ContainerRuntime(name, p.get().toRealPath(), versionOf(p.get())));
  }

  /**
   * The runtime that runs process {@code pid} ({@code /proc/PID/exe}), e.g. a hook's parent: runc
   * runs prestart hooks itself.
   */
  public static Optional<ContainerRuntime> ofProcess(long pid) {
    try {
      Path exe = Path.of("/proc", Long.toString(pid), "exe").toRealPath();
      String base = exe.getFileName().toString();
      if (!KNOWN.contains(base)) {
        return Optional.empty();
      }
      return Optional.of(new ContainerRuntime(base, exe, versionOf(exe)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The version in the first line of {@code EXE --version}: {@code runc version 1.1.5+ds1}. */
  static String versionOf(Path exe) throws IOException {
    // Output goes to a file, not a pipe: a runtime whose --version hangs, or leaves a child holding
    // the pipe, must not hold up the hook that asked (waitFor bounds it, a pipe read would not).
    java.io.File out = java.io.File.createTempFile("tailor-version", ".txt");
    try {
      Process p =
          new ProcessBuilder(exe.toString(), "--version")
              .redirectErrorStream(true)
              .redirectOutput(out)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IOException(exe + " --version did not answer in 10 s");
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      byte[] head;
      try (var in = new java.io.FileInputStream(out)) {
        head = in.readNBytes(4096);
      }
      return parseVersion(new String(head, StandardCharsets.UTF_8))
          .orElseThrow(() -> new IOException(exe + " --version printed no version"));
    } finally {
      java.nio.file.Files.deleteIfExists(out.toPath());
    }
  }

  /** The version word after {@code version} in the first line. */
  static Optional<String> parseVersion(String output) {
    String first = output.lines().findFirst().orElse("");
    String[] words = first.trim().split("\\s+");
    for (int i = 0; i + 1 < words.length; i++) {
      if (words[i].equals("version")
          && !words[i + 1].isEmpty()
          && Character.isDigit(words[i + 1].charAt(0))) {
        return Optional.of(words[i + 1]);
      }
    }
    return Optional.empty();
  }

  /** The upstream part of a version: {@code 1.1.5} of {@code 1.1.5+ds1}. */
  static String upstream(String version) {
    int i = 0;
    while (i < version.length()
        && (Character.isDigit(version.charAt(i)) || version.charAt(i) == '.')) {
      i++;
    }
    return version.substring(0, i);
  }
}
