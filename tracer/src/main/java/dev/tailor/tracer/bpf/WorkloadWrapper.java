package dev.tailor.tracer.bpf;

import dev.tailor.tracer.backend.Commands;
import dev.tailor.tracer.backend.TraceException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The tiny bash wrapper the {@link BpfBackend} starts the workload under: it waits on a FIFO in a
 * private folder until the programs are attached, then execs the command with its own argv[0].
 */
final class WorkloadWrapper {
  /** Waits on the FIFO for "go", then becomes the command with its own argv[0]. */
  private static final String WRAPPER =
      "IFS= read -r go < \"$1\" && [ \"$go\" = go ] || exit 125; exec -a \"$2\" \"$3\" \"${@:4}\"";

  private WorkloadWrapper() {}

  /** The wrapper's command line: {@code bash -c WRAPPER tailor-wrapper FIFO ARGV0 PROGRAM ARGS}. */
  static List<String> argv(Path bash, Path fifo, List<String> command, Path program) {
    List<String> argv = new ArrayList<>();
    Commands.setsidWithoutTerminal().ifPresent(p -> argv.add(p.toString()));
    argv.addAll(
        List.of(
            bash.toString(),
            "-c",
            WRAPPER,
            "tailor-wrapper",
            fifo.toString(),
            command.get(0),
            program.toAbsolutePath().toString()));
    argv.addAll(command.subList(1, command.size()));
    return argv;
  }

  /**
   * Waits until the workload's first process is the wrapper itself: bash, with the wrapper's own
   * argv ({@code bash -c WRAPPER tailor-wrapper ...}). Following starts at the process's next exec,
   * which must be the command's. The marker alone is not enough: setsid's argv holds it too, and
   * following from setsid would count the wrapper's calls and its exec of bash.
   */
  static void awaitWrapper(int root, Process workload, Path bash) throws TraceException {
    Path proc = Path.of("/proc", Integer.toString(root));
    String head = "\0-c\0" + WRAPPER + "\0tailor-wrapper\0";
    Path realBash;
    try {
      realBash = bash.toRealPath();
    } catch (IOException e) {
      throw new TraceException(
          TraceException.Kind.FAILED, "cannot resolve " + bash + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (workload.isAlive() && System.nanoTime() < deadline) {
      try {
        String cmdline =
            new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.ISO_8859_1);
        int first = cmdline.indexOf('\0');
        if (first >= 0
            && cmdline.startsWith(head, first)
            && Files.readSymbolicLink(proc.resolve("exe")).equals(realBash)) {
          return;
        }
      } catch (IOException e) {
        // not there yet, or gone: checked again
      }
      BpfBackend.sleep(1);
    }
    workload.destroyForcibly();
    throw new TraceException(TraceException.Kind.FAILED, "the workload wrapper did not start");
  }

  /**
   * Writes "go" to the wrapper's FIFO; a wrapper that died before opening it must not block tailor
   * (opening a FIFO to write waits for its reader).
   */
  static void release(Path fifo, Process workload) throws TraceException {
    AtomicBoolean opened = new AtomicBoolean();
    AtomicBoolean written = new AtomicBoolean();
    Thread t =
        new Thread(
            () -> {
              try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                opened.set(true);
                out.write("go\n".getBytes(StandardCharsets.US_ASCII));
                written.set(true);
              } catch (IOException e) {
                // reported below
              }
            },
            "tailor-bpf-release");
    t.setDaemon(true);
    t.start();
    try {
      while (t.isAlive() && workload.isAlive()) {
        t.join(20);
      }
      // Open, the FIFO takes the 3 bytes at once: wait for the write's outcome. A short command
      // can read "go", run and exit before this thread has noted its write (CI s15, /bin/true).
      if (opened.get()) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!written.get() && !workload.isAlive()) {
      throw new TraceException(
          TraceException.Kind.FAILED,
          "the workload wrapper exited before it was started (exit " + workload.exitValue() + ")");
    }
  }
}
