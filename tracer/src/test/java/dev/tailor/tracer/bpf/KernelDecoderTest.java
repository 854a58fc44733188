package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The kernel's records decoded into typed calls and applied by the interpreter that applies
 * strace's: what a file ends up with must be what the call did, for names with any byte in them.
 */
class KernelDecoderTest {
  private static final Map<String, TracedCalls.Spec> SPECS = TracedCalls.specs(24);
  private static final int AT_FDCWD = -100;
  private final KernelDecoder decoder = new KernelDecoder("x86_64");

  /** A walked part: the components last first, each NUL-terminated. */
  static byte[] walked(String path) {
    List<String> parts = new ArrayList<>(List.of(path.substring(1).split("/")));
    StringBuilder b = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      if (!parts.get(i).isEmpty()) {
        b.append(parts.get(i)).append('\0');
      }
    }
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  static byte[] string(String s) {
    return (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A call record: parts 0 and 1 strings (or null), 2 and 3 walked paths (or null). */
  static KernelEvent call(
      long ret, long[] args, String p0, String p1, String w2, String w3, int peek) {
    byte[][] parts = {
      p0 == null ? new byte[0] : string(p0),
      p1 == null ? new byte[0] : string(p1),
      w2 == null ? new byte[0] : walked(w2),
      w3 == null ? new byte[0] : walked(w3)
    };
    int[] status = {
      0, 0, w2 == null ? 0 : BpfPrograms.PART_WALKED, w3 == null ? 0 : BpfPrograms.PART_WALKED
    };
    return new KernelEvent(
        BpfPrograms.CALL, 7, 7, 0, ret, java.util.Arrays.copyOf(args, 6), parts, status, peek);
  }

  private Recording record(String name, KernelEvent... events) {
    Recorder r =
        new Recorder(
            "t", "bpf", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/nowhere"));
    r.countCallsElsewhere();
    for (KernelEvent e : events) {
      r.call(e.tid(), decoder.call(e, name, SPECS.get(name)), Optional.empty());
    }
    return r.toRecording("t", "x86_64");
  }

  /**
   * A file's accesses; one used only through an fd counts as inherited (the recorder's rule, as for
   * strace).
   */
  private static EnumSet<Access> accesses(Recording r, String path) {
    FileUse f = r.files().getOrDefault(path, r.inherited().get(path));
    assertTrue(f != null, () -> path + " not in " + r.files().keySet());
    return f.accesses().isEmpty() ? EnumSet.noneOf(Access.class) : EnumSet.copyOf(f.accesses());
  }

  @Test
  void openat_success_takesTheKernelsPathOfTheFd() {
    // openat(AT_FDCWD, "lib", O_RDONLY|O_CREAT) = 3 </real/lib>: the fd's path, not the name
    Recording r =
        record(
            "openat",
            call(
                3,
                new long[] {AT_FDCWD & 0xffffffffL, 0, 0100 | 2},
                "lib",
                null,
                null,
                "/real/lib",
                0));
    assertEquals(EnumSet.of(Access.READ, Access.WRITE, Access.CREATE), accesses(r, "/real/lib"));
    assertTrue(r.syscalls().isEmpty(), "counted in the kernel, not here");
  }

  @Test
  void openatExclusive_thenUnlink_isAShortLivedName_withItsMakersPid() {
    Recorder r =
        new Recorder(
            "t", "bpf", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/nowhere"));
    r.countCallsElsewhere();
    // openat(AT_FDCWD, "x.7", O_RDWR|O_CREAT|O_EXCL) = 3 </db/x.7> by tid 7, then unlink("/db/x.7")
    KernelEvent open =
        call(
            3,
            new long[] {AT_FDCWD & 0xffffffffL, 0, 0100 | 0200 | 2},
            "x.7",
            null,
            null,
            "/db/x.7",
            0);
    r.call(7, decoder.call(open, "openat", SPECS.get("openat")), Optional.empty());
    KernelEvent unlink = call(0, new long[] {0}, "/db/x.7", null, null, null, 0);
    r.call(7, decoder.call(unlink, "unlink", SPECS.get("unlink")), Optional.empty());
    FileUse f = r.toRecording("t", "x86_64").files().get("/db/x.7");
    assertTrue(f != null && f.shortLived(), String.valueOf(f));
    assertEquals(java.util.Set.of(2), f.pidAt());

    // Without O_EXCL the open may have found an old file: not proof the run made it.
    Recorder plain =
        new Recorder(
            "t", "bpf", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/nowhere"));
    plain.countCallsElsewhere();
    KernelEvent create =
        call(3, new long[] {AT_FDCWD & 0xffffffffL, 0, 0100 | 2}, "x.7", null, null, "/db/x.7", 0);
    plain.call(7, decoder.call(create, "openat", SPECS.get("openat")), Optional.empty());
    plain.call(7, decoder.call(unlink, "unlink", SPECS.get("unlink")), Optional.empty());
    assertFalse(plain.toRecording("t", "x86_64").files().get("/db/x.7").shortLived());
  }

  @Test
  void openat_failure_relativeToTheWorkingDirectoryAtTheCall() {
    Recording r =
        record("openat", call(-2, new long[] {AT_FDCWD, 0, 0}, "x", null, "/at/call", null, 0));
    assertEquals(
        Map.of("ENOENT", new java.util.TreeSet<>(List.of("read"))),
        r.files().get("/at/call/x").failures());
  }

  @Test
  void statWithoutDirfd_relativeName_joinedToTheWalkedWorkingDirectory() {
    Recording r = record("stat", call(0, new long[] {0, 0}, "d", null, "/w", null, 040755));
    assertEquals(EnumSet.of(Access.STAT), accesses(r, "/w/d"));
    assertTrue(r.files().get("/w/d").directory(), "st_mode says directory");
  }

  @Test
  void unlinkat_removeDir_relativeToItsDirfd() {
    Recording r =
        record("unlinkat", call(0, new long[] {5, 0, 0x200}, "sub", null, "/base", null, 0));
    assertEquals(EnumSet.of(Access.DELETE), accesses(r, "/base/sub"));
    assertTrue(r.files().get("/base/sub").directory());
  }

  @Test
  void renameat2_eachNameRelativeToItsOwnDirfd() {
    Recording r =
        record("renameat2", call(0, new long[] {3, 0, 4, 0, 0}, "a", "b", "/one", "/two", 0));
    assertEquals(EnumSet.of(Access.RENAME), accesses(r, "/one/a"));
    assertEquals(EnumSet.of(Access.CREATE), accesses(r, "/two/b"));
  }

  @Test
  void fstatat_emptyPath_isTheFdItself() {
    Recording r =
        record(
            "newfstatat",
            call(0, new long[] {3, 0, 0, 0x1000}, "", null, "/the/file", null, 0100644));
    assertEquals(EnumSet.of(Access.STAT), accesses(r, "/the/file"));
  }

  @Test
  void mmapOfAnExecutableMapping_isMmapExecOfTheFile() {
    Recording r =
        record(
            "mmap",
            call(
                0x7f0000000000L,
                new long[] {0, 4096, 5, 2, 3, 0},
                null,
                null,
                "/lib/libc.so.6",
                null,
                0));
    assertEquals(EnumSet.of(Access.READ, Access.MMAP_EXEC), accesses(r, "/lib/libc.so.6"));
  }

  @Test
  void bind_unixPath_isCreatedAndTheSocketsAddress() {
    byte[] addr = new byte[2 + 10];
    addr[0] = 1;
    System.arraycopy("/tmp/s.sk\0".getBytes(StandardCharsets.ISO_8859_1), 0, addr, 2, 10);
    KernelEvent e =
        new KernelEvent(
            BpfPrograms.CALL,
            7,
            7,
            0,
            0,
            new long[] {3, 0, 12, 0, 0, 0},
            new byte[][] {addr, new byte[0], new byte[0], new byte[0]},
            new int[4],
            0);
    Recording r = record("bind", e);
    assertEquals(EnumSet.of(Access.CREATE), accesses(r, "/tmp/s.sk"));
    assertTrue(
        r.sockets().get("unix unknown").local().contains("/tmp/s.sk"), r.sockets()::toString);
  }

  @Test
  void names_withAnyByte_arriveExactly() {
    byte[] all = new byte[255];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) (i + 1);
    }
    String name = "/d/" + new String(all, StandardCharsets.ISO_8859_1).replace("/", "");
    Recording r = record("unlink", call(0, new long[] {0}, name, null, null, null, 0));
    assertEquals(1, r.files().size(), r.files()::toString);
    assertEquals(dev.tailor.tracer.PathText.escape(name), r.files().keySet().iterator().next());
  }

  @Test
  void sockaddrs_ofEachFamily_asTheReportNamesThem() {
    assertEquals("/run/x", peer(new byte[] {1, 0, '/', 'r', 'u', 'n', '/', 'x', 0, 9}, "unix"));
    assertEquals("@ab", peer(new byte[] {1, 0, 0, 'a', 'b'}, "unix"));
    assertEquals(
        "127.0.0.1:8080",
        peer(new byte[] {2, 0, 0x1f, (byte) 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, "inet"));
    byte[] six = new byte[28];
    six[0] = 10;
    six[3] = 80;
    six[23] = 1;
    assertEquals("[::1]:80", peer(six, "inet6"));
  }

  /** As strace prints them (glibc's inet_ntop); the expected texts are what inet_ntop gives. */
  @Test
  void inet6Peers_readAsStracePrintsThem() {
    Map<String, String> cases =
        Map.of(
            "00000000000000000000ffff7f000001", "::ffff:127.0.0.1",
            "20010db8000000000001000000000001", "2001:db8::1:0:0:1",
            "fe800000000000000000000000000001", "fe80::1",
            "00000000000000000000000000000000", "::",
            "00000000000000000000000001020304", "::1.2.3.4",
            "00010000000000000000000000000000", "1::",
            "20010db8001000000000000000000001", "2001:db8:10::1",
            "00000000000100000000000000000000", "0:0:1::",
            "00000000000000000000000000000102", "::102");
    cases.forEach(
        (hex, text) -> {
          byte[] six = new byte[28];
          six[0] = 10;
          six[3] = 80;
          System.arraycopy(HexFormat.of().parseHex(hex), 0, six, 8, 16);
          assertEquals("[" + text + "]:80", peer(six, "inet6"), hex);
        });
  }

  @Test
  void netlinkPeer_isItsPortId() {
    assertEquals("pid=42", peer(new byte[] {16, 0, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0}, "netlink"));
  }

  @Test
  void socketpair_isASocketOfItsKind_thatNeedsNoCapability() {
    Recording r =
        record(
            "socketpair",
            call(0, new long[] {1, 1 | 02000000 /* SOCK_CLOEXEC */}, null, null, null, null, 0));
    assertEquals(List.of("unix stream"), List.copyOf(r.sockets().keySet()));
    assertTrue(r.capabilities().isEmpty(), r.capabilities()::toString);
  }

  /** The one peer address a connect to {@code addr} records, on a socket() of {@code family}. */
  private String peer(byte[] addr, String family) {
    KernelEvent e =
        new KernelEvent(
            BpfPrograms.CALL,
            7,
            7,
            0,
            0,
            new long[] {3, 0, addr.length, 0, 0, 0},
            new byte[][] {addr, new byte[0], new byte[0], new byte[0]},
            new int[4],
            0);
    Recording r = record("connect", e);
    assertEquals(1, r.sockets().size(), r.sockets()::toString);
    dev.tailor.tracer.SocketUse s = r.sockets().values().iterator().next();
    assertEquals(family, s.family());
    assertEquals(1, s.peers().size(), s.peers()::toString);
    return s.peers().first();
  }

  @Test
  void setresuid_isAnIdChangeWithItsNumbers() {
    KernelEvent e = call(0, new long[] {-1L, 0, 0xffffffffL}, null, null, null, null, 0);
    dev.tailor.tracer.call.Call c = decoder.call(e, "setresuid", SPECS.get("setresuid"));
    assertEquals(
        List.of(
            new dev.tailor.tracer.call.Effect.IdChange(
                dev.tailor.tracer.call.Effect.IdCall.SETRESUID,
                List.of(-1L, 0L, -1L),
                "setresuid(-1, 0, -1)",
                0)),
        c.effects());
    // Ids not known (no process tailor started or attached to): taken to need it, as before.
    assertEquals(
        Map.of(
            "setuid",
            new java.util.TreeSet<>(
                List.of(
                    "setresuid(-1, 0, -1): the task's ids were not known, so the change is taken to need it"))),
        Map.of("setuid", record("setresuid", e).capabilities().get("setuid").reasons()));
  }

  @Test
  void theSameCallInAnotherProcess_isAnEqualValue() {
    KernelEvent a =
        call(3, new long[] {AT_FDCWD, 0, 0}, "/etc/passwd", null, "/w", "/etc/passwd", 0);
    KernelEvent b =
        new KernelEvent(BpfPrograms.CALL, 8, 8, 0, 4, a.args(), a.parts(), a.status(), 0);
    assertEquals(
        decoder.call(a, "openat", SPECS.get("openat")),
        decoder.call(b, "openat", SPECS.get("openat")));
  }

  @Test
  void aCutPath_isLeftOut() {
    byte[] longName = new byte[BpfPrograms.PART];
    java.util.Arrays.fill(longName, (byte) 'x');
    longName[0] = '/';
    longName[longName.length - 1] = 0;
    KernelEvent e =
        new KernelEvent(
            BpfPrograms.CALL,
            7,
            7,
            0,
            -36,
            new long[6],
            new byte[][] {longName, new byte[0], new byte[0], new byte[0]},
            new int[4],
            0);
    assertTrue(record("unlink", e).files().isEmpty());
  }

  @Test
  void errno_andRestartCodes() {
    Recording failed = record("unlink", call(-2, new long[] {0}, "/x", null, null, null, 0));
    assertEquals(
        Map.of("ENOENT", new java.util.TreeSet<>(List.of("delete"))),
        failed.files().get("/x").failures());
    assertEquals("E600", dev.tailor.tracer.call.Errnos.name(600));
    // below -4095 the value is no errno: the call did not return, and an open names nothing
    assertTrue(
        record("openat", call(-5000, new long[] {AT_FDCWD, 0, 0}, "/y", null, null, null, 0))
            .files()
            .isEmpty());
  }
}
