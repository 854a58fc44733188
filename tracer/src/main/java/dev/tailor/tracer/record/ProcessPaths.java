package dev.tailor.tracer.record;

import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.PathArg;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where each traced process resolves names from: its working directory (from {@code AT_FDCWD</dir>}
 * decorations, chdir and fork), what {@code /proc/self} names for it, and the symlinks of this
 * machine; so that a call's path arguments become the absolute paths the kernel resolved at the
 * call.
 */
final class ProcessPaths {
  private final Recorder recorder;
  private final Effects effects;
  private final PathResolver resolver;
  private final String initialCwd;
  private final Map<Integer, String> cwds = new HashMap<>();
  private final ProcSelf procSelf = new ProcSelf();

  /** Processes inside clone or fork, whose children may speak before the call returns. */
  private final Set<Integer> cloning = new HashSet<>();

  private long throughLinks;
  private final Set<String> linkExamples = new LinkedHashSet<>();
  private long procLeftOut;
  private final Set<String> procExamples = new LinkedHashSet<>();

  ProcessPaths(Recorder recorder, Effects effects, PathResolver resolver, String initialCwd) {
    this.recorder = recorder;
    this.effects = effects;
    this.resolver = resolver;
    this.initialCwd = initialCwd;
  }

  void setCwd(int pid, String cwd) {
    cwds.put(pid, cwd);
  }

  void cloneStarted(int pid) {
    cloning.add(pid);
  }

  /** The process's clone or fork has returned, or the process has gone. */
  void exited(int pid) {
    cloning.remove(pid);
  }

  /** A child a clone or fork returned: it starts where its parent is. */
  void forked(int parent, int child) {
    cwds.computeIfAbsent(child, k -> cwds.get(parent));
    procSelf.fork(parent, child);
  }

  /** The one process inside clone or fork, whose child a new pid is; empty when none or several. */
  OptionalInt cloningParent() {
    return cloning.size() == 1 ? OptionalInt.of(cloning.iterator().next()) : OptionalInt.empty();
  }

  /** A pid seen for the first time: while exactly one process is inside clone/fork, its child. */
  void newPid(int pid) {
    if (cwds.containsKey(pid) || cloning.size() != 1) {
      return;
    }
    forked(cloning.iterator().next(), pid);
  }

  /**
   * A successful exec: {@code /proc/self/exe} of the process (and of a repeat's) is {@code
   * program}.
   */
  void exec(int pid, String program) {
    effects.now(pid, p -> procSelf.exec(p, program));
  }

  /** The working directory of {@code pid}, which a repeat of the call may not share. */
  String cwdOf(int pid) {
    effects.readState = true;
    return cwds.getOrDefault(pid, initialCwd);
  }

  /** The absolute path the kernel resolved for a name the process passed, if it can be known. */
  Optional<String> resolve(int pid, PathArg arg) {
    if (arg.base() == PathArg.Base.NONE || arg.base() == PathArg.Base.RESOLVED) {
      return arg.base() == PathArg.Base.NONE ? Optional.empty() : Optional.of(arg.name());
    }
    String n = arg.name();
    boolean follow = arg.follow();
    // AT_FDCWD</dir>: the trace says where the process is, which is also what a repeat will say.
    boolean decoratedCwd = arg.base() == PathArg.Base.CWD && !arg.dir().isEmpty();
    if (decoratedCwd) {
      effects.now(pid, p -> cwds.put(p, arg.dir()));
    }
    String base;
    if (n.startsWith("/")) {
      base = "";
    } else if (arg.base() == PathArg.Base.DIR) {
      if (arg.dir().isEmpty()) {
        return Optional.empty();
      }
      base = arg.dir();
    } else {
      base = decoratedCwd ? arg.dir() : cwdOf(pid);
      if (base.isEmpty()) {
        recorder.warn(
            "relative paths were seen for processes whose working directory is unknown; they are left out");
        return Optional.empty();
      }
    }
    String joined = PathNames.join(base, n);
    String lexical = PathNames.normalize(joined);
    if (ProcSelf.owns(lexical)) {
      // What the traced process sees there, never this machine's /proc; it depends on the pid.
      effects.readState = true;
      Optional<String> seen = procSelf.resolve(pid, lexical, follow, this::cwdOf);
      if (seen.isEmpty()) {
        procLeftOut++;
        if (procExamples.size() < 3) {
          procExamples.add(PathText.escape(lexical));
        }
        return seen;
      }
      return ProcSelf.owns(seen.get()) ? seen : Optional.of(resolver.resolve(seen.get(), follow));
    }
    String resolved = resolver.resolve(joined, follow);
    if (!resolved.equals(lexical)) {
      effects.now(pid, p -> throughLinks++);
      if (linkExamples.size() < 5) {
        linkExamples.add(PathText.escape(lexical) + " -> " + PathText.escape(resolved));
      }
    }
    return Optional.of(resolved);
  }

  /**
   * A name relative to the process's working directory, resolved on this machine ({@code follow}:
   * through a last symlink too); empty when it is relative and the working directory is not known.
   */
  Optional<String> fromCwd(int pid, String name, boolean follow) {
    String base = name.startsWith("/") ? "" : cwdOf(pid);
    if (!name.startsWith("/") && base.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(resolver.resolve(PathNames.join(base, name), follow));
  }

  /** The sentence on names resolved through this machine's symlinks, when there were any. */
  void linkNotes(List<String> w) {
    if (throughLinks > 0) {
      w.add(
          throughLinks
              + " argument paths (exec, stat, unlink, rename, mkdir, failed opens) went through symlinks and "
              + "were resolved on this machine when the trace was read, as the kernel resolves them (e.g. "
              + String.join(", ", linkExamples)
              + "); a workload that changed a symlink in between could mislead this");
    }
  }

  /** The sentence on /proc names only the traced process could resolve, when there were any. */
  void procNotes(List<String> w) {
    if (procLeftOut > 0) {
      w.add(
          procLeftOut
              + " paths through /proc named what only the traced process knew (a file descriptor, or a "
              + "program or directory not in the trace; e.g. "
              + String.join(", ", procExamples)
              + ") and are left out");
    }
  }
}
