package dev.tailor.deploy.observe;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A unix stream socket's descriptor and the calls on it that the JDK does not offer: receiving and
 * sending descriptors (SCM_RIGHTS), as runc hands over a container's seccomp notify fd.
 */
final class UnixSocket {
  private static final NotifyLibC C = NotifyLibC.INSTANCE;

  /** sockaddr_un's sun_path holds 108 bytes, with the terminating NUL. */
  static final int MAX_PATH = 107;

  /**
   * The most descriptors taken from one message; more are closed unread by the kernel (MSG_CTRUNC).
   */
  private static final int MAX_FDS = 8;

  private UnixSocket() {}

  /** What one peer sent: its bytes and the descriptors that came with them (now this process's). */
  record Received(byte[] data, List<Integer> fds) {
    Received {
      fds = List.copyOf(fds);
    }
  }

  /** A socket listening at {@code path} (which must not exist). */
  static int listen(Path path) throws IOException {
    int fd = C.socket(NotifyLibC.AF_UNIX, NotifyLibC.SOCK_STREAM | NotifyLibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException("cannot create a unix socket (errno " + Native.getLastError() + ")");
    }
    Memory addr = address(path);
    if (C.bind(fd, addr, (int) addr.size()) != 0) {
      int errno = Native.getLastError();
      C.close(fd);
      throw new IOException(
          "cannot listen at " + path + " (errno " + errno + (errno == 98 ? ": in use" : "") + ")");
    }
    if (C.listen(fd, 128) != 0) {
      int errno = Native.getLastError();
      C.close(fd);
      throw new IOException("cannot listen at " + path + " (errno " + errno + ")");
    }
    return fd;
  }

  /** A socket connected to {@code path}. */
  static int connect(Path path) throws IOException {
    int fd = C.socket(NotifyLibC.AF_UNIX, NotifyLibC.SOCK_STREAM | NotifyLibC.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException("cannot create a unix socket (errno " + Native.getLastError() + ")");
    }
    Memory addr = address(path);
    if (C.connect(fd, addr, (int) addr.size()) != 0) {
      int errno = Native.getLastError();
      C.close(fd);
      throw new IOException("cannot connect to " + path + " (errno " + errno + ")");
    }
    return fd;
  }

  /** A {@code struct sockaddr_un} for {@code path}. */
  static Memory address(Path path) throws IOException {
    byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
    if (p.length > MAX_PATH) {
      throw new IOException(
          "socket path " + path + " is longer than " + MAX_PATH + " bytes; choose a shorter one");
    }
    Memory addr = new Memory(2 + p.length + 1);
    addr.clear();
    addr.setShort(0, (short) NotifyLibC.AF_UNIX);
    addr.write(2, p, 0, p.length);
    return addr;
  }

  /**
   * Waits up to {@code timeoutMillis} for {@code fd} to be readable; the poll revents (0 on timeout
   * or interruption).
   */
  static int poll(int fd, int timeoutMillis) throws IOException {
    Memory pfd = new Memory(8);
    pfd.setInt(0, fd);
    pfd.setShort(4, NotifyLibC.POLLIN);
    pfd.setShort(6, (short) 0);
    int n = C.poll(pfd, 1, timeoutMillis);
    if (n < 0) {
      int errno = Native.getLastError();
      if (errno == NotifyLibC.EINTR) {
        return 0;
      }
      throw new IOException("poll failed (errno " + errno + ")");
    }
    return n == 0 ? 0 : pfd.getShort(6) & 0xffff;
  }

  /** Accepts one connection, or -1 when none is waiting. */
  static int accept(int listening) throws IOException {
    int fd = C.accept4(listening, null, null, NotifyLibC.SOCK_CLOEXEC);
    if (fd < 0) {
      int errno = Native.getLastError();
      if (errno == NotifyLibC.EAGAIN
          || errno == NotifyLibC.EINTR
          || errno == 103 /* ECONNABORTED */) {
        return -1;
      }
      throw new IOException("accept failed (errno " + errno + ")");
    }
    return fd;
  }

  /**
   * Reads what a peer sends until it closes the connection, at most {@code max} bytes, each read
   * waiting at most {@code timeoutMillis}: a peer that sends too much or too slowly is refused.
   * Descriptors that came with the bytes are returned (close-on-exec); on error they are closed.
   */
  static Received receiveAll(int fd, int max, int timeoutMillis) throws IOException {
    List<Integer> fds = new ArrayList<>();
    java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
    Memory buf = new Memory(16384);
    int control = 16 + 4 * MAX_FDS;
    Memory cmsg = new Memory(control);
    Memory iov = new Memory(16);
    Memory msg = new Memory(56);
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    try {
      while (true) {
        int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
        if (left == 0
            || (poll(fd, left) & (NotifyLibC.POLLIN | NotifyLibC.POLLHUP | NotifyLibC.POLLERR))
                == 0) {
          if (System.nanoTime() >= deadline) {
            throw new IOException(
                "the peer sent nothing more for " + timeoutMillis + " ms and did not close");
          }
          continue;
        }
        cmsg.clear();
        iov.setPointer(0, buf);
        iov.setLong(8, buf.size());
        msg.clear();
        msg.setPointer(16, iov);
        msg.setLong(24, 1);
        msg.setPointer(32, cmsg);
        msg.setLong(40, control);
        long n = C.recvmsg(fd, msg, NotifyLibC.MSG_CMSG_CLOEXEC);
        if (n < 0) {
          int errno = Native.getLastError();
          if (errno == NotifyLibC.EINTR || errno == NotifyLibC.EAGAIN) {
            continue;
          }
          throw new IOException("cannot read from the peer (errno " + errno + ")");
        }
        takeFds(msg, cmsg, fds);
        if ((msg.getInt(48) & NotifyLibC.MSG_CTRUNC) != 0) {
          throw new IOException("the peer sent more than " + MAX_FDS + " descriptors");
        }
        if (n == 0) {
          return new Received(data.toByteArray(), fds);
        }
        if (data.size() + n > max) {
          throw new IOException("the peer sent more than " + max + " bytes");
        }
        data.write(buf.getByteArray(0, (int) n), 0, (int) n);
      }
    } catch (IOException | RuntimeException e) {
      fds.forEach(C::close);
      throw e;
    }
  }

  /**
   * The descriptors of the SCM_RIGHTS messages in {@code cmsg} (as {@code msg_controllen} bounds
   * them).
   */
  private static void takeFds(Memory msg, Memory cmsg, List<Integer> fds) {
    long len = msg.getLong(40);
    long off = 0;
    while (off + 16 <= len) {
      long clen = cmsg.getLong(off);
      int level = cmsg.getInt(off + 8);
      int type = cmsg.getInt(off + 12);
      if (clen < 16 || off + clen > len) {
        break;
      }
      if (level == NotifyLibC.SOL_SOCKET && type == NotifyLibC.SCM_RIGHTS) {
        for (long p = off + 16; p + 4 <= off + clen; p += 4) {
          fds.add(cmsg.getInt(p));
        }
      }
      off += (clen + 7) & ~7L;
    }
  }

  /** Sends {@code data} with {@code fd} attached (SCM_RIGHTS) in one message. */
  static void sendWithFd(int socket, byte[] data, int fd) throws IOException {
    Prepared p = prepareSend(data, fd);
    long n = C.sendmsg(socket, p.msg, NotifyLibC.MSG_NOSIGNAL);
    if (n != data.length) {
      throw new IOException(
          "cannot send the notify descriptor (errno " + Native.getLastError() + ")");
    }
  }

  /** A {@code struct msghdr} ready for sendmsg, with the memory it points to kept alive. */
  record Prepared(Memory msg, Memory iov, Memory buf, Memory cmsg) {}

  static Prepared prepareSend(byte[] data, int fd) {
    Memory buf = new Memory(Math.max(1, data.length));
    buf.write(0, data, 0, data.length);
    Memory iov = new Memory(16);
    iov.setPointer(0, buf);
    iov.setLong(8, data.length);
    Memory cmsg = new Memory(24); // CMSG_SPACE(sizeof(int))
    cmsg.clear();
    cmsg.setLong(0, 20); // CMSG_LEN(sizeof(int))
    cmsg.setInt(8, NotifyLibC.SOL_SOCKET);
    cmsg.setInt(12, NotifyLibC.SCM_RIGHTS);
    cmsg.setInt(16, fd);
    Memory msg = new Memory(56);
    msg.clear();
    msg.setPointer(16, iov);
    msg.setLong(24, 1);
    msg.setPointer(32, cmsg);
    msg.setLong(40, 24);
    return new Prepared(msg, iov, buf, cmsg);
  }

  static void close(int fd) {
    if (fd >= 0) {
      C.close(fd);
    }
  }
}
