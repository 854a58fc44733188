/* A workload for argument rules: each mode makes calls with fixed argument values (what a
 * profile learns); with "probe" it then also tries values the mode never uses, and prints how
 * each call ended: "LABEL: ok" or "LABEL: errno N". A profile learned from the mode must leave
 * the first kind working and answer the second with its errno (EPERM, 1).
 *
 * Build: cc -O2 -pthread -o args args.c
 * Run:   ./args socket|ioctl|prctl|personality|clone|wx [probe]
 *
 * The values each mode passes (the tests state them when they build a recording by hand):
 *   socket:      socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC); probe: AF_INET with SOCK_NONBLOCK (a free
 *                flag), AF_INET6, AF_NETLINK, AF_INET with SOCK_DGRAM
 *   ioctl:       ioctl(fd of /dev/null, TCGETS); probe: TCGETS again, TIOCSTI (/dev/null is no
 *                terminal: an allowed call fails with ENOTTY, 25)
 *   prctl:       prctl(PR_SET_NAME), prctl(PR_GET_NAME); probe: PR_GET_NAME, PR_GET_DUMPABLE
 *   personality: personality(0xffffffff) (a query); probe: the query, PER_LINUX|ADDR_NO_RANDOMIZE
 *   clone:       two threads (glibc: clone3, or clone when clone3 fails with ENOSYS) and a fork
 *                (clone, SIGCHLD|CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID); probe: the same, then
 *                clone with CLONE_NEWUSER, clone with CLONE_NEWNS, and a bare clone3
 *   wx:          mmap(PROT_READ|PROT_WRITE), mprotect(PROT_READ|PROT_EXEC); probe: those, then
 *                mmap(PROT_READ|PROT_WRITE|PROT_EXEC), mprotect(PROT_READ|PROT_WRITE|PROT_EXEC)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void report(const char *label, long rc) {
  if (rc < 0) {
    printf("%s: errno %d\n", label, errno);
  } else {
    printf("%s: ok\n", label);
  }
}

static void sock(const char *label, int family, int type) {
  int fd = socket(family, type, 0);
  report(label, fd);
  if (fd >= 0) {
    close(fd);
  }
}

static void *thread(void *arg) {
  return arg;
}

/* A raw clone that behaves as fork (no new stack): the child leaves at once. */
static long raw_clone(unsigned long flags) {
  long pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) {
    syscall(SYS_exit_group, 0);
  }
  if (pid > 0) {
    waitpid((pid_t)pid, NULL, 0);
  }
  return pid;
}

static void clones(void) {
  pthread_t t[2];
  int ok = 1;
  for (int i = 0; i < 2; i++) {
    ok &= pthread_create(&t[i], NULL, thread, NULL) == 0;
  }
  for (int i = 0; i < 2; i++) {
    pthread_join(t[i], NULL);
  }
  printf("threads: %s\n", ok ? "ok" : "failed");
  pid_t child = fork();
  if (child == 0) {
    _exit(0);
  }
  if (child > 0) {
    waitpid(child, NULL, 0);
  }
  report("fork", child);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: args socket|ioctl|prctl|personality|clone|wx [probe]\n");
    return 2;
  }
  const char *mode = argv[1];
  int probe = argc > 2 && strcmp(argv[2], "probe") == 0;
  setvbuf(stdout, NULL, _IONBF, 0);

  if (strcmp(mode, "socket") == 0) {
    sock("AF_INET SOCK_STREAM|SOCK_CLOEXEC", AF_INET, SOCK_STREAM | SOCK_CLOEXEC);
    if (probe) {
      sock("AF_INET SOCK_STREAM|SOCK_NONBLOCK", AF_INET, SOCK_STREAM | SOCK_NONBLOCK);
      sock("AF_INET6 SOCK_STREAM", AF_INET6, SOCK_STREAM);
      sock("AF_NETLINK SOCK_RAW", AF_NETLINK, SOCK_RAW);
      sock("AF_INET SOCK_DGRAM", AF_INET, SOCK_DGRAM);
    }
  } else if (strcmp(mode, "ioctl") == 0) {
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    struct termios t;
    report("TCGETS", ioctl(fd, TCGETS, &t));
    if (probe) {
      char c = 'x';
      report("TCGETS again", ioctl(fd, TCGETS, &t));
      report("TIOCSTI", ioctl(fd, TIOCSTI, &c));
    }
  } else if (strcmp(mode, "prctl") == 0) {
    char name[16] = {0};
    report("PR_SET_NAME", prctl(PR_SET_NAME, "args-probe", 0, 0, 0));
    report("PR_GET_NAME", prctl(PR_GET_NAME, name, 0, 0, 0));
    if (probe) {
      report("PR_GET_NAME again", prctl(PR_GET_NAME, name, 0, 0, 0));
      report("PR_GET_DUMPABLE", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
    }
  } else if (strcmp(mode, "personality") == 0) {
    report("query", personality(0xffffffff));
    if (probe) {
      report("query again", personality(0xffffffff));
      report("PER_LINUX|ADDR_NO_RANDOMIZE", personality(PER_LINUX | ADDR_NO_RANDOMIZE));
    }
  } else if (strcmp(mode, "clone") == 0) {
    clones();
    if (probe) {
      report("clone CLONE_NEWUSER", raw_clone(CLONE_NEWUSER));
      report("clone CLONE_NEWNS", raw_clone(CLONE_NEWNS));
      struct clone_args ca;
      memset(&ca, 0, sizeof ca);
      ca.exit_signal = SIGCHLD;
      long pid = syscall(SYS_clone3, &ca, sizeof ca);
      if (pid == 0) {
        syscall(SYS_exit_group, 0);
      }
      if (pid > 0) {
        waitpid((pid_t)pid, NULL, 0);
      }
      report("clone3", pid);
    }
  } else if (strcmp(mode, "wx") == 0) {
    long page = sysconf(_SC_PAGESIZE);
    void *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    report("mmap PROT_READ|PROT_WRITE", p == MAP_FAILED ? -1 : 0);
    report("mprotect PROT_READ|PROT_EXEC", mprotect(p, page, PROT_READ | PROT_EXEC));
    if (probe) {
      void *q = mmap(NULL, page, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      report("mmap PROT_READ|PROT_WRITE|PROT_EXEC", q == MAP_FAILED ? -1 : 0);
      report("mprotect PROT_READ|PROT_WRITE|PROT_EXEC", mprotect(p, page, PROT_READ | PROT_WRITE | PROT_EXEC));
    }
  } else {
    fprintf(stderr, "args: unknown mode %s\n", mode);
    return 2;
  }
  return 0;
}
