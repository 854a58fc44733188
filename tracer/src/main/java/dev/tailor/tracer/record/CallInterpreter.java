package dev.tailor.tracer.record;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.call.Call;
import dev.tailor.tracer.call.Effect;
import dev.tailor.tracer.call.Effect.ArgumentValue;
import dev.tailor.tracer.call.Effect.Capable;
import dev.tailor.tracer.call.Effect.ChangeDir;
import dev.tailor.tracer.call.Effect.Exec;
import dev.tailor.tracer.call.Effect.FdAccess;
import dev.tailor.tracer.call.Effect.FdSocket;
import dev.tailor.tracer.call.Effect.Fork;
import dev.tailor.tracer.call.Effect.IdChange;
import dev.tailor.tracer.call.Effect.Open;
import dev.tailor.tracer.call.Effect.OwnerChange;
import dev.tailor.tracer.call.Effect.PathAccess;
import dev.tailor.tracer.call.Effect.PrivilegeChange;
import dev.tailor.tracer.call.Effect.SocketAddress;
import dev.tailor.tracer.call.Effect.SocketOpen;
import dev.tailor.tracer.call.Effect.SocketPath;
import dev.tailor.tracer.call.Effect.Warning;
import dev.tailor.tracer.call.OpenMode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies what a call did ({@link Call}), decoded from either backend, to the {@link Recorder}:
 * names resolved as the kernel did at the call by {@link ProcessPaths}, the interpreters of {@code
 * #!} scripts, sockets, capabilities and argument values. The one place both backends' calls become
 * a recording.
 */
final class CallInterpreter {
  private final Recorder recorder;
  private final Effects effects;
  private final PathResolver resolver;
  private final ProcessPaths paths;
  private final ProcessIds ids;
  private final ChownChecks chowns;
  private final Set<String> interpreters = new TreeSet<>();
  private boolean sawUndecoratedOpen;

  CallInterpreter(Recorder recorder, Effects effects, PathResolver resolver, String initialCwd) {
    this.recorder = recorder;
    this.effects = effects;
    this.resolver = resolver;
    this.paths = new ProcessPaths(recorder, effects, resolver, initialCwd);
    this.ids = new ProcessIds();
    this.chowns = new ChownChecks(resolver);
  }

  /** The ids of every traced task. */
  ProcessIds ids() {
    return ids;
  }

  /** A pid seen for the first time: where it came from, for its working directory and ids. */
  void newPid(int pid) {
    OptionalInt parent = paths.cloningParent();
    paths.newPid(pid);
    ids.newPid(pid, parent);
  }

  /** A task has exited: its pid may come again for another. */
  void exited(int pid) {
    paths.exited(pid);
    ids.exited(pid);
  }

  /** Adds what can be decided only once the trace is over: the chowns' capability. */
  void finish() {
    chowns.decide(recorder);
  }

  /** Where names are resolved from, process by process. */
  ProcessPaths paths() {
    return paths;
  }

  /** Adds what this reading could not see or had to resolve on this machine, one sentence each. */
  void notes(List<String> w) {
    if (sawUndecoratedOpen) {
      w.add(
          "the trace has no -yy fd decorations: opened paths come from the call arguments, unresolved "
              + "through symlinks, and fd-only accesses (read, write, mmap of inherited fds) are not seen; "
              + "record with strace -f -yy");
    }
    paths.linkNotes(w);
    if (!interpreters.isEmpty()) {
      w.add(
          "#! scripts were exec'd: their interpreters ("
              + String.join(", ", interpreters)
              + ") were read from the "
              + "scripts' first lines on this machine when the trace was read, as the kernel reads them at exec; they get "
              + "read and mmap access");
    }
    paths.procNotes(w);
    if (ids.unknownChanges() > 0) {
      w.add(
          ids.unknownChanges()
              + " set*id calls came from processes whose ids were not known (a trace read from a "
              + "log has no /proc to read them from): each is taken to need its capability");
    }
    chowns.notes(w);
  }

  /**
   * Applies one call of {@code pid}; its effects go to the recorder, and what a repeat must add
   * again to {@link Effects}. Argument values are counted only where {@code counted}: a backend
   * that counts calls in the kernel counts their values there too.
   */
  void apply(int pid, Call call, boolean counted) {
    for (Effect effect : call.effects()) {
      if (effect instanceof ArgumentValue v) {
        if (counted) {
          long[] counter = recorder.arguments().counter(v.filter(), v.value());
          effects.now(pid, p -> counter[0]++);
        }
      } else {
        apply(pid, call.name(), effect);
      }
    }
  }

  private void apply(int pid, String name, Effect effect) {
    if (effect instanceof PathAccess a) {
      paths
          .resolve(pid, a.path())
          .ifPresent(p -> files(pid, p, a.kinds(), a.errno(), a.directory(), Life.of(name, a)));
    } else if (effect instanceof Open o) {
      open(pid, o);
    } else if (effect instanceof FdAccess f) {
      life(access(pid, f.path(), f.kind(), "", f.directory()), f.path(), pid, Life.USED);
    } else if (effect instanceof FdSocket s) {
      recorder.sockets().seen(s.kind());
    } else if (effect instanceof Exec x) {
      exec(pid, x);
    } else if (effect instanceof Fork f) {
      paths.exited(pid);
      if (f.child() > 0) {
        paths.forked(pid, f.child());
        ids.forked(pid, f.child());
      }
    } else if (effect instanceof ChangeDir c) {
      paths
          .resolve(pid, c.dir())
          .ifPresent(
              p -> {
                paths.setCwd(pid, p);
                if (c.named()) {
                  file(pid, p, Access.STAT, "", true);
                }
              });
    } else if (effect instanceof SocketOpen s) {
      SocketTally.SockAcc acc = recorder.sockets().count(s.kind());
      effects.also(p -> acc.count++);
    } else if (effect instanceof SocketAddress a) {
      recorder.sockets().address(a);
    } else if (effect instanceof SocketPath s) {
      // A unix socket's path: relative to the working directory, its last symlink not followed.
      paths.fromCwd(pid, s.name(), false).ifPresent(p -> file(pid, p, s.kind(), "", false));
    } else if (effect instanceof Capable c) {
      recorder.capability(c.capability(), c.reason());
    } else if (effect instanceof IdChange c) {
      effects.now(pid, p -> idChange(p, c));
    } else if (effect instanceof PrivilegeChange c) {
      effects.now(pid, ids::privilegeUnknown);
    } else if (effect instanceof OwnerChange c) {
      Optional<String> file = paths.resolve(pid, c.file());
      effects.now(pid, p -> chowns.add(file, ids.of(p), c));
    } else if (effect instanceof Warning w) {
      recorder.warn(w.text());
    }
  }

  /** An id change: the task's new ids, and the capability it needed given its ids before. */
  private void idChange(int pid, IdChange c) {
    ids.change(pid, c)
        .ifPresent(
            why ->
                recorder.capability(
                    c.call().groups() ? "setgid" : "setuid", c.shown() + ": " + why));
  }

  private void open(int pid, Open o) {
    OpenMode mode = o.mode();
    if (!o.errno().isEmpty()) {
      Life absent = o.errno().equals("ENOENT") ? Life.ABSENT : Life.NONE;
      paths
          .resolve(pid, o.path())
          .ifPresent(p -> files(pid, p, mode.kinds(), o.errno(), mode.directory(), absent));
      return;
    }
    sawUndecoratedOpen |= o.opened().isEmpty() && !o.reopens();
    Optional<String> opened =
        o.opened().isEmpty() ? paths.resolve(pid, o.path()) : Optional.of(o.opened());
    if (opened.isEmpty()) {
      return;
    }
    String path = opened.get();
    if (o.reopens()) {
      // What a descriptor the process had is open on: used as through that fd, so inherited
      // stdio reopened by name (echo > /dev/stdout) is reported as inherited, as its writes
      // are; O_CREAT on it makes nothing.
      mode.kinds().stream()
          .filter(k -> k != Access.CREATE)
          .forEach(k -> access(pid, path, k, "", mode.directory()));
      return;
    }
    Life made = mode.kinds().contains(Access.CREATE) ? Life.MADE_IF_GONE : Life.USED;
    files(pid, path, mode.kinds(), "", mode.directory(), mode.exclusive() ? Life.MADE : made);
  }

  /** What a call did to a name's life (see {@link NameLife}). */
  private enum Life {
    ABSENT,
    MADE,
    MADE_IF_GONE,
    USED,
    REMOVED,
    NONE;

    /** The event of a call that named a file, of kinds {@code a.kinds()}. */
    static Life of(String call, PathAccess a) {
      Set<Access> k = a.kinds();
      if (!a.errno().isEmpty()) {
        // A rename's or link's target fails with ENOENT when the source is missing: it says nothing
        // of the target.
        return a.errno().equals("ENOENT") && !k.contains(Access.CREATE) && !k.contains(Access.LINK)
            ? ABSENT
            : NONE;
      }
      if (call.startsWith("renameat2")) {
        // RENAME_EXCHANGE keeps both names, and the flags are not read here: both stay as they
        // were.
        return USED;
      }
      if (k.contains(Access.DELETE) || k.contains(Access.RENAME)) {
        return REMOVED;
      }
      if (k.contains(Access.MKDIR) || k.contains(Access.LINK)) {
        return MADE;
      }
      if (k.contains(Access.CREATE)) {
        // mknod and symlink fail on an existing name; a rename replaces one.
        return call.startsWith("rename") ? MADE_IF_GONE : MADE;
      }
      return USED;
    }
  }

  /**
   * Applies a name's life event to its tally ({@code null}: none), now and on each repeat of the
   * call (by the repeating pid).
   */
  private void life(FileTally.FileAcc acc, String rawPath, int pid, Life event) {
    if (acc == null || event == Life.NONE) {
      return;
    }
    effects.now(pid, p -> live(acc.life, rawPath, p, event));
  }

  private static void live(NameLife life, String rawPath, int pid, Life event) {
    switch (event) {
      case ABSENT -> life.absent();
      case MADE -> life.create(true, rawPath, pid);
      case MADE_IF_GONE -> life.create(false, rawPath, pid);
      case USED -> life.use();
      case REMOVED -> life.remove();
      case NONE -> {}
    }
  }

  private void exec(int pid, Exec x) {
    Optional<String> path = paths.resolve(pid, x.program());
    if (path.isEmpty()) {
      return;
    }
    // execve of another thread reports "= 0" on the leader; "?" only when the process died
    // meanwhile.
    if (!x.errno().isEmpty()) {
      file(pid, path.get(), Access.EXEC, x.errno(), false);
      return;
    }
    if (!x.returned()) {
      return;
    }
    String program = interpreted(pid, path.get());
    paths.exec(pid, program);
    String ran = path.get();
    // A set-id program changes the ids at exec; the mode is read once, a repeat shares it.
    Optional<Integer> mode = resolver.stat(ran).map(FileStat::mode);
    effects.now(
        pid,
        p -> {
          recorder.recordExec(ran, x.argv()).accessedBy(ids.fsuid(p));
          ids.exec(p, mode);
        });
  }

  /**
   * The program a successful exec of {@code path} runs: for a {@code #!} script, the kernel opens
   * its interpreter inside the same execve, with no syscall of its own to show it, and maps it; the
   * interpreter gets read and mmap access here. Up to the kernel's four levels of scripts.
   */
  private String interpreted(int pid, String path) {
    String program = path;
    for (int depth = 0; depth < Interpreters.MAX_DEPTH; depth++) {
      Optional<String> interpreter =
          resolver.head(program, Interpreters.HEAD).flatMap(Interpreters::of);
      if (interpreter.isEmpty()) {
        return program;
      }
      Optional<String> next = paths.fromCwd(pid, interpreter.get(), true);
      if (next.isEmpty() || !resolver.isExecutableFile(next.get())) {
        // The kernel runs only an executable interpreter: a script rewritten since names another.
        return program;
      }
      program = next.get();
      interpreters.add(PathText.escape(program));
      file(pid, program, Access.READ, "", false);
      file(pid, program, Access.MMAP_EXEC, "", false);
    }
    return program;
  }

  /** Records each kind of access to a file a call named, then the event of the name's life. */
  private void files(
      int pid, String rawPath, Set<Access> kinds, String errno, boolean directory, Life event) {
    FileTally.FileAcc acc = null;
    for (Access k : kinds) {
      acc = file(pid, rawPath, k, errno, directory);
    }
    life(acc, rawPath, pid, event);
  }

  /** Records an access to a file a call named, and the fs uid of the task that made it. */
  private FileTally.FileAcc file(
      int pid, String rawPath, Access kind, String errno, boolean directory) {
    FileTally.FileAcc acc = access(pid, rawPath, kind, errno, directory);
    acc.named = true;
    return acc;
  }

  /**
   * Records an access, and the fs uid of the task that made it when it worked; alone (not through
   * {@link #file}), an access through an fd: a file only ever used so may have been inherited.
   */
  private FileTally.FileAcc access(
      int pid, String rawPath, Access kind, String errno, boolean directory) {
    FileTally.FileAcc acc = recorder.files().access(rawPath, kind, errno, directory);
    if (errno.isEmpty()) {
      acc.accessedBy(ids.fsuid(pid));
    }
    effects.also(
        p -> {
          acc.add(kind, errno, directory);
          if (errno.isEmpty()) {
            acc.accessedBy(ids.fsuid(p));
          }
        });
    return acc;
  }
}
