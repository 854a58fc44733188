package dev.tailor.deploy.observe;

import com.sun.jna.Memory;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.record.PathNames;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.sys.LibC;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the paths a notified call names from the caller's memory ({@code process_vm_readv}) and
 * makes them absolute as the caller sees them (relative to its working directory or the dirfd it
 * passed). Everything read is the caller's to change: a path is only as true as the moment it was
 * read, which is why observe mode is a trial and not a sandbox.
 */
final class CallerMemory {
  private static final NotifyLibC C = NotifyLibC.INSTANCE;
  private static final int PATH_MAX = 4096;
  private static final int PAGE = 4096;
  private static final int AT_FDCWD = -100;
  private static final long AT_SYMLINK_NOFOLLOW = 0x100;

  private final Memory buf = new Memory(PATH_MAX);
  private final Memory local = new Memory(16);
  private final Memory remote = new Memory(16);
  private final byte[] linkBuf = new byte[PATH_MAX + 1];

  /**
   * The paths of a call, resolved; empty for calls that name none or whose paths cannot be read.
   */
  List<String> paths(int pid, String syscall, long[] args, PathResolver resolver) {
    Optional<PathSyscall> row = SyscallModel.path(syscall);
    if (row.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>(2);
    PathSyscall p = row.get();
    boolean follow =
        switch (p.follow()) {
          case ALWAYS -> true;
          case NEVER -> false;
          case UNLESS_NOFOLLOW -> p.flags() < 0 || (args[p.flags()] & AT_SYMLINK_NOFOLLOW) == 0;
        };
    path(pid, p, args, follow, resolver).ifPresent(out::add);
    if (p.second() != null && !out.isEmpty()) {
      path(pid, p.second(), args, false, resolver).ifPresent(out::add);
    }
    return out;
  }

  private Optional<String> path(
      int pid, PathSyscall p, long[] args, boolean follow, PathResolver resolver) {
    Optional<String> raw = string(pid, args[p.path()]);
    if (raw.isEmpty() || raw.get().isEmpty()) {
      return Optional.empty();
    }
    String path = raw.get();
    if (!path.startsWith("/")) {
      int dirfd = p.dirfd() < 0 ? AT_FDCWD : (int) args[p.dirfd()];
      Optional<String> base =
          dirfd == AT_FDCWD ? callerLink(pid, "cwd") : callerLink(pid, "fd/" + dirfd);
      if (base.isEmpty()) {
        return Optional.empty();
      }
      path = base.get() + "/" + path;
    }
    try {
      return Optional.of(resolver.resolve(PathNames.normalize(path), follow));
    } catch (RuntimeException e) {
      return Optional.of(PathNames.normalize(path));
    }
  }

  /**
   * A NUL-terminated string at {@code address} in {@code pid}'s memory, one char per byte, at most
   * PATH_MAX bytes; read a page at a time, so a string that ends just before an unmapped page is
   * still read.
   */
  Optional<String> string(int pid, long address) {
    if (address == 0) {
      return Optional.empty();
    }
    int have = 0;
    while (have < PATH_MAX) {
      long at = address + have;
      int chunk = (int) Math.min(PATH_MAX - have, PAGE - Long.remainderUnsigned(at, PAGE));
      local.setPointer(0, buf.share(have));
      local.setLong(8, chunk);
      remote.setLong(0, at);
      remote.setLong(8, chunk);
      long n = C.process_vm_readv(pid, local, 1, remote, 1, 0);
      if (n <= 0) {
        return Optional.empty();
      }
      for (int i = have; i < have + n; i++) {
        if (buf.getByte(i) == 0) {
          return Optional.of(new String(buf.getByteArray(0, i), StandardCharsets.ISO_8859_1));
        }
      }
      have += (int) n;
    }
    return Optional.empty(); // longer than PATH_MAX: the kernel refuses it too
  }

  /**
   * The caller's working directory or a descriptor's path, as the caller sees it: the link in /proc
   * names it from this process's root, so the caller's root is taken off the front.
   */
  private Optional<String> callerLink(int pid, String what) {
    Optional<String> target = link("/proc/" + pid + "/" + what);
    Optional<String> root = link("/proc/" + pid + "/root");
    if (target.isEmpty() || root.isEmpty() || !target.get().startsWith("/")) {
      return Optional.empty();
    }
    String r = root.get();
    String t = target.get();
    if (r.equals("/")) {
      return Optional.of(t);
    }
    if (t.equals(r)) {
      return Optional.of("/");
    }
    return t.startsWith(r + "/") ? Optional.of(t.substring(r.length())) : Optional.empty();
  }

  private Optional<String> link(String path) {
    byte[] name = java.util.Arrays.copyOf(path.getBytes(StandardCharsets.UTF_8), path.length() + 1);
    long n = LibC.INSTANCE.readlink(name, linkBuf, PATH_MAX);
    if (n <= 0 || n >= PATH_MAX) {
      return Optional.empty();
    }
    String s = new String(linkBuf, 0, (int) n, StandardCharsets.ISO_8859_1);
    return s.endsWith(" (deleted)") ? Optional.empty() : Optional.of(s);
  }
}
