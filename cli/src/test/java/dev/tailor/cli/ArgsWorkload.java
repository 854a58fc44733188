package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The C workload of the argument-rule tests ({@code workloads/args.c}), compiled with the real
 * compiler: one mode per rule kind, each passing fixed values, and with {@code probe} also values
 * its profile must refuse.
 */
final class ArgsWorkload {
  private ArgsWorkload() {}

  /**
   * One mode: what it prints under a profile learned from it when probing (the unseen values
   * refused with EPERM, 1), and values its own calls pass, as args.c's header states them (with how
   * many calls pass them: the dynamic loader's mmaps and mprotects come on top).
   */
  record Mode(String name, List<String> enforced, Map<String, Map<Long, Long>> values) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final long THREAD_FLAGS =
      0x3d0f00L; // glibc's pthread_create: CLONE_VM|CLONE_FS|...|CLONE_CHILD_CLEARTID
  static final long FORK_FLAGS =
      0x1200011L; // glibc's fork: CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD

  static final List<Mode> MODES =
      List.of(
          new Mode(
              "socket",
              List.of(
                  "AF_INET SOCK_STREAM|SOCK_CLOEXEC: ok",
                  "AF_INET SOCK_STREAM|SOCK_NONBLOCK: ok",
                  "AF_INET6 SOCK_STREAM: errno 1",
                  "AF_NETLINK SOCK_RAW: errno 1",
                  "AF_INET SOCK_DGRAM: errno 1"),
              Map.of("socket[0]", Map.of(2L, 1L), "socket[1]", Map.of(0x80001L, 1L))),
          new Mode(
              "ioctl",
              List.of("TCGETS: errno 25", "TCGETS again: errno 25", "TIOCSTI: errno 1"),
              Map.of("ioctl[1]", Map.of(0x5401L, 1L))),
          new Mode(
              "prctl",
              List.of(
                  "PR_SET_NAME: ok",
                  "PR_GET_NAME: ok",
                  "PR_GET_NAME again: ok",
                  "PR_GET_DUMPABLE: errno 1"),
              Map.of("prctl[0]", Map.of(15L, 1L, 16L, 1L))),
          new Mode(
              "personality",
              List.of("query: ok", "query again: ok", "PER_LINUX|ADDR_NO_RANDOMIZE: errno 1"),
              Map.of("personality[0]", Map.of(0xffffffffL, 1L))),
          new Mode(
              "clone",
              List.of(
                  "threads: ok",
                  "fork: ok",
                  "clone CLONE_NEWUSER: errno 1",
                  "clone CLONE_NEWNS: errno 1",
                  "clone3: errno 38"),
              Map.of("clone3[0]", Map.of(THREAD_FLAGS, 2L), "clone[0]", Map.of(FORK_FLAGS, 1L))),
          new Mode(
              "wx",
              List.of(
                  "mmap PROT_READ|PROT_WRITE: ok",
                  "mprotect PROT_READ|PROT_EXEC: ok",
                  "mmap PROT_READ|PROT_WRITE|PROT_EXEC: errno 1",
                  "mprotect PROT_READ|PROT_WRITE|PROT_EXEC: errno 1"),
              Map.of("mmap[2]", Map.of(3L, 1L), "mprotect[2]", Map.of(5L, 1L))));

  /** Compiles args.c into {@code dir}; skips when there is no C compiler. */
  static Path compile(Path dir) throws Exception {
    assumeTrue(TailorProcess.onPath("cc"), "no C compiler (apt-get install gcc)");
    Path source = dir.resolve("args.c");
    try (InputStream in = ArgsWorkload.class.getResourceAsStream("/workloads/args.c")) {
      Files.write(source, in.readAllBytes());
    }
    Path binary = dir.resolve("args");
    TailorProcess.Result cc =
        TailorProcess.run(
            List.of("cc", "-O2", "-pthread", "-o", binary.toString(), source.toString()),
            dir,
            Map.of());
    assertEquals(0, cc.exit(), cc.err());
    return binary;
  }
}
