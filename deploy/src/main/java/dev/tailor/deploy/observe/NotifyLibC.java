package dev.tailor.deploy.observe;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls observe mode makes: a unix socket that receives descriptors, poll, the seccomp
 * notify ioctls, and reading a caller's memory. Structures are laid out by hand for LP64 Linux
 * (x86_64, aarch64), as {@code BpfKernel} does.
 */
interface NotifyLibC extends Library {
  NotifyLibC INSTANCE = Native.load("c", NotifyLibC.class);

  int AF_UNIX = 1;
  int SOCK_STREAM = 1;
  int SOCK_CLOEXEC = 02000000;
  int SOL_SOCKET = 1;
  int SCM_RIGHTS = 1;
  int MSG_CMSG_CLOEXEC = 0x40000000;
  int MSG_CTRUNC = 0x8;
  int MSG_NOSIGNAL = 0x4000;
  short POLLIN = 0x1;
  short POLLERR = 0x8;
  short POLLHUP = 0x10;
  short POLLNVAL = 0x20;
  int EINTR = 4;
  int ENOENT = 2;
  int EAGAIN = 11;

  /** {@code _IOWR('!', 0, struct seccomp_notif)} (80 bytes). */
  long SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100L;

  /** {@code _IOWR('!', 1, struct seccomp_notif_resp)} (24 bytes). */
  long SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101L;

  /** {@code _IOW('!', 2, __u64)}. */
  long SECCOMP_IOCTL_NOTIF_ID_VALID = 0x40082102L;

  int SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1;
  int NOTIF_SIZE = 80;
  int RESP_SIZE = 24;

  int socket(int domain, int type, int protocol);

  int bind(int fd, Pointer addr, int len);

  int listen(int fd, int backlog);

  int connect(int fd, Pointer addr, int len);

  int accept4(int fd, Pointer addr, Pointer len, int flags);

  long recvmsg(int fd, Pointer msg, int flags);

  long sendmsg(int fd, Pointer msg, int flags);

  int poll(Pointer fds, long count, int timeoutMillis);

  int ioctl(int fd, long request, Pointer arg);

  int close(int fd);

  long process_vm_readv(
      int pid, Pointer local, long localCount, Pointer remote, long remoteCount, long flags);
}
