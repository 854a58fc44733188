package dev.tailor.tracer.strace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.event.ExitEvent;
import dev.tailor.tracer.event.RepeatableCall;
import dev.tailor.tracer.event.RepeatedCall;
import dev.tailor.tracer.event.SyscallEvent;
import dev.tailor.tracer.event.TraceEvent;
import dev.tailor.tracer.event.UnparsedLine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParserTest {
  static byte[] fixture(String name) throws IOException {
    try (InputStream in = TraceParserTest.class.getResourceAsStream("/strace/" + name)) {
      return in.readAllBytes();
    }
  }

  static List<TraceEvent> parse(byte[] trace, int chunk) {
    List<TraceEvent> events = new ArrayList<>();
    TraceParser p = new TraceParser(events::add);
    for (int i = 0; i < trace.length; i += chunk) {
      p.feed(trace, i, Math.min(chunk, trace.length - i));
    }
    p.finish();
    return events;
  }

  static List<TraceEvent> parse(String text) {
    return parse(text.getBytes(StandardCharsets.ISO_8859_1), 1 << 16);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "thread-exec.strace",
        "shell-relative.strace",
        "python-threads.strace",
        "hostile-names.strace",
        "unix-sockets.strace"
      })
  void parse_realStrace61Output_readsEveryLine(String name) throws IOException {
    List<TraceEvent> events = parse(fixture(name), 1 << 16);
    List<TraceEvent> unparsed =
        events.stream().filter(e -> e instanceof UnparsedLine).collect(Collectors.toList());
    // Real strace output has no line the parser cannot place, not even a resumed half without its
    // start.
    assertEquals(List.of(), unparsed);
    assertTrue(
        events.stream()
            .anyMatch(e -> e instanceof SyscallEvent s && s.name().equals("exit_group")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"thread-exec.strace", "shell-relative.strace", "hostile-names.strace"})
  void parse_fedOneByteAtATime_givesSameEvents(String name) throws IOException {
    byte[] trace = fixture(name);
    assertEquals(parse(trace, 1 << 16), parse(trace, 1));
    assertEquals(parse(trace, 1 << 16), parse(trace, 7));
  }

  @Test
  void parse_resumedCallAcrossThreads_joinsArguments() {
    List<TraceEvent> ev =
        parse(
            "101 read(3</etc/passwd>,  <unfinished ...>\n"
                + "102 futex(0x7f, FUTEX_WAKE_PRIVATE, 1) = 0\n"
                + "101 <... read resumed>\"root:x\", 4096) = 6\n");
    SyscallEvent read = (SyscallEvent) ev.get(1);
    assertEquals("read", read.name());
    assertEquals(101, read.pid());
    assertEquals("3</etc/passwd>, \"root:x\", 4096", read.args());
    assertEquals(6, read.returnValue());
    assertEquals(3, read.line());
  }

  @Test
  void parse_threadExecve_completesOnLeaderAndCountsExecOnce() throws IOException {
    List<TraceEvent> ev = parse(fixture("thread-exec.strace"), 1 << 16);
    List<SyscallEvent> execs =
        ev.stream()
            .filter(e -> e instanceof SyscallEvent s && s.name().equals("execve"))
            .map(e -> (SyscallEvent) e)
            .collect(Collectors.toList());
    assertEquals(2, execs.size());
    assertEquals("0", execs.get(1).result());
    assertTrue(execs.get(1).args().startsWith("\"/bin/true\""));
    assertTrue(ev.stream().anyMatch(e -> e instanceof ExitEvent x && x.supersededBy() > 0));
  }

  @Test
  void parse_errorsAndDecorations_areReadBack() {
    SyscallEvent s =
        (SyscallEvent)
            parse(
                    "7 openat(AT_FDCWD</tmp>, \"x\", O_RDONLY) = -1 ENOENT (No such file or directory)\n")
                .get(0);
    assertEquals("ENOENT", s.errno().orElseThrow());
    assertTrue(s.failed());
    SyscallEvent ok =
        (SyscallEvent)
            parse("7 openat(AT_FDCWD</tmp>, \"/dev/null\", O_WRONLY) = 3</dev/null<char 1:3>>\n")
                .get(0);
    assertEquals("/dev/null", StraceText.decoratedPath(ok.result()).orElseThrow());
    assertEquals(3, ok.returnValue());
  }

  @Test
  void parse_timestampsPidPrefixesAndTimes_areSkipped() {
    List<TraceEvent> ev =
        parse(
            "[pid  42] 12:00:01.123456 close(3) = 0 <0.000010>\n"
                + "43 1700000000.123456 getpid() = 43\n");
    SyscallEvent a = (SyscallEvent) ev.get(0);
    assertEquals(42, a.pid());
    assertEquals("close", a.name());
    assertEquals("0", a.result());
    assertEquals(43, ev.get(1).pid());
  }

  @Test
  void parse_ffFileWithoutPidPrefix_usesDefaultPid() throws IOException {
    List<TraceEvent> events = new ArrayList<>();
    TraceParser p = new TraceParser(events::add, 16385);
    p.parse(new java.io.ByteArrayInputStream(fixture("ff/ff.16385")));
    assertTrue(events.stream().allMatch(e -> e.pid() == 16385));
    assertTrue(events.stream().noneMatch(e -> e instanceof UnparsedLine));
    assertTrue(
        events.stream().anyMatch(e -> e instanceof SyscallEvent s && s.name().equals("execve")));
  }

  @Test
  void parse_garbageLines_becomeDiagnosticsWithLineNumbers() {
    List<TraceEvent> ev =
        parse("hello world\n12 )))\n12 close(3) = 0\n\u00ff\u00fe\n12 +++ exited with 0 +++\n");
    assertEquals(UnparsedLine.class, ev.get(0).getClass());
    assertEquals(1, ((UnparsedLine) ev.get(0)).line());
    assertEquals(2, ((UnparsedLine) ev.get(1)).line());
    assertTrue(ev.stream().anyMatch(e -> e instanceof SyscallEvent s && s.name().equals("close")));
    assertTrue(ev.get(ev.size() - 1) instanceof ExitEvent x && x.code() == 0);
  }

  @Test
  void finish_unfinishedCallOfKilledProcess_stillCountsIt() {
    List<TraceEvent> ev = parse("9 wait4(-1,  <unfinished ...>\n");
    SyscallEvent s = (SyscallEvent) ev.get(0);
    assertEquals("wait4", s.name());
    assertTrue(s.unreturned());
  }

  @Test
  void parse_hugeLine_isUnusedAndTheNextLineIsReadWhole() {
    StringBuilder b = new StringBuilder("5 write(1</dev/pts/0>, \"");
    b.append("a".repeat(TraceParser.MAX_LINE + 1000));
    b.append("\", 100) = 100\n5 close(3</tmp/x>) = 0\n");
    List<TraceEvent> ev = parse(b.toString().getBytes(StandardCharsets.ISO_8859_1), 8192);
    assertEquals(2, ev.size(), ev.toString());
    assertTrue(
        ev.get(0) instanceof UnparsedLine u && u.reason().contains("write left out"),
        ev.toString());
    assertEquals("close", ((SyscallEvent) ev.get(1)).name());
  }

  @Test
  void unquote_octalAndCEscapes_giveExactBytes() {
    assertEquals(
        "a\"b\\c\nd\u00ff\u00fe<>",
        StraceText.unquote("\"a\\\"b\\\\c\\nd\\377\\376\\74\\76\"").orElseThrow());
    assertEquals("/tmp/w/lt<gt>", StraceText.decoratedPath("3</tmp/w/lt\\74gt\\76>").orElseThrow());
    assertFalse(StraceText.unquote("0x7ffd").isPresent());
  }

  @Test
  void splitArgs_nestedStructsStringsAndDecorations_splitAtTopLevel() {
    assertEquals(
        List.of("3</a,b>", "{sa_family=AF_INET, sin_port=htons(80)}", "\"x, y\"", "[1, 2]", "16"),
        StraceText.splitArgs(
            "3</a,b>, {sa_family=AF_INET, sin_port=htons(80)}, \"x, y\", [1, 2], 16"));
  }

  @Test
  void parse_connectedSocketDecorations_holdArrowsInsideBrackets() {
    List<TraceEvent> ev =
        parse(
            "24394 setsockopt(4<TCP:[127.0.0.1:39602->127.0.0.1:42547]>, SOL_TCP, TCP_NODELAY, [1], 4) = 0\n"
                + "7 accept4(5<UNIX-STREAM:[464926,\"/tmp/a>b\"]>, {sa_family=AF_UNIX}, [110 => 2], SOCK_CLOEXEC) = 7<UNIX-STREAM:[464928->464927,\"/tmp/a>b\"]>\n"
                + "7 close(3</tmp/a-\\76->) = 0\n"
                + "7 read(3</tmp/gone (deleted)>, \"\", 10) = 0\n");
    assertTrue(ev.stream().noneMatch(e -> e instanceof UnparsedLine), ev.toString());
    SyscallEvent set = (SyscallEvent) ev.get(0);
    assertEquals("0", set.result());
    assertEquals(
        "TCP:[127.0.0.1:39602->127.0.0.1:42547]",
        StraceText.decoration(StraceText.splitArgs(set.args()).get(0)).orElseThrow());
    assertEquals(5, StraceText.splitArgs(set.args()).size());
    SyscallEvent acc = (SyscallEvent) ev.get(1);
    assertEquals(4, StraceText.splitArgs(acc.args()).size());
    assertEquals(
        "/tmp/a->-",
        StraceText.decoratedPath(StraceText.splitArgs(((SyscallEvent) ev.get(2)).args()).get(0))
            .orElseThrow());
    assertEquals(
        "/tmp/gone (deleted)",
        StraceText.decoratedPath(StraceText.splitArgs(((SyscallEvent) ev.get(3)).args()).get(0))
            .orElseThrow(),
        "kept as it stands: a file may really be named so");
  }

  @Test
  void parse_resultDecorationHoldingTheSeparator_isReadExactly() {
    List<TraceEvent> ev = new ArrayList<>();
    TraceParser p = new TraceParser(ev::add, 0, name -> TraceParser.Detail.NAME);
    byte[] line =
        "7 dup(3</tmp/a) = -1 EPERM (y>) = 4</tmp/a) = -1 EPERM (y>\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    p.feed(line, 0, line.length);
    p.finish();
    SyscallEvent s = (SyscallEvent) ev.get(0);
    assertFalse(s.failed(), s.result());
    assertEquals(4, s.returnValue());
  }

  /** Parses with repeats skipped, by a consumer that learns every call it is offered. */
  static List<TraceEvent> parseLearning(String text, int chunk) {
    return parseLearning(text, chunk, 0x7A11057EEDL);
  }

  /** As above, with the memo's hash seeded: every run sees the same collisions. */
  static List<TraceEvent> parseLearning(String text, int chunk, long seed) {
    List<TraceEvent> events = new ArrayList<>();
    TraceParser p =
        new TraceParser(
                e -> {
                  events.add(e);
                  if (e instanceof RepeatableCall r) {
                    r.memo().learn(pid -> {});
                  }
                })
            .skippingRepeats(seed);
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < b.length; i += chunk) {
      p.feed(b, i, Math.min(chunk, b.length - i));
    }
    p.finish();
    return events;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8192})
  void parse_skippingRepeats_sameTextOnAnyPidOrTimeIsARepeat(int chunk) {
    List<TraceEvent> ev =
        parseLearning(
            "10 12:00:01.000001 close(3</etc/passwd>) = 0 <0.000011>\n"
                + "11 12:00:02.000002 close(3</etc/passwd>) = 0 <0.000420>\n"
                + "[pid 12] 12:00:03 close(3</etc/passwd>) = 0\n"
                + "12 close(3</etc/passwd2>) = 0\n"
                + "13 futex(0x1, FUTEX_WAIT, 0, NULL <unfinished ...>\n"
                + "13 <... futex resumed>) = 0\n"
                + "13 futex(0x1, FUTEX_WAIT, 0, NULL) = 0\n",
            chunk);
    List<Integer> repeated =
        ev.stream()
            .filter(e -> e instanceof RepeatedCall)
            .map(TraceEvent::pid)
            .collect(Collectors.toList());
    assertEquals(List.of(11, 12, 13), repeated, ev.toString());
    assertEquals(
        3,
        ev.stream().filter(e -> e instanceof SyscallEvent).count(),
        "first sightings are parsed");
    assertTrue(
        ev.stream()
            .anyMatch(
                e ->
                    e instanceof SyscallEvent s
                        && s.name().equals("futex")
                        && s.args().equals("0x1, FUTEX_WAIT, 0, NULL")),
        "joined halves are a line like any other: " + ev);
  }

  @Test
  void parse_skippingRepeats_aLineWithADiagnosticIsNeverSkipped() {
    List<TraceEvent> ev = parseLearning("10 close(3\n10 close(3\n10 close(3\n", 8192);
    assertEquals(3, ev.stream().filter(e -> e instanceof UnparsedLine).count(), ev.toString());
    assertTrue(ev.stream().noneMatch(e -> e instanceof RepeatedCall));
  }

  @Tag("slow") // 200,000 lines three times: not run per mutant by bench/mutation.sh
  @ParameterizedTest
  @ValueSource(longs = {1L, 42L, 0x7A11057EEDL})
  void parse_skippingRepeats_moreDistinctLinesThanTheMemoKeeps_losesNoLine(long seed) {
    StringBuilder b = new StringBuilder();
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      // every line new, then each seen again once: the table fills, starts over, and still replays
      b.append(i % 7 + 1).append(" close(3</srv/f").append(i / 2).append(">) = 0\n");
    }
    List<TraceEvent> ev = parseLearning(b.toString(), 1 << 16, seed);
    assertEquals(
        n, ev.stream().filter(e -> e instanceof SyscallEvent || e instanceof RepeatedCall).count());
    long repeats = ev.stream().filter(e -> e instanceof RepeatedCall).count();
    // A line in a crowded run of slots is parsed, not kept: with a fixed seed the same few every
    // run.
    assertTrue(repeats <= n / 2 && repeats > n / 2 * 99 / 100, repeats + " repeats");
    assertEquals(
        repeats,
        parseLearning(b.toString(), 7, seed).stream()
            .filter(e -> e instanceof RepeatedCall)
            .count(),
        "the same seed gives the same table whatever the chunks");
  }

  @Test
  void parse_capabilityShiftsInCapset_areNotDecorations() throws Exception {
    // Real strace 6.1 output of runc's init dropping capabilities: "1<<CAP_..." holds no '>'.
    String line =
        "7 capset({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|1<<CAP_KILL, "
            + "permitted=1<<CAP_CHOWN|1<<CAP_KILL, inheritable=0}) = 0\n";
    java.util.List<dev.tailor.tracer.event.TraceEvent> events = new java.util.ArrayList<>();
    new TraceParser(events::add)
        .parse(
            new java.io.ByteArrayInputStream(
                line.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    assertEquals(1, events.size(), events.toString());
    dev.tailor.tracer.event.SyscallEvent call =
        (dev.tailor.tracer.event.SyscallEvent) events.get(0);
    assertEquals("capset", call.name());
    assertEquals("0", call.result());
    assertEquals(2, StraceText.splitArgs(call.args()).size());
  }

  @Test
  void parse_logWithoutYy_hexResultsDoNotMakeItOne_soBareFdResultsAreUsed() {
    // A plain strace -f log: brk's 0x... result is no -yy decoration, and openat's "= 3" is whole.
    List<TraceEvent> ev =
        parse(
            "5 brk(NULL)                         = 0x5591a568f000\n"
                + "5 openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC) = 3\n"
                + "5 exit_group(0) = ?\n");
    assertTrue(ev.stream().noneMatch(e -> e instanceof UnparsedLine), ev.toString());
    assertEquals(3, ev.stream().filter(e -> e instanceof SyscallEvent).count(), ev.toString());
  }

  @Test
  void parse_everyResultFormStrace61Writes_isWhole() {
    List<TraceEvent> ev =
        parse(
            "5 pselect6(4, [3<pipe:[71653]>], NULL, NULL, {tv_sec=0, tv_nsec=10000000}, NULL) = 0 (Timeout)\n"
                + "5 poll([{fd=3<pipe:[71653]>, events=POLLIN}], 1, 10) = 1 ([{fd=3, revents=POLLIN}])\n"
                + "5 umask(022)                        = 022\n"
                + "5 fcntl(3<pipe:[71653]>, F_GETFL)   = 0x8002 (flags O_RDWR|O_LARGEFILE)\n"
                + "5 brk(NULL)                         = 0x55deecf1a000\n"
                + "5 read(0</dev/null>, \"\", 1) = ? <unavailable>\n"
                + "5 wait4(-1, 0x7ffd, 0, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)\n"
                + "5 openat(AT_FDCWD</>, \"x\", O_RDONLY) = -1 523 (Unknown error 523)\n"
                + "5 clone(child_stack=NULL, flags=SIGCHLD) = 2 /* 31254 in strace's PID NS */\n"
                + "5 openat(AT_FDCWD</>, \"y\", O_RDONLY) = -1 ENOENT (No such file or directory) (INJECTED)\n"
                + "5 dup(3</dev/null<char 1:3>>) = 4</dev/null<char 1:3>> <0.000012>\n"
                + "5 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 3<TCP:[123]>\n"
                + "5 read(3</tmp/parse-exp/ff>,  <detached ...>\n"
                + "5 fcntl(3</tmp/delme>(deleted), F_DUPFD_CLOEXEC, 0) = 4</tmp/delme>(deleted)\n"
                + "5 exit_group(0) = ?\n"
                + "5 +++ exited with 0 +++\n");
    assertTrue(ev.stream().noneMatch(e -> e instanceof UnparsedLine), ev.toString());
    assertEquals(15, ev.stream().filter(e -> e instanceof SyscallEvent).count(), ev.toString());
    SyscallEvent detached = (SyscallEvent) ev.get(12);
    assertEquals("read", detached.name());
    assertTrue(detached.unreturned(), "a call strace let go of is made, its result unknown");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1 openat(AT_FDCWD, \"/etc/hostname\", O_RDONLY) = 3</",
        "1 openat(AT_FDCWD</>, \"/etc/hostname\", O_RDONLY) = 3",
        "1 dup(3</dev/null<char 1:3>>) = 4</dev/null<char 1:3>",
        "1 reboot(0xfee1dead, 0x28121969, 0x1234567) = ",
        "1 reboot(0xfee1dead, 0x28121969, 0x1234567) =",
        "1 openat(AT_FDCWD, \"/etc/shadow\", O_RDONLY) = -1 EAC",
        "1 openat(AT_FDCWD, \"/etc/shadow\", O_RDONLY) = -1 EACCES (Permission",
        "1 openat(AT_FDCWD, \"/etc/shadow\", O_RDONLY) = -1",
        "1 kexec_load(0, 0, 0, 0) = -",
        "1 poll([{fd=3, events=POLLIN}], 1, 10) = 1 ([{fd=3, revents=POLLIN}]",
        "1 close(3) = 0 <0.00001",
        "1 close(3) = 0 ",
        "1 close(3) = 0x",
        "1 close(3) = ? ERESTARTSYS (To be",
        "1 write(1, \"x) = 3",
        "1 +++ exited with 1",
        "1 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED",
        "1 clone(child_stack=NULL, flags=SIGCHLD) = 2 /* 31254 in strace's"
      })
  void parse_cutLine_isADiagnosticNeverACall(String line) {
    for (TraceParser.Detail d : TraceParser.Detail.values()) {
      List<TraceEvent> ev = new ArrayList<>();
      TraceParser p = new TraceParser(ev::add, 0, name -> d);
      byte[] b = (line + "\n").getBytes(StandardCharsets.ISO_8859_1);
      p.feed(b, 0, b.length);
      p.finish();
      assertEquals(1, ev.size(), ev.toString());
      assertTrue(ev.get(0) instanceof UnparsedLine u && u.line() == 1, d + ": " + ev);
    }
  }

  @Test
  void finish_lastLineWithoutNewline_isCutAndUnused() {
    List<TraceEvent> ev =
        parse("1 close(3</a>) = 0\n1 openat(AT_FDCWD</>, \"/etc/localtime\", O_RDONLY) = 3");
    assertEquals(2, ev.size(), ev.toString());
    assertTrue(
        ev.get(1) instanceof UnparsedLine u && u.line() == 2 && u.reason().contains("no newline"),
        ev.toString());
  }
}
