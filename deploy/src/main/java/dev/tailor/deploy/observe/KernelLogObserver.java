package dev.tailor.deploy.observe;

import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.tracer.seccomp.SeccompException;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Observe mode for runtimes without {@code listenerPath} (Docker, Kubernetes Localhost profiles): a
 * container runs the log variant of its profile ({@code seccomp.observe.json}, {@code tailor export
 * --observe}), so each call the profile lacks runs and the kernel writes a seccomp audit line; this
 * reads those lines from {@code /dev/kmsg}, places each process in its container while it lives
 * ({@link ContainerOfPid}), names the call through libseccomp, and writes what it saw to the
 * profile's observed folder, as the notify agent does. The kernel log has no argument values or
 * paths, so the observed calls are names only.
 */
public final class KernelLogObserver {
  private final ContainerOfPid containers;
  private final Function<String, Path> folders;
  private final PrintWriter log;
  private final Observations observations = new Observations();
  private final Map<Long, String> names = new HashMap<>();
  private final java.util.Set<String> started = new java.util.HashSet<>();
  private final long sinceBootMicros;
  private long unplaced;
  private long outsideObserveMode;

  /**
   * @param sinceBootMicros lines the kernel logged before this (microseconds since boot) are old:
   *     their pids may belong to other processes by now
   */
  public KernelLogObserver(
      ContainerOfPid containers,
      Function<String, Path> folders,
      long sinceBootMicros,
      PrintWriter log) {
    this.containers = containers;
    this.folders = folders;
    this.sinceBootMicros = sinceBootMicros;
    this.log = log;
  }

  /** Microseconds since boot now, the clock of /dev/kmsg records ({@code /proc/uptime}). */
  public static long bootMicrosNow() throws IOException {
    String up =
        Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII).trim().split(" ")[0];
    int dot = up.indexOf('.');
    return Long.parseLong(up.substring(0, dot)) * 1_000_000L
        + Long.parseLong((up.substring(dot + 1) + "000000").substring(0, 6));
  }

  /** The calls seen so far. */
  public Observations observations() {
    return observations;
  }

  /** Takes one record of /dev/kmsg; true when it was a call of a container in observe mode. */
  public boolean accept(String record) {
    Optional<AuditRecord> r = AuditRecord.parse(record);
    if (r.isEmpty() || r.get().bootMicros() < sinceBootMicros) {
      return false;
    }
    AuditRecord a = r.get();
    Optional<String> id = containers.containerId(a.pid());
    if (id.isEmpty()) {
      unplaced++; // gone already, or a host process: either way not a container we can name
      return false;
    }
    Optional<ObservedContainer> c = containers.container(id.get());
    if (c.isEmpty()) {
      outsideObserveMode++;
      return false;
    }
    String name = name(a.auditArch(), a.number());
    if (!observations.knows(c.get().profile())) {
      restore(c.get().profile());
    }
    if (started.add(c.get().id())) {
      observations.started(c.get(), a.at());
      say(
          "observing container "
              + c.get().name()
              + " against profile "
              + c.get().profile()
              + " (kernel log)");
    }
    if (observations.add(ObservedCall.named(c.get(), name, a.at()))) {
      say(
          "container "
              + c.get().name()
              + ": "
              + name
              + " (not in profile "
              + c.get().profile()
              + ")");
    }
    return true;
  }

  private String name(int arch, int nr) {
    long key = ((long) arch << 32) | (nr & 0xffffffffL);
    return names.computeIfAbsent(
        key,
        k -> {
          try {
            return SyscallTable.nameOn(arch, nr).orElse("syscall_0x" + Integer.toHexString(nr));
          } catch (SeccompException e) {
            return "syscall_0x" + Integer.toHexString(nr);
          }
        });
  }

  private void restore(String profile) {
    try {
      ObservedFolder.read(folders.apply(profile)).ifPresent(observations::restore);
    } catch (IOException | RuntimeException e) {
      say("profile " + profile + ": " + e.getMessage());
    }
  }

  /** Writes each profile whose observations changed to its observed folder. */
  public void flush() {
    for (String profile : observations.takeChanged()) {
      Path folder = folders.apply(profile);
      try {
        ObservedFolder.write(folder, profile, observations.snapshot(profile));
      } catch (IOException | RuntimeException e) {
        observations.markChanged(profile);
        say("cannot write " + folder + ": " + e.getMessage() + "; trying again later");
      }
    }
  }

  /**
   * Lines that named a process no longer alive or in no container, and containers not in observe
   * mode.
   */
  public String counts() {
    return unplaced
        + " audit lines of processes in no container or already gone, "
        + outsideObserveMode
        + " of containers not in observe mode";
  }

  /**
   * Reads {@code kmsg} (an open /dev/kmsg: one record per read) until it ends or the thread is
   * interrupted, flushing at most every {@code flushMillis}. A reader that falls behind the
   * kernel's ring buffer loses the overwritten records (the read fails with EPIPE, and is retried).
   */
  public void read(InputStream kmsg, long flushMillis) throws IOException {
    byte[] buf = new byte[8192];
    long lastFlush = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      int n;
      try {
        n = kmsg.read(buf);
      } catch (IOException e) {
        if (String.valueOf(e.getMessage()).contains("Broken pipe")) {
          say("the kernel log overwrote records before they were read; some calls may be missing");
          continue;
        }
        throw e;
      }
      if (n < 0) {
        break;
      }
      accept(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      if (System.nanoTime() - lastFlush > flushMillis * 1_000_000L) {
        flush();
        lastFlush = System.nanoTime();
      }
    }
    flush();
  }

  private void say(String line) {
    synchronized (log) {
      log.println("tailor observe: " + ProfileStore.printable(line));
      log.flush();
    }
  }
}
