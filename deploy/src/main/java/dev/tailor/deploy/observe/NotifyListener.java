package dev.tailor.deploy.observe;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.tailor.tracer.record.PathResolver;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Answers one container's seccomp notifications: for each call its profile lacks, reads the paths
 * it names, checks the notification is still live, lets the call run ({@code
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE}) and records it. Ends when the container's processes are gone
 * (the fd reports POLLHUP) or the agent stops. Nothing the container does reaches other containers:
 * each has its own listener and thread, and errors end only this one.
 */
final class NotifyListener implements Runnable {
  private static final NotifyLibC C = NotifyLibC.INSTANCE;
  private static final int POLL_MILLIS = 1000;

  /** What the listener tells the agent. */
  interface Events {
    /** The first call of its kind for this container (worth a log line). */
    void firstCall(ObservedCall call);

    /** Something about the container's calls that is not recorded. */
    void unrecorded(ObservedContainer container, String what);

    /** The container's processes are gone, or listening failed ({@code why} is then not empty). */
    void ended(ObservedContainer container, String why);
  }

  private final int fd;
  private final ObservedContainer container;
  private final PathResolver resolver;
  private final Observations observations;
  private final IntFunction<String> syscallNames;
  private final int nativeArch;
  private final Events events;
  private final java.util.function.BooleanSupplier stopping;
  private final CallerMemory memory = new CallerMemory();
  private boolean foreignSeen;

  NotifyListener(
      int fd,
      ObservedContainer container,
      PathResolver resolver,
      Observations observations,
      IntFunction<String> syscallNames,
      int nativeArch,
      Events events,
      java.util.function.BooleanSupplier stopping) {
    this.fd = fd;
    this.container = container;
    this.resolver = resolver;
    this.observations = observations;
    this.syscallNames = syscallNames;
    this.nativeArch = nativeArch;
    this.events = events;
    this.stopping = stopping;
  }

  @Override
  public void run() {
    String why = "";
    try {
      listen();
    } catch (IOException | RuntimeException e) {
      why = e.getMessage() == null ? e.toString() : e.getMessage();
    } finally {
      C.close(fd);
      observations.ended(container, Instant.now());
      events.ended(container, why);
    }
  }

  private void listen() throws IOException {
    Memory notif = new Memory(NotifyLibC.NOTIF_SIZE);
    Memory resp = new Memory(NotifyLibC.RESP_SIZE);
    Memory id = new Memory(8);
    long[] args = new long[6];
    while (!stopping.getAsBoolean()) {
      int revents = UnixSocket.poll(fd, POLL_MILLIS);
      if ((revents & NotifyLibC.POLLIN) != 0) {
        notif.clear(); // the kernel refuses a receive buffer that is not zeroed
        if (C.ioctl(fd, NotifyLibC.SECCOMP_IOCTL_NOTIF_RECV, notif) != 0) {
          int errno = Native.getLastError();
          if (errno == NotifyLibC.ENOENT
              || errno == NotifyLibC.EINTR
              || errno == NotifyLibC.EAGAIN) {
            continue; // the caller went away (a signal, its death) before we took the call
          }
          throw new IOException("cannot receive a notification (errno " + errno + ")");
        }
        handle(notif, resp, id, args);
      } else if ((revents & (NotifyLibC.POLLHUP | NotifyLibC.POLLERR | NotifyLibC.POLLNVAL)) != 0) {
        return;
      }
    }
  }

  /**
   * struct seccomp_notif {u64 id; u32 pid; u32 flags; struct seccomp_data {int nr; u32 arch; u64
   * ip; u64 args[6];}}.
   */
  private void handle(Memory notif, Memory resp, Memory id, long[] args) throws IOException {
    long notifId = notif.getLong(0);
    int pid = notif.getInt(8);
    int nr = notif.getInt(16);
    int arch = notif.getInt(20);
    for (int i = 0; i < 6; i++) {
      args[i] = notif.getLong(32 + 8L * i);
    }
    String syscall = arch == nativeArch ? syscallNames.apply(nr) : "";
    List<String> paths = syscall.isEmpty() ? List.of() : memory.paths(pid, syscall, args, resolver);
    if (!paths.isEmpty()) {
      // What was read belongs to the notification only if it is still live: the caller may have
      // died and its pid been reused in between.
      id.setLong(0, notifId);
      if (C.ioctl(fd, NotifyLibC.SECCOMP_IOCTL_NOTIF_ID_VALID, id) != 0) {
        paths = List.of();
      }
    }
    resp.clear();
    resp.setLong(0, notifId);
    resp.setInt(20, NotifyLibC.SECCOMP_USER_NOTIF_FLAG_CONTINUE);
    if (C.ioctl(fd, NotifyLibC.SECCOMP_IOCTL_NOTIF_SEND, resp) != 0) {
      int errno = Native.getLastError();
      if (errno != NotifyLibC.ENOENT) {
        throw new IOException("cannot answer a notification (errno " + errno + ")");
      }
    }
    if (arch != nativeArch) {
      // Another architecture's numbers (a 32-bit program) name other calls: not recorded, said
      // once.
      if (!foreignSeen) {
        foreignSeen = true;
        events.unrecorded(
            container,
            "calls of architecture 0x"
                + Integer.toHexString(arch)
                + " (a 32-bit program?) are let run but not recorded");
      }
      return;
    }
    if (syscall.isEmpty()) {
      syscall = String.format("syscall_0x%x", nr); // as strace names a number it does not know
    }
    List<Long> values = new ArrayList<>(6);
    for (long a : args) {
      values.add(a);
    }
    ObservedCall call = new ObservedCall(container, syscall, values, paths, Instant.now());
    if (observations.add(call)) {
      events.firstCall(call);
    }
  }
}
