package dev.tailor.tracer.record;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Paths under {@code /proc/self}, {@code /proc/thread-self} and {@code /proc/PID}, which name
 * things of the traced process (its program, working directory, fds). They must never be resolved
 * through this machine's /proc: there {@code /proc/self/exe} is tailor's own JVM and {@code
 * /proc/self/fd/3} one of tailor's files, and in an offline log a pid is someone else.
 */
final class ProcSelf {
  /** The program each process runs, from its last successful exec. */
  private final Map<Integer, String> exes = new HashMap<>();

  void exec(int pid, String program) {
    exes.put(pid, program);
  }

  /** A new process runs its parent's program until it execs. */
  void fork(int parent, int child) {
    exes.computeIfAbsent(child, k -> exes.get(parent));
  }

  /** Whether {@code path} (absolute, normalized) is one of the per-process /proc paths. */
  static boolean owns(String path) {
    return path.startsWith("/proc/")
        && (isProcess(path, "/proc/self")
            || isProcess(path, "/proc/thread-self")
            || (path.length() > 6 && Character.isDigit(path.charAt(6))));
  }

  private static boolean isProcess(String path, String dir) {
    return path.startsWith(dir)
        && (path.length() == dir.length() || path.charAt(dir.length()) == '/');
  }

  /**
   * What {@code path} names for process {@code pid}: the program for {@code exe}, the working
   * directory (from {@code cwdOf}) for {@code cwd}, {@code /} for {@code root}; other entries stay
   * as they are, with the pid filled in. Empty when only the process knew (an fd, or a program or
   * directory that is not in the trace).
   */
  Optional<String> resolve(int pid, String path, boolean follow, IntFunction<String> cwdOf) {
    String p = path;
    if (isProcess(p, "/proc/self")) {
      p = "/proc/" + pid + p.substring("/proc/self".length());
    } else if (isProcess(p, "/proc/thread-self")) {
      p = "/proc/" + pid + "/task/" + pid + p.substring("/proc/thread-self".length());
    }
    Matcher m = PROCESS.matcher(p);
    if (!m.matches()) {
      return Optional.of(p);
    }
    int owner = parsePid(m.group(m.group(2) == null ? 1 : 2));
    String rest = m.group(3);
    if (rest.equals("/exe")) {
      return follow ? Optional.ofNullable(exes.get(owner)) : Optional.of(p);
    }
    if (isProcess(rest, "/cwd") && (follow || rest.length() > 4)) {
      String cwd = cwdOf.apply(owner);
      return cwd == null || cwd.isEmpty()
          ? Optional.empty()
          : Optional.of(PathNames.join(cwd, rest.substring(4).replaceFirst("^/", "")));
    }
    if (isProcess(rest, "/root") && (follow || rest.length() > 5)) {
      return Optional.of(rest.length() > 5 ? rest.substring(5) : "/");
    }
    if (rest.startsWith("/fd/") && (follow || rest.indexOf('/', 4) > 0)) {
      return Optional.empty();
    }
    return Optional.of(p);
  }

  /** /proc/PID, then /task/TID (which names the same things as /proc/TID), then the rest. */
  private static final Pattern PROCESS =
      Pattern.compile("/proc/([0-9]+)(?:/task/([0-9]+))?(.*)", Pattern.DOTALL);

  private static int parsePid(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
