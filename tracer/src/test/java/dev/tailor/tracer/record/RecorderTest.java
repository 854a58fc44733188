package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.event.RepeatedCall;
import dev.tailor.tracer.strace.TraceParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class RecorderTest {
  static Recording record(String fixture) throws IOException {
    Recorder r =
        new Recorder(
            "run", fixture, PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/tmp/fx"));
    try (InputStream in = RecorderTest.class.getResourceAsStream("/strace/" + fixture)) {
      new TraceParser(r).parse(in);
    }
    return r.toRecording("test", "x86_64");
  }

  static Recording recordText(String text) throws IOException {
    Recorder r =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/work"));
    new TraceParser(r).parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    return r.toRecording("test", "x86_64");
  }

  static FileUse file(Recording r, String path) {
    FileUse f = r.files().get(path);
    if (f == null) {
      throw new AssertionError(path + " not in " + r.files().keySet());
    }
    return f;
  }

  @Test
  void warnIncomplete_isAWarning_thatLearnRepeats_andSurvivesJson() throws IOException {
    Recorder r =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/work"));
    r.warn("6 argument paths went through symlinks");
    r.warnIncomplete("the kernel dropped 5 events");
    Recording rec = r.toRecording("test", "x86_64");
    assertEquals(
        List.of(
            "6 argument paths went through symlinks", "incomplete: the kernel dropped 5 events"),
        rec.warnings());
    assertEquals(List.of("incomplete: the kernel dropped 5 events"), rec.incompleteWarnings());
    Recording read = RecordingJson.fromJson(RecordingJson.toJson(rec), "test");
    assertEquals(rec.incompleteWarnings(), read.incompleteWarnings());
  }

  @Test
  void touched_aFolderOrBelowIt_whateverTheCallDid_butNotANameThatOnlyStartsAlike()
      throws IOException {
    Recorder r =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/work"));
    new TraceParser(r)
        .parse(
            new ByteArrayInputStream(
                String.join(
                        "\n",
                        "7 openat(AT_FDCWD</work>, \"/tmp/tailor-1x\", O_RDONLY) = -1 ENOENT (No such file or directory)",
                        "7 write(1</tmp/tailor-1/trace.fifo>, \"9 x\", 3) = 3",
                        "")
                    .getBytes(StandardCharsets.ISO_8859_1)));
    assertTrue(r.touched("/tmp/tailor-1"), "written through an inherited fd");
    assertTrue(r.touched("/tmp/tailor-1/trace.fifo"));
    assertFalse(r.touched("/tmp/tailor"), "a name that merely starts alike");
    assertTrue(r.touched("/tmp/tailor-1x"), "a failed open names it too");
    assertFalse(r.touched("/work"), "the working directory of the call was not used");
  }

  @Test
  void record_shellWithChdirAndForks_resolvesRelativeNamesThroughInheritedCwd() throws IOException {
    Recording r = record("shell-relative.strace");
    assertTrue(
        file(r, "/tmp/fxrel").accesses().contains(Access.MKDIR),
        "mkdir(\"fxrel\") by a vfork child of a process in /tmp");
    assertTrue(file(r, "/tmp/fxrel").directory());
    assertTrue(
        file(r, "/tmp/fxrel/a.txt")
            .accesses()
            .containsAll(EnumSet.of(Access.WRITE, Access.CREATE, Access.DELETE)),
        "echo > a.txt, then rm -r");
    assertTrue(file(r, "/tmp/fxrel/b.txt").accesses().contains(Access.RENAME));
    assertTrue(file(r, "/tmp/fxrel/c.txt").accesses().contains(Access.CREATE));
    assertTrue(file(r, "/tmp/fxrel/c.txt").accesses().contains(Access.DELETE));
    assertTrue(file(r, "/tmp/fxrel/l.txt").accesses().contains(Access.CREATE));
    assertTrue(r.execs().containsKey("/usr/bin/mkdir"));
    assertTrue(r.syscalls().containsKey("exit_group"));
    assertTrue(
        r.syscalls().containsKey("vfork")
            || r.syscalls().containsKey("clone")
            || r.syscalls().containsKey("clone3"));
    assertFalse(file(r, "/root/.cargo/bin/mkdir").succeeded(), "ENOENT probes need no rule");
    assertEquals(
        java.util.Set.of("stat"), file(r, "/root/.cargo/bin/mkdir").failures().get("ENOENT"));
  }

  @Test
  void record_hostileNames_keepsExactBytesInPathText() throws IOException {
    Recording r = record("hostile-names.strace");
    assertTrue(
        file(r, "/tmp/exp/w/new\\x0aline")
            .accesses()
            .containsAll(EnumSet.of(Access.READ, Access.WRITE, Access.CREATE)));
    assertTrue(r.files().containsKey("/tmp/exp/w/bad\\xff\\xfeutf"));
    assertTrue(r.files().containsKey("/tmp/exp/w/q\"uote"));
    assertTrue(r.files().containsKey("/tmp/exp/w/back\\x5cslash"));
    assertTrue(r.files().containsKey("/tmp/exp/w/lt<gt>"));
    assertEquals(
        "/tmp/exp/w/bad\u00ff\u00feutf",
        new String(PathText.toBytes("/tmp/exp/w/bad\\xff\\xfeutf"), StandardCharsets.ISO_8859_1));
  }

  @Test
  void record_threadExec_recordsExecOfBothPrograms() throws IOException {
    Recording r = record("thread-exec.strace");
    assertTrue(r.execs().containsKey("/tmp/fx/thexec"), r.execs().keySet().toString());
    assertTrue(r.execs().containsKey("/bin/true"));
    assertTrue(file(r, "/etc/hostname").accesses().contains(Access.READ));
    assertEquals(2, r.processes());
  }

  @Test
  void record_sockets_giveFamilyTypeAddressesAndCapability() throws IOException {
    Recording r =
        recordText(
            "5 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<TCP:[100]>\n"
                + "5 bind(3<TCP:[100]>, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"0.0.0.0\")}, 16) = 0\n"
                + "5 socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 4<UDPv6:[101]>\n"
                + "5 connect(4<UDPv6:[101]>, {sa_family=AF_INET6, sin6_port=htons(53), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}, 28) = 0\n"
                + "5 socket(AF_UNIX, SOCK_STREAM, 0) = 5<UNIX-STREAM:[102]>\n"
                + "5 connect(5<UNIX-STREAM:[102]>, {sa_family=AF_UNIX, sun_path=\"/run/x.sock\"}, 110) = 0\n"
                + "5 socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 6<NETLINK:[103]>\n"
                + "5 socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) = -1 EPERM (Operation not permitted)\n"
                + "5 +++ exited with 0 +++\n");
    assertEquals(
        java.util.Set.of("inet stream", "inet6 dgram", "unix stream", "netlink raw"),
        r.sockets().keySet());
    assertEquals(java.util.Set.of("0.0.0.0:80"), r.sockets().get("inet stream").local());
    assertEquals(java.util.Set.of("[::1]:53"), r.sockets().get("inet6 dgram").peers());
    assertTrue(r.capabilities().containsKey("net_bind_service"));
    assertFalse(r.capabilities().containsKey("net_raw"), "a failed raw socket needs nothing");
    assertTrue(file(r, "/run/x.sock").accesses().contains(Access.WRITE));
    assertEquals(1, r.syscalls().get("socket").errors().get("EPERM"));
  }

  @Test
  void record_mmapExecAndFdWrites_areFileAccesses() throws IOException {
    Recording r =
        recordText(
            "5 openat(AT_FDCWD, \"/usr/lib/libc.so.6\", O_RDONLY|O_CLOEXEC) = 3</usr/lib/libc.so.6>\n"
                + "5 openat(AT_FDCWD, \"/var/log/app.log\", O_RDONLY) = 7</var/log/app.log>\n"
                + "5 openat(AT_FDCWD, \"/srv/data\", O_RDONLY) = 4</srv/data>\n"
                + "5 mmap(NULL, 100, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_DENYWRITE, 3</usr/lib/libc.so.6>, 0) = 0x7f0000\n"
                + "5 write(7</var/log/app.log>, \"x\", 1) = 1\n"
                + "5 getdents64(4</srv/data>, 0x55, 32768) = 48\n"
                + "5 exit_group(0) = ?\n");
    assertTrue(file(r, "/usr/lib/libc.so.6").accesses().contains(Access.MMAP_EXEC));
    assertTrue(file(r, "/var/log/app.log").accesses().contains(Access.WRITE));
    assertTrue(file(r, "/srv/data").directory());
    assertEquals(1, r.syscalls().get("exit_group").count());
  }

  @Test
  void recording_jsonRoundTrip_isExact() throws IOException {
    Recording r = record("hostile-names.strace");
    String json = RecordingJson.toJson(r);
    Recording back = RecordingJson.fromJson(json, "test");
    assertEquals(r, back);
    assertEquals(json, RecordingJson.toJson(back));
  }

  @Test
  void record_directoryOpenedWithoutODirectory_isKnownFromItsStat() throws IOException {
    Recording r =
        recordText(
            "5 openat(AT_FDCWD</tmp>, \".\", O_RDONLY) = 4</tmp>\n"
                + "5 newfstatat(4</tmp>, \"\", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}, AT_EMPTY_PATH) = 0\n"
                + "5 openat(AT_FDCWD</tmp>, \"/srv\", O_RDONLY) = 5</srv>\n"
                + "5 fstat(5</srv>, {st_mode=S_IFDIR|0755, st_size=4096, ...}) = 0\n"
                + "5 openat(AT_FDCWD</tmp>, \"/etc/hosts\", O_RDONLY) = 6</etc/hosts>\n"
                + "5 fstat(6</etc/hosts>, {st_mode=S_IFREG|0644, st_size=4096, ...}) = 0\n");
    assertTrue(file(r, "/tmp").directory());
    assertTrue(file(r, "/srv").directory());
    assertFalse(file(r, "/etc/hosts").directory());
    assertTrue(file(r, "/tmp").accesses().contains(Access.READ));
  }

  @Test
  void record_unixSockets_bindAndConnectAreFileAccessesAndSocketKinds() throws IOException {
    Recording r = record("unix-sockets.strace");
    assertTrue(
        file(r, "/tmp/exp/s.sock")
            .accesses()
            .containsAll(EnumSet.of(Access.CREATE, Access.WRITE, Access.DELETE)),
        file(r, "/tmp/exp/s.sock").toString());
    assertEquals(java.util.Set.of("/tmp/exp/s.sock"), r.sockets().get("unix stream").local());
    assertEquals(java.util.Set.of("/tmp/exp/s.sock"), r.sockets().get("unix stream").peers());
    assertEquals(0, r.unusedLines(), r.diagnostics().toString());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "thread-exec.strace",
        "shell-relative.strace",
        "python-threads.strace",
        "hostile-names.strace",
        "unix-sockets.strace"
      })
  void record_lessDetailForCallsItDoesNotRead_givesTheSameRecording(String fixture)
      throws IOException {
    Recorder all =
        new Recorder(
            "run", fixture, PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/tmp/fx"));
    Recorder fast =
        new Recorder(
            "run", fixture, PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/tmp/fx"));
    byte[] trace;
    try (InputStream in = RecorderTest.class.getResourceAsStream("/strace/" + fixture)) {
      trace = in.readAllBytes();
    }
    new TraceParser(all, 0, name -> TraceParser.Detail.ALL).parse(new ByteArrayInputStream(trace));
    new TraceParser(fast, 0, Recorder::detail).parse(new ByteArrayInputStream(trace));
    assertEquals(all.toRecording("t", "x86_64"), fast.toRecording("t", "x86_64"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "thread-exec.strace",
        "shell-relative.strace",
        "python-threads.strace",
        "hostile-names.strace",
        "unix-sockets.strace"
      })
  void record_repeatedLinesReplayed_givesTheSameRecording(String fixture) throws IOException {
    byte[] once;
    try (InputStream in = RecorderTest.class.getResourceAsStream("/strace/" + fixture)) {
      once = in.readAllBytes();
    }
    // The trace twice, and once more with every line's pid moved: repeats of text, across pids.
    String text = new String(once, StandardCharsets.ISO_8859_1);
    String moved = text.replaceAll("(?m)^(\\d+) ", "9$1 ");
    byte[] trace = (text + text + moved).getBytes(StandardCharsets.ISO_8859_1);
    Recorder parsed =
        new Recorder(
            "run", fixture, PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/tmp/fx"));
    Recorder replayed =
        new Recorder(
            "run", fixture, PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/tmp/fx"));
    new TraceParser(parsed, 0, Recorder::detail).parse(new ByteArrayInputStream(trace));
    long[] repeats = new long[1];
    new TraceParser(
            event -> {
              if (event instanceof RepeatedCall) {
                repeats[0]++;
              }
              replayed.accept(event);
            },
            0,
            Recorder::detail)
        .skippingRepeats()
        .parse(new ByteArrayInputStream(trace));
    assertEquals(parsed.toRecording("t", "x86_64"), replayed.toRecording("t", "x86_64"));
    assertTrue(repeats[0] > 0, "no line was replayed");
  }

  @Test
  void record_repeatedRelativeName_isResolvedInEachProcessCwd() throws IOException {
    String trace =
        "5 chdir(\"/a\") = 0\n"
            + "6 chdir(\"/b\") = 0\n"
            + "5 access(\"x\", R_OK) = 0\n"
            + "6 access(\"x\", R_OK) = 0\n"
            + "5 openat(AT_FDCWD</c>, \"y\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
            + "6 openat(AT_FDCWD</c>, \"y\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
            + "6 access(\"z\", R_OK) = 0\n";
    Recorder r =
        new Recorder(
            "run", "text", PathResolver.LEXICAL, UnaryOperator.identity(), Optional.of("/work"));
    long[] repeats = new long[1];
    new TraceParser(
            event -> {
              if (event instanceof RepeatedCall) {
                repeats[0]++;
              }
              r.accept(event);
            },
            0,
            Recorder::detail)
        .skippingRepeats()
        .parse(new ByteArrayInputStream(trace.getBytes(StandardCharsets.ISO_8859_1)));
    Recording rec = r.toRecording("t", "x86_64");
    assertTrue(file(rec, "/a/x").accesses().contains(Access.STAT));
    assertTrue(
        file(rec, "/b/x").accesses().contains(Access.STAT),
        "a repeat that depends on the cwd is parsed again");
    assertEquals(2, file(rec, "/c/y").count(), "an openat with a decorated dirfd replays");
    assertTrue(
        file(rec, "/c/z").accesses().contains(Access.STAT),
        "the replayed openat moved pid 6's cwd to /c");
    assertEquals(1, repeats[0]);
    assertEquals(7, rec.syscalls().values().stream().mapToLong(s -> s.count()).sum());
  }

  @Test
  void record_flagWordsInsideFileNames_grantNothing() throws IOException {
    Recording r =
        recordText(
            "5 mknodat(AT_FDCWD</tmp>, \"/tmp/h/S_IFCHR\", S_IFIFO|0600) = 0\n"
                + "5 fcntl(3</srv/app/F_SETLK>, F_GETFD) = 1\n"
                + "5 newfstatat(AT_FDCWD</tmp>, \"/tmp/st_mode=S_IFDIR\", {st_mode=S_IFREG|0644, st_size=1, ...}, 0) = 0\n"
                + "5 newfstatat(AT_FDCWD</tmp>, \"/tmp/AT_SYMLINK_NOFOLLOW\", {st_mode=S_IFREG|0644, st_size=1, ...}, 0) = 0\n"
                + "5 openat(AT_FDCWD, \"/srv/app/lock\", O_RDONLY) = 4</srv/app/lock>\n"
                + "5 fcntl(4</srv/app/lock>, F_SETLKW, {l_type=F_WRLCK, l_whence=SEEK_SET, l_start=0, l_len=0}) = 0\n"
                + "5 mknodat(AT_FDCWD</tmp>, \"/tmp/h/dev\", S_IFCHR|0600, makedev(0x1, 0x3)) = 0\n");
    assertTrue(r.capabilities().containsKey("mknod"), "a real device node needs it");
    assertEquals(
        java.util.Set.of("mknodat of a device node"), r.capabilities().get("mknod").reasons());
    assertFalse(
        r.files().containsKey("/srv/app/F_SETLK"), "F_GETFD on a file named F_SETLK is no lock");
    assertTrue(file(r, "/srv/app/lock").accesses().contains(Access.LOCK));
    assertFalse(file(r, "/tmp/st_mode=S_IFDIR").directory());
  }

  @Test
  void record_linesListedAsUnused_contributeNothing() throws IOException {
    // Halves without their start, and cut lines: each is listed as unused, so none may grant a
    // rule.
    Recording r =
        recordText(
            "100 getpid() = 100\n"
                + "101 <... mount resumed>\"none\", \"/mnt\", \"tmpfs\", 0, NULL) = 0\n"
                + "102 <... execve resumed>\"/etc/shadow\", [\"shadow\"], 0x7ffd /* 0 vars */) = 0\n"
                + "103 <... openat resumed>AT_FDCWD</root>, \"/root/.ssh/id_rsa\", O_RDONLY) = 3</root/.ssh/id_rsa>\n"
                + "104 chown(\"/etc/passwd\", 0, 0\n"
                + "105 setuid(0) 0\n"
                + "106 unshare(CLONE_NEWNS <unfinished ...>\n"
                + "106 pivot_root(\"/new\", \"/new/old\") = 0\n");
    assertEquals(java.util.Set.of("getpid", "pivot_root"), r.syscalls().keySet());
    assertEquals(java.util.Map.of(), r.files());
    assertEquals(java.util.Map.of(), r.execs());
    assertEquals(java.util.Set.of("sys_admin"), r.capabilities().keySet());
    assertEquals(java.util.Set.of("pivot_root"), r.capabilities().get("sys_admin").reasons());
    assertEquals(6, r.unusedLines(), r.diagnostics().toString());
  }

  @Test
  void record_unknownEscapeInADecorationOrString_makesTheLineUnused() throws IOException {
    Recording r =
        recordText(
            "5 openat(AT_FDCWD</srv>, \"x\", O_RDONLY) = 3</usr/lib/x/LC_MONE\\ARY>\n"
                + "5 unlink(\"/srv/a\\qb\") = 0\n"
                + "5 read(3</srv/data\\x4>, \"\", 10) = 0\n"
                + "5 openat(AT_FDCWD</srv>, \"y\", O_RDONLY) = 3</srv/y\\74\\76\\n>\n");
    assertEquals(
        java.util.Set.of(PathText.escape("/srv/y<>\n")),
        r.files().keySet(),
        "only the line whose escapes strace writes is used");
    assertEquals(1, r.syscalls().get("openat").count());
    assertFalse(r.syscalls().containsKey("unlink"));
    assertFalse(r.syscalls().containsKey("read"));
    assertEquals(3, r.unusedLines(), r.diagnostics().toString());
  }

  /**
   * A recording made as learn makes it: argument paths resolved through this machine's symlinks.
   */
  static Recording recordOnHost(String text) throws IOException {
    Recorder r =
        new Recorder(
            "run", "text", new HostPathResolver(false), UnaryOperator.identity(), Optional.of("/"));
    new TraceParser(r).parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
    return r.toRecording("test", "x86_64");
  }

  @Test
  void record_procSelfAndExecveatFd_resolveAsTheTracedProcessSeesThem() throws IOException {
    // Real strace 6.1 lines of python3 re-executing itself through /proc/self/exe, then fexecve.
    Recording r =
        recordOnHost(
            "300 execve(\"/usr/bin/python3\", [\"python3\", \"ex.py\"], 0x7ffd347a99f8 /* 35 vars */) = 0\n"
                + "300 newfstatat(AT_FDCWD</>, \"/proc/self/cwd/etc/hosts\", 0x7ffd, 0) = -1 ENOENT (No such file or directory)\n"
                + "300 execve(\"/proc/self/exe\", [\"python3\", \"ex.py\", \"b\"], 0x7ffda6831c08 /* 35 vars */) = 0\n"
                + "300 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 301\n"
                + "301 execve(\"/proc/thread-self/exe\", [\"python3\"], 0x7ffda6831c08 /* 35 vars */) = 0\n"
                + "300 execve(\"/proc/self/fd/7\", [\"x\"], 0x7ffda6831c08 /* 35 vars */) = 0\n"
                + "302 execve(\"/proc/self/exe\", [\"y\"], 0x7ffda6831c08 /* 35 vars */) = 0\n"
                + "300 execveat(AT_FDCWD</>, \"\", [\"z\"], 0x7f20b6bdc1c0 /* 0 vars */, AT_EMPTY_PATH) = 0\n"
                + "300 execveat(3</usr/bin/true>, \"\", [\"true\"], 0x7f20b6bdc1c0 /* 0 vars */, AT_EMPTY_PATH) = 0\n");
    String python = new HostPathResolver(false).resolve("/usr/bin/python3", true);
    assertEquals(java.util.Set.of(python, "/usr/bin/true"), r.execs().keySet());
    for (String path : r.files().keySet()) {
      assertFalse(
          path.contains("java")
              || path.contains("jvm")
              || path.equals("/")
              || path.startsWith("/proc/self")
              || path.startsWith("/proc/" + ProcessHandle.current().pid() + "/"),
          path + " in " + r.files().keySet());
    }
    assertFalse(
        file(r, "/etc/hosts").succeeded(),
        "/proc/self/cwd is the traced process's working directory");
    assertTrue(
        r.warnings().stream().anyMatch(w -> w.contains("/proc/self/fd/7")),
        r.warnings().toString());
  }

  @Test
  void record_chownThatChangesNothing_infersNoCapabilityAndAnUnprovenOneSaysSo()
      throws IOException {
    Recording none =
        recordText(
            "5 chown(\"/srv/a\", -1, -1) = 0\n"
                + "5 fchown(3</srv/b>, -1, -1) = 0\n"
                + "5 fchownat(AT_FDCWD</srv>, \"c\", -1, -1, AT_SYMLINK_NOFOLLOW) = 0\n");
    assertFalse(none.capabilities().containsKey("chown"), none.capabilities().toString());
    Recording some = recordText("5 fchown(3</srv/b>, 0, 0) = 0\n");
    String reason = String.join(" ", some.capabilities().get("chown").reasons());
    assertTrue(reason.startsWith("fchown(3</srv/b>, 0, 0)"), reason);
    assertTrue(reason.contains("may not have been needed"), reason);
  }
}
