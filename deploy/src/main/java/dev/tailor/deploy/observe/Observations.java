package dev.tailor.deploy.observe;

import dev.tailor.tracer.call.ArgFilter;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The calls containers in observe mode made that their profiles lack, each distinct call once per
 * container and profile with a count. Every source (the notify agent, the kernel-log reader) adds
 * to one of these; {@link ObservedFolder} writes it out. Thread-safe: one lock, held only to update
 * counts, never while reading a container's memory or writing files.
 */
public final class Observations {
  /**
   * The most distinct calls kept one by one per container: a container making up file names (mkdir
   * of random names) would otherwise grow the agent's memory without bound. Past it, calls are
   * counted by syscall name only.
   */
  public static final int MAX_CALLS_PER_CONTAINER = 1024;

  /**
   * The bits of open's flags that say what the open does to the file (access, create, truncate,
   * append, directory).
   */
  private static final long OPEN_KIND_BITS =
      03 | 0100 | 01000 | 02000 | 0200000 | 020000000 | 010000000;

  private static final class Seen {
    final String syscall;
    final List<Long> args;
    final List<String> paths;
    long count;
    final Instant first;
    Instant last;

    Seen(
        String syscall,
        List<Long> args,
        List<String> paths,
        long count,
        Instant first,
        Instant last) {
      this.syscall = syscall;
      this.args = args;
      this.paths = paths;
      this.count = count;
      this.first = first;
      this.last = last;
    }
  }

  private static final class Tracked {
    ObservedContainer container;
    final Instant started;
    boolean running;
    Instant ended;
    boolean capped;
    final Map<String, Seen> calls = new HashMap<>();

    Tracked(ObservedContainer container, Instant started) {
      this.container = container;
      this.started = started;
      this.ended = started;
    }
  }

  /** profile -> container id -> what it did. */
  private final Map<String, Map<String, Tracked>> profiles = new TreeMap<>();

  private final Set<String> changed = new TreeSet<>();
  private final int maxCalls;

  public Observations() {
    this(MAX_CALLS_PER_CONTAINER);
  }

  Observations(int maxCalls) {
    this.maxCalls = maxCalls;
  }

  /**
   * Starts observing {@code container} (a runtime handed over its notify fd, or its first log
   * line).
   */
  public synchronized void started(ObservedContainer container, Instant at) {
    Tracked t = tracked(container, at);
    t.running = true;
    changed.add(container.profile());
  }

  /** Stops observing {@code container}: its processes are gone. */
  public synchronized void ended(ObservedContainer container, Instant at) {
    Tracked t = tracked(container, at);
    t.running = false;
    t.ended = at;
    changed.add(container.profile());
  }

  /** Adds one call; true when it is the first of its kind for its container (worth a log line). */
  public synchronized boolean add(ObservedCall call) {
    Tracked t = tracked(call.container(), call.at());
    String key = key(call);
    Seen s = t.calls.get(key);
    if (s == null && t.calls.size() >= maxCalls) {
      t.capped = true;
      key = call.syscall() + "\0*";
      s = t.calls.get(key);
      if (s == null) {
        s = new Seen(call.syscall(), List.of(), List.of(), 0, call.at(), call.at());
        t.calls.put(key, s);
      }
    }
    boolean first = s == null;
    if (first) {
      s = new Seen(call.syscall(), call.args(), call.paths(), 0, call.at(), call.at());
      t.calls.put(key, s);
    }
    s.count++;
    if (call.at().isAfter(s.last)) {
      s.last = call.at();
    }
    changed.add(call.container().profile());
    return first;
  }

  /** The profiles that changed since the last call (to be written out), forgetting them. */
  public synchronized Set<String> takeChanged() {
    Set<String> out = new TreeSet<>(changed);
    changed.clear();
    return out;
  }

  /** Marks {@code profile} as changed again (its write failed and must be retried). */
  public synchronized void markChanged(String profile) {
    changed.add(profile);
  }

  /** The profiles something was observed against. */
  public synchronized Set<String> profiles() {
    return new TreeSet<>(profiles.keySet());
  }

  /** Whether anything is known about {@code profile} (observed now, or restored). */
  public synchronized boolean knows(String profile) {
    return profiles.containsKey(profile);
  }

  /** A copy of what was observed against {@code profile}. */
  public synchronized ProfileObservations snapshot(String profile) {
    List<ContainerCalls> out = new ArrayList<>();
    for (Tracked t : profiles.getOrDefault(profile, Map.of()).values()) {
      out.add(copy(t));
    }
    out.sort(Comparator.comparing(ContainerCalls::started).thenComparing(c -> c.container().id()));
    return new ProfileObservations(profile, out);
  }

  /** The containers being observed now, across profiles. */
  public synchronized List<ContainerCalls> running() {
    List<ContainerCalls> out = new ArrayList<>();
    for (Map<String, Tracked> byId : profiles.values()) {
      for (Tracked t : byId.values()) {
        if (t.running) {
          out.add(copy(t));
        }
      }
    }
    out.sort(Comparator.comparing(ContainerCalls::started).thenComparing(c -> c.container().id()));
    return out;
  }

  /**
   * Adds what an earlier agent wrote (its {@code observed.json}), so that a restarted agent keeps
   * it; containers already known here keep what this agent saw and gain the earlier counts.
   */
  public synchronized void restore(ProfileObservations earlier) {
    for (ContainerCalls c : earlier.containers()) {
      Tracked t =
          profiles
              .computeIfAbsent(earlier.profile(), k -> new LinkedHashMap<>())
              .computeIfAbsent(
                  c.container().id(),
                  k -> {
                    Tracked n = new Tracked(c.container(), c.started());
                    n.ended = c.ended();
                    return n;
                  });
      t.capped |= c.capped();
      for (SeenCall s : c.calls()) {
        String key =
            s.args().isEmpty() && s.paths().isEmpty() && c.capped()
                ? s.syscall() + "\0*"
                : key(s.syscall(), s.args(), s.paths());
        Seen mine = t.calls.get(key);
        if (mine == null) {
          t.calls.put(
              key, new Seen(s.syscall(), s.args(), s.paths(), s.count(), s.first(), s.last()));
        } else {
          mine.count += s.count();
          if (s.last().isAfter(mine.last)) {
            mine.last = s.last();
          }
        }
      }
    }
  }

  private Tracked tracked(ObservedContainer c, Instant at) {
    Map<String, Tracked> byId = profiles.computeIfAbsent(c.profile(), k -> new LinkedHashMap<>());
    Tracked t = byId.get(c.id());
    if (t == null) {
      t = new Tracked(c, at);
      byId.put(c.id(), t);
    } else {
      t.container = c;
    }
    return t;
  }

  private static ContainerCalls copy(Tracked t) {
    List<SeenCall> calls = new ArrayList<>();
    for (Seen s : t.calls.values()) {
      calls.add(new SeenCall(s.syscall, s.args, s.paths, s.count, s.first, s.last));
    }
    calls.sort(
        Comparator.comparing(SeenCall::syscall)
            .thenComparing(s -> String.join("\0", s.paths()))
            .thenComparing(SeenCall::first));
    return new ContainerCalls(
        t.container, t.started, t.running, t.running ? t.started : t.ended, calls, t.capped);
  }

  /**
   * What makes two calls the same call: the syscall, its paths, and the argument values a profile
   * can filter on.
   */
  static String key(ObservedCall call) {
    return key(call.syscall(), call.args(), call.paths());
  }

  private static String key(String syscall, List<Long> args, List<String> paths) {
    StringBuilder k = new StringBuilder(syscall);
    for (String p : paths) {
      k.append('\0').append(p);
    }
    if (!args.isEmpty()) {
      for (ArgFilter f : SyscallModel.filters(syscall)) {
        k.append('\0').append(f.index()).append('=').append(f.normalize(args.get(f.index())));
      }
      openFlagsIndex(syscall)
          .ifPresent(i -> k.append("\0flags=").append(args.get(i) & OPEN_KIND_BITS));
    }
    return k.toString();
  }

  /** The argument holding open's flags, for the calls that take them as a register. */
  static java.util.Optional<Integer> openFlagsIndex(String syscall) {
    return SyscallModel.path(syscall)
        .filter(PathSyscall::opens)
        .filter(p -> !p.name().equals("creat") && !p.name().equals("openat2"))
        .map(p -> p.path() + 1);
  }
}
