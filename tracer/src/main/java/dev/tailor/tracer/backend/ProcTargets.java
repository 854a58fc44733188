package dev.tailor.tracer.backend;

import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Target;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.sys.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What /proc says about a process tailor attaches to. */
public final class ProcTargets {
  private ProcTargets() {}

  /**
   * Checks that process {@code pid} exists, then tells {@code recorder} about it: what it is (a
   * {@link Target}), its working directory, against which its relative paths resolve, and the ids
   * of each of its threads.
   */
  public static void attachTo(int pid, Recorder recorder) throws TraceException {
    if (!Files.isDirectory(Path.of("/proc", Integer.toString(pid)))) {
      throw new TraceException(TraceException.Kind.FAILED, "no such process: " + pid);
    }
    recorder.addTarget(describe(pid));
    cwd(pid).ifPresent(cwd -> recorder.setCwd(pid, cwd));
    attachedIds(pid, recorder);
  }

  public static Target describe(int pid) {
    Path proc = Path.of("/proc", Integer.toString(pid));
    String exe = link(proc.resolve("exe")).orElse("?");
    List<String> cmdline = new ArrayList<>();
    try {
      // Each argument ends with a NUL; what follows the last one is no whole argument.
      String raw = Files.readString(proc.resolve("cmdline"), StandardCharsets.ISO_8859_1);
      int start = 0;
      for (int end = raw.indexOf('\0'); end >= 0; end = raw.indexOf('\0', start)) {
        cmdline.add(PathText.escape(raw.substring(start, end)));
        start = end + 1;
      }
    } catch (IOException e) {
      // process gone or hidden: leave it empty
    }
    Optional<String> status = read(proc.resolve("status"));
    String uid =
        status.flatMap(s -> field(s, "Uid")).map(u -> u.replaceAll("\\s+", " ")).orElse("?");
    String capEff = status.flatMap(s -> field(s, "CapEff")).orElse("?");
    return new Target(pid, exe, cmdline, uid, capEff);
  }

  /** The value of field {@code name} of a /proc status file's text {@code status}, trimmed. */
  static Optional<String> field(String status, String name) {
    return status
        .lines()
        .filter(l -> l.startsWith(name + ":"))
        .findFirst()
        .map(l -> l.substring(name.length() + 1).trim());
  }

  /** A /proc file's text, one char per byte; empty when it cannot be read (a process gone). */
  static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The working directory, one char per byte, as the recorder keeps paths. */
  public static Optional<String> cwd(int pid) {
    byte[] in = ("/proc/" + pid + "/cwd\0").getBytes(StandardCharsets.ISO_8859_1);
    byte[] out = new byte[4097];
    if (LibC.INSTANCE.realpath(in, out) == null) {
      return Optional.empty();
    }
    int len = 0;
    while (len < out.length && out[len] != 0) {
      len++;
    }
    return Optional.of(new String(out, 0, len, StandardCharsets.ISO_8859_1));
  }

  private static Optional<String> link(Path p) {
    try {
      return Optional.of(PathText.escape(Files.readSymbolicLink(p).toString()));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  /**
   * Notes the ids of every thread of {@code pid}, as /proc shows them now, for a trace that
   * attaches to them all.
   */
  public static void attachedIds(int pid, dev.tailor.tracer.record.Recorder recorder) {
    List<Integer> tids = new ArrayList<>();
    try (java.util.stream.Stream<Path> tasks =
        Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
      tasks.forEach(
          t -> {
            try {
              tids.add(Integer.parseInt(t.getFileName().toString()));
            } catch (NumberFormatException e) {
              // not a thread
            }
          });
    } catch (IOException | RuntimeException e) {
      tids.add(pid);
    }
    if (!tids.contains(pid)) {
      tids.add(pid);
    }
    for (int tid : tids) {
      dev.tailor.tracer.record.TaskIds.ofProcess(tid)
          .ifPresent(ids -> recorder.attachedWith(tid, ids));
    }
  }
}
