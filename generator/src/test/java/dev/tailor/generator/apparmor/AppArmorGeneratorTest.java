package dev.tailor.generator.apparmor;

import static dev.tailor.tracer.Access.APPEND;
import static dev.tailor.tracer.Access.EXEC;
import static dev.tailor.tracer.Access.LINK;
import static dev.tailor.tracer.Access.LOCK;
import static dev.tailor.tracer.Access.MMAP_EXEC;
import static dev.tailor.tracer.Access.READ;
import static dev.tailor.tracer.Access.STAT;
import static dev.tailor.tracer.Access.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.generator.apparmor.AppArmorOptions.ExecMode;
import dev.tailor.generator.apparmor.AppArmorOptions.Mode;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppArmorGeneratorTest {

  private static AppArmorResult generate(RecordingBuilder b) {
    return AppArmorGenerator.generate(b.build(), AppArmorOptions.draft("app"));
  }

  /** A name's pattern as a single run judges it, the name itself when it stays literal. */
  private static String t(String name) {
    return RandomRun.pattern(name).orElse(name);
  }

  private static List<String> ruleLines(AppArmorResult r) {
    return r.profile().files().stream()
        .map(AppArmorWriter::rule)
        .map(s -> s.replaceAll("  #.*", ""))
        .toList();
  }

  @Test
  void write_startsWithAbiTunablesAndComplainFlag_andIncludesBase() throws Exception {
    String text =
        AppArmorWriter.write(
            generate(new RecordingBuilder().filesBy(1000).file("/srv/app/a", READ)).profile());
    assertTrue(
        text.contains(
            "abi <abi/3.0>,\n\ninclude <tunables/global>\n\nprofile app flags=(complain) {\n  include <abstractions/base>\n"),
        text);
    assertTrue(text.contains("  \"/srv/app/a\" r,\n"), text);
    ParserCheck.assertParse(List.of(text));
  }

  @Test
  void permissions_mapFromAccesses_andWriteBeatsAppend() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .file("/srv/d/appended", APPEND)
                .file("/srv/d/both", APPEND, WRITE)
                .file("/srv/d/locked", READ, LOCK)
                .file("/srv/d/linked", LINK)
                .file("/srv/d/statonly", STAT)
                .file("/srv/lib/libx.so", MMAP_EXEC)
                .exec("/srv/bin/tool"));
    assertEquals(
        List.of(
            "\"/srv/bin/tool\" ix,",
            "\"/srv/lib/libx.so\" mr,",
            "\"/srv/d/appended\" a,",
            "\"/srv/d/both\" w,",
            "\"/srv/d/linked\" l,",
            "\"/srv/d/locked\" rk,"),
        ruleLines(r));
  }

  @Test
  void directories_getATrailingSlash() {
    AppArmorResult r = generate(new RecordingBuilder().filesBy(1000).dir("/srv/data", READ));
    assertEquals(List.of("\"/srv/data/\" r,"), ruleLines(r));
  }

  @Test
  void folder_withFourFilesOfTheSamePerms_becomesStar() {
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    for (int i = 0; i < FolderGlobs.FILES_PER_DIR_GLOB; i++) {
      b.file("/srv/app/conf/f" + i, READ);
    }
    b.file("/srv/app/conf/w", READ, WRITE);
    AppArmorResult r = generate(b);
    assertEquals(List.of("\"/srv/app/conf/*\" r,", "\"/srv/app/conf/w\" rw,"), ruleLines(r));
    Generalisation g = r.generalisations().get(0);
    assertEquals("\"/srv/app/conf/*\"", g.pattern());
    assertEquals(
        List.of("/srv/app/conf/f0", "/srv/app/conf/f1", "/srv/app/conf/f2", "/srv/app/conf/f3"),
        g.replacedPaths());
  }

  @Test
  void folder_withOneFileTooFew_staysLiteral() {
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    for (int i = 0; i < FolderGlobs.FILES_PER_DIR_GLOB - 1; i++) {
      b.file("/srv/app/conf/f" + i, READ);
    }
    AppArmorResult r = generate(b);
    assertEquals(FolderGlobs.FILES_PER_DIR_GLOB - 1, r.profile().files().size());
    assertTrue(r.generalisations().isEmpty());
  }

  @Test
  void systemTrees_getReadGlobsBelowTheObservedFolder_butNeverWritableOnes() {
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    for (int i = 0; i < 5; i++) {
      b.file("/etc/myapp/r" + i, READ);
      b.file("/etc/myapp/w" + i, READ, WRITE);
      b.file("/etc/top" + i, READ);
    }
    List<String> lines = ruleLines(generate(b));
    assertTrue(lines.contains("\"/etc/myapp/*\" r,"), lines.toString());
    assertTrue(lines.contains("\"/etc/myapp/w0\" rw,"), lines.toString());
    assertTrue(lines.contains("\"/etc/top0\" r,"), "no glob right on /etc: " + lines);
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("\"/etc/*")), lines.toString());
  }

  @Test
  void subtree_withEnoughEntriesInTwoFolders_becomesDoubleStar() {
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    for (int i = 0; i < FolderGlobs.SUBTREE_GLOB_MIN; i++) {
      b.file("/srv/app/lib/" + (i % 2 == 0 ? "a" : "b/c") + "/m" + i + ".js", READ);
    }
    assertEquals(List.of("\"/srv/app/lib/**\" r,"), ruleLines(generate(b)));

    RecordingBuilder fewer = new RecordingBuilder().filesBy(1000);
    for (int i = 0; i < FolderGlobs.SUBTREE_GLOB_MIN - 1; i++) {
      fewer.file("/srv/app/lib/" + (i % 2 == 0 ? "a" : "b/c") + "/m" + i + ".js", READ);
    }
    List<String> lines = ruleLines(generate(fewer));
    assertFalse(lines.stream().anyMatch(l -> l.contains("**")), lines.toString());
    assertTrue(lines.contains("\"/srv/app/lib/a/*\" r,"), lines.toString());
  }

  @Test
  void walkedTree_thatWasOnlyRead_becomesOneReadRuleOverTheListedFolder() throws Exception {
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    String root = "/opt/rt/lib/py";
    b.dir(root, READ);
    for (int i = 0; i < FolderGlobs.SUBTREE_GLOB_MIN; i++) {
      String pkg = root + "/pkg" + (i % 3);
      b.dir(pkg, READ);
      b.file(pkg + "/__pycache__/m" + i + ".pyc", READ);
    }
    for (int i = 0; i < FolderGlobs.FILES_PER_DIR_GLOB; i++) {
      b.file(root + "/dyn/_m" + i + ".so", READ, MMAP_EXEC);
    }
    b.file("/opt/rt/lib/other.txt", READ);
    AppArmorResult r = generate(b);
    List<String> lines = ruleLines(r);
    assertEquals(
        List.of(
            "\"/opt/rt/lib/py/dyn/*\" mr,",
            "\"/opt/rt/lib/other.txt\" r,",
            "\"/opt/rt/lib/py/{,**}\" r,"),
        lines);
    String profile = AppArmorWriter.write(r.profile());
    ParserCheck.assertParse(List.of(profile));
    // What the glob really grants: the folder, everything below it, nothing beside it.
    ParserCheck.Dfa dfa = ParserCheck.compile(ParserCheck.rulesOnly(r.profile().files()));
    assertTrue(dfa.accepts(root + "/"));
    assertTrue(dfa.accepts(root + "/pkg9/x/y.py"));
    assertFalse(dfa.accepts(root));
    assertFalse(dfa.accepts(root + "x/a"));
    assertFalse(dfa.accepts("/opt/rt/lib/another.txt"));
    assertEquals("", dfa.leakOutside("/opt/rt/lib/"));
  }

  @Test
  void walkedTree_unlistedOrChangedBelow_keepsNarrowerRules() {
    RecordingBuilder notListed = new RecordingBuilder().filesBy(1000);
    RecordingBuilder written = new RecordingBuilder().filesBy(1000).dir("/opt/rt/lib/py", READ);
    for (int i = 0; i < FolderGlobs.SUBTREE_GLOB_MIN; i++) {
      String f = "/opt/rt/lib/py/pkg" + (i % 3) + "/m" + i + ".py";
      notListed.file(
          f,
          i == 0
              ? new dev.tailor.tracer.Access[] {READ, LOCK}
              : new dev.tailor.tracer.Access[] {READ});
      written.file(f, READ);
    }
    written.file("/opt/rt/lib/py/pkg0/__pycache__/m0.pyc", READ, WRITE);
    for (RecordingBuilder b : List.of(notListed, written)) {
      List<String> lines = ruleLines(generate(b));
      assertFalse(lines.stream().anyMatch(l -> l.contains("**")), lines.toString());
    }
  }

  @Test
  void walkedTree_neverCoversSecretsOrAWholeHome() {
    for (String root : List.of("/etc/ssl", "/home/u", "/root")) {
      RecordingBuilder b = new RecordingBuilder().filesBy(1000).dir(root, READ);
      for (int i = 0; i < FolderGlobs.SUBTREE_GLOB_MIN; i++) {
        b.file(root + "/d" + (i % 3) + "/f" + i, READ);
      }
      List<String> lines = ruleLines(generate(b));
      assertFalse(lines.stream().anyMatch(l -> l.contains("**")), lines.toString());
    }
  }

  @Test
  void folderRule_joinsTheGlobOverItsEntries_whenTheGlobGrantsWhatItNeeds() throws Exception {
    RecordingBuilder b =
        new RecordingBuilder().filesBy(1000).dir("/srv/data", READ).dir("/srv/logs", READ, WRITE);
    for (int i = 0; i < FolderGlobs.FILES_PER_DIR_GLOB; i++) {
      b.file("/srv/data/f" + i, READ, WRITE);
      b.file("/srv/logs/f" + i, READ);
    }
    AppArmorResult r = generate(b);
    List<String> lines = ruleLines(r);
    assertEquals(
        List.of("\"/srv/data/{,*}\" rw,", "\"/srv/logs/\" rw,", "\"/srv/logs/*\" r,"), lines);
    ParserCheck.Dfa dfa = ParserCheck.compile(ParserCheck.rulesOnly(r.profile().files()));
    assertTrue(dfa.accepts("/srv/data/"));
    assertTrue(dfa.accepts("/srv/data/new"));
    assertFalse(dfa.accepts("/srv/data/a/b"));
    assertFalse(dfa.accepts("/srv/data"));
  }

  @Test
  void proc_ofTheWorkload_becomesOwnerPidPatterns() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .file("/proc/self/cmdline", READ)
                .file("/proc/4242/cmdline", READ)
                .file("/proc/thread-self/comm", READ, WRITE)
                .file("/proc/12/task/13/stat", READ)
                .file("/proc/sys/net/core/somaxconn", READ));
    assertEquals(
        List.of(
            "owner \"@{PROC}/@{pid}/cmdline\" r,",
            "owner \"@{PROC}/@{pid}/task/@{tid}/comm\" rw,",
            "owner \"@{PROC}/@{pid}/task/@{tid}/stat\" r,",
            "\"/proc/sys/net/core/somaxconn\" r,"),
        ruleLines(r));
    assertTrue(
        r.generalisations().stream()
            .anyMatch(
                g ->
                    g.pattern().equals("\"@{PROC}/@{pid}/cmdline\"")
                        && g.replacedPaths()
                            .equals(List.of("/proc/4242/cmdline", "/proc/self/cmdline"))));
  }

  @Test
  void temporaryNames_becomeOwnerGlobsOverTheirFolder() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .fileBy(1000, 1000, "/tmp/tmpk2j3x_8q", READ, WRITE)
                .fileBy(1000, 1000, "/tmp/tmpz9y8w7v6", READ, WRITE)
                .fileBy(1000, 1000, "/tmp/report.Ab3xYz.json", WRITE)
                .fileBy(1000, 1000, "/tmp/plainname", READ)
                .fileBy(1000, 1000, "/home/ann/.config/app.ini", READ));
    assertEquals(
        List.of(
            "owner \"/tmp/plainname\" r,",
            "owner \"/tmp/report.??????.json\" w,",
            "owner \"/tmp/tmp????????\" rw,",
            "owner \"/home/ann/.config/app.ini\" r,"),
        ruleLines(r));
    assertEquals("tmpabcdef", t("tmpabcdef"), "letters that read like a name are no random run");
    assertEquals("words", t("words"));
    assertEquals("backup-notrandom", t("backup-notrandom"));
  }

  @Test
  void owner_onlyWhereEveryAccessWasByTheFilesOwner() {
    // Issue 21: nginx's worker (uid 65534) reads a file root owns; the master (root) owns its own.
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .fileBy(65534, 0, "/tmp/www/index.html", READ)
                .fileBy(0, 0, "/tmp/www/nginx.conf", READ)
                .fileBy(-1, -1, "/home/ann/unknown", READ)
                .fileBy(-1, 1000, "/home/ann/anyone", READ));
    assertEquals(
        List.of(
            "\"/tmp/www/index.html\" r,",
            "owner \"/tmp/www/nginx.conf\" r,",
            "\"/home/ann/anyone\" r,",
            "\"/home/ann/unknown\" r,"),
        ruleLines(r));
  }

  @Test
  void owner_ofNamesOneGlobStandsFor_onlyWhenEveryNameHadIt() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .fileBy(1000, 1000, "/tmp/tmpk2j3x_8q", READ, WRITE)
                .fileBy(65534, 1000, "/tmp/tmpz9y8w7v6", READ, WRITE));
    assertEquals(List.of("\"/tmp/tmp????????\" rw,"), ruleLines(r));
  }

  @Test
  void procEntries_loseOwner_whenTheWorkloadChangedItsIds() {
    RecordingBuilder b =
        new RecordingBuilder().filesBy(1000).fileBy(65534, -1, "/proc/self/status", READ);
    assertEquals(List.of("owner \"@{PROC}/@{pid}/status\" r,"), ruleLines(generate(b)));
    b.syscall("setuid");
    assertEquals(List.of("\"@{PROC}/@{pid}/status\" r,"), ruleLines(generate(b)));
  }

  @Test
  void procEntries_loseOwner_whenA32BitCallChangedTheIds_butNotForSetgroups() {
    RecordingBuilder b =
        new RecordingBuilder().filesBy(1000).fileBy(65534, -1, "/proc/self/status", READ);
    // setgroups changes no uid or gid the kernel checks for dumpability.
    b.syscall("setgroups").syscall("setgroups32");
    assertEquals(List.of("owner \"@{PROC}/@{pid}/status\" r,"), ruleLines(generate(b)));
    b.syscall("setresgid32");
    assertEquals(List.of("\"@{PROC}/@{pid}/status\" r,"), ruleLines(generate(b)));
  }

  @Test
  void pidNamedTemporaryFiles_becomePidPatterns() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .fileBy(1000, 1000, "/tmp/hsperfdata_root/18176", READ, WRITE, LOCK));
    assertEquals(List.of("owner \"/tmp/hsperfdata_root/@{pid}\" rwk,"), ruleLines(r));
    assertEquals("0123", t("0123"));
    assertEquals("12345678", t("12345678"));
    assertEquals("1.log", t("1.log"));
  }

  @Test
  void programsAndSocketsUnderTemporaryFolders_stayLiteral() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .exec("/tmp/x1Y2z3")
                .socket("unix", "stream", "/tmp/s8Kq2Zx.sock"));
    // An exec alone says nothing of who owned the program: no owner.
    assertTrue(ruleLines(r).contains("\"/tmp/x1Y2z3\" ix,"), ruleLines(r).toString());
    assertTrue(ruleLines(r).stream().noneMatch(l -> l.contains("?")), ruleLines(r).toString());
  }

  @Test
  void foldersOfSecrets_areNeverGlobbed() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .file("/etc/ssh/ssh_config", READ)
                .file("/etc/ssh/moduli", READ)
                .file("/etc/ssh/ssh_host_rsa_key.pub", READ)
                .file("/etc/ssh/ssh_host_ed25519_key.pub", READ));
    assertTrue(ruleLines(r).stream().noneMatch(l -> l.contains("*")), ruleLines(r).toString());
  }

  @Test
  void questionMarkGlobs_areReportedAsGeneralisations() {
    AppArmorResult r =
        generate(new RecordingBuilder().filesBy(1000).file("/tmp/tmpk2j3x_8q", READ, WRITE));
    assertTrue(
        r.generalisations().stream().anyMatch(g -> g.pattern().contains("tmp????????")),
        r.generalisations().toString());
  }

  @Test
  void randomRuns_fixedLengthBecomeQuestionMarks_numbersOfAnyLengthBecomeStar() {
    assertEquals("tmp????????", t("tmpk2j3x_8q"));
    assertEquals("tmp.??????????", t("tmp.Xa8bc3DEf9"));
    assertEquals("tailor-test-out*.txt", t("tailor-test-out4064891533805173690.txt"));
    assertEquals("junit*", t("junit7017773962343545298"));
  }

  @Test
  void abstractions_areIncludedWhenTheyCoverWhatWasSeen_andTheirPathsDropped() {
    AppArmorResult r =
        generate(
            new RecordingBuilder()
                .filesBy(1000)
                .file("/etc/nsswitch.conf", READ)
                .file("/etc/passwd", READ)
                .file("/usr/lib/x86_64-linux-gnu/libc.so.6", READ, MMAP_EXEC)
                .file("/etc/ssl/certs/ca-certificates.crt", READ)
                .file("/etc/passwd-", READ));
    assertEquals(List.of("base", "nameservice", "ssl_certs"), r.profile().abstractions());
    assertEquals(List.of("\"/etc/passwd-\" r,"), ruleLines(r));
    assertTrue(
        r.generalisations().stream()
            .anyMatch(
                g ->
                    g.pattern().equals("include <abstractions/nameservice>")
                        && g.replacedPaths().equals(List.of("/etc/nsswitch.conf", "/etc/passwd"))));
  }

  @Test
  void abstractions_neverCoverWrites() {
    AppArmorResult r =
        generate(new RecordingBuilder().filesBy(1000).file("/etc/passwd", READ, WRITE));
    assertEquals(List.of("\"/etc/passwd\" rw,"), ruleLines(r));
  }

  @Test
  void networkCapabilitiesAndUnixSocketPaths_becomeRules() throws Exception {
    RecordingBuilder b =
        new RecordingBuilder()
            .filesBy(1000)
            .socket("inet", "stream", "0.0.0.0:80")
            .socket("inet6", "dgram")
            .socket("unix", "stream", "/run/app/app.sock", "@abstract")
            .socket("netlink", "unknown")
            .socket("bogus family", "stream")
            .capability("net_bind_service")
            .capability("chown");
    AppArmorResult r = generate(b);
    String text = AppArmorWriter.write(r.profile());
    assertTrue(text.contains("  capability chown,\n  capability net_bind_service,\n"), text);
    assertTrue(
        text.contains(
            "  network inet stream,\n  network inet6 dgram,\n  network netlink,\n  network unix stream,\n"),
        text);
    assertTrue(text.contains("  \"/run/app/app.sock\" rw,\n"), text);
    assertFalse(text.contains("bogus"), text);
    ParserCheck.assertParse(List.of(text));
  }

  @Test
  void everyModeAndExecMode_parses() throws Exception {
    List<String> texts = new ArrayList<>();
    for (Mode mode : Mode.values()) {
      for (ExecMode exec : ExecMode.values()) {
        RecordingBuilder b =
            new RecordingBuilder()
                .filesBy(1000)
                .exec("/usr/bin/dash")
                .exec("/usr/bin/ls")
                .exec("/srv/bin/ls")
                .exec("/srv/bin/we ird\"name")
                .file("/usr/bin/python3.11", READ, EXEC, MMAP_EXEC)
                .file("/proc/self/status", READ)
                .file("/tmp/tmpabc123xy", READ, WRITE, LOCK)
                .socket("inet", "stream")
                .capability("setuid");
        AppArmorOptions o = new AppArmorOptions(mode, exec, "/usr/bin/python3.11", "app");
        String text = AppArmorWriter.write(AppArmorGenerator.generate(b.build(), o).profile());
        assertEquals(mode == Mode.COMPLAIN, text.contains("flags=(complain)"), text);
        assertTrue(text.contains("\"/usr/bin/dash\" " + exec.token()), text);
        texts.add(text);
      }
    }
    assertTrue(texts.get(2).contains("\"/srv/bin/ls\" cx -> ls,"), texts.get(2));
    assertTrue(texts.get(2).contains("\"/usr/bin/ls\" cx -> ls-2,"), texts.get(2));
    assertTrue(texts.get(2).contains("profile ls flags=(complain) {"), texts.get(2));
    ParserCheck.assertParse(texts);
  }

  @Test
  void generate_isDeterministic_whateverOrderThePartsWereMergedIn() {
    RecordingBuilder a =
        new RecordingBuilder()
            .filesBy(1000)
            .file("/srv/a/1", READ)
            .fileBy(1000, 1000, "/tmp/tmpq1w2e3r4", WRITE);
    RecordingBuilder b =
        new RecordingBuilder()
            .filesBy(1000)
            .file("/srv/a/2", READ)
            .exec("/usr/bin/env")
            .socket("inet", "stream");
    Recording ab = Recording.merge("app", List.of(a.build(), b.build()));
    Recording ba = Recording.merge("app", List.of(b.build(), a.build()));
    AppArmorOptions o = AppArmorOptions.draft("app");
    String one = AppArmorWriter.write(AppArmorGenerator.generate(ab, o).profile());
    assertEquals(one, AppArmorWriter.write(AppArmorGenerator.generate(ba, o).profile()));
    assertEquals(one, AppArmorWriter.write(AppArmorGenerator.generate(ab, o).profile()));
    // and the bytes committed here, so a change of order between JVMs or versions shows too
    assertEquals(
        """
        # AppArmor profile drafted by tailor from what the workload did.
        # Review it, run the workload in complain mode, then enforce.
        abi <abi/3.0>,

        include <tunables/global>

        profile app flags=(complain) {
          include <abstractions/base>

          # Sockets the workload opened
          network inet stream,

          # Programs the workload ran
          "/usr/bin/env" ix,

          # Temporary files
          owner "/tmp/tmp????????" w,

          # Files and directories
          "/srv/a/1" r,
          "/srv/a/2" r,
        }
        """,
        one);
  }

  /** A python app: hundreds of stdlib reads collapse into abstractions and a few globs. */
  @Test
  void pythonLikeRecording_isAtLeastThreeTimesShorterThanOneRulePerPath() throws Exception {
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    String[] pkgs = {
      "json",
      "email",
      "http",
      "asyncio",
      "collections",
      "encodings",
      "importlib",
      "logging",
      "urllib",
      "xml/etree"
    };
    for (String pkg : pkgs) {
      for (int i = 0; i < 30; i++) {
        b.file("/usr/lib/python3.11/" + pkg + "/mod" + i + ".py", READ);
        b.file("/usr/lib/python3.11/" + pkg + "/__pycache__/mod" + i + ".cpython-311.pyc", READ);
      }
      b.dir("/usr/lib/python3.11/" + pkg, READ);
    }
    for (int i = 0; i < 20; i++) {
      b.file(
          "/usr/lib/python3.11/lib-dynload/_m" + i + ".cpython-311-x86_64-linux-gnu.so",
          READ,
          MMAP_EXEC);
      b.file("/usr/local/lib/python3.11/dist-packages/requests/m" + i + ".py", READ);
    }
    for (int i = 0; i < 8; i++) {
      b.file("/srv/app/app/views" + i + ".py", READ);
      b.file("/srv/app/app/__pycache__/views" + i + ".cpython-311.pyc", READ, WRITE);
    }
    b.file("/usr/bin/python3.11", READ, MMAP_EXEC)
        .exec("/usr/bin/python3.11")
        .file("/usr/lib/x86_64-linux-gnu/libc.so.6", READ, MMAP_EXEC)
        .file("/etc/ld.so.cache", READ, MMAP_EXEC)
        .file("/etc/nsswitch.conf", READ)
        .file("/etc/hosts", READ)
        .file("/etc/ssl/certs/ca-certificates.crt", READ)
        .file("/proc/self/maps", READ)
        .file("/proc/self/fd", READ)
        .file("/tmp/tmpa1b2c3d4", READ, WRITE)
        .file("/srv/app/config.toml", READ)
        .socket("inet", "stream", "0.0.0.0:8000");
    AppArmorResult r = generate(b);
    int rules = r.profile().ruleCount();
    System.out.printf(
        "python-like: %d distinct paths -> %d rules (%d file rules)%n",
        r.distinctPaths(), rules, r.profile().files().size());
    assertTrue(r.distinctPaths() >= 3 * rules, r.distinctPaths() + " paths, " + rules + " rules");
    assertTrue(
        r.profile()
            .abstractions()
            .containsAll(List.of("base", "nameservice", "python", "ssl_certs")));
    String text = AppArmorWriter.write(r.profile());
    ParserCheck.assertParse(List.of(text));
    assertTrue(text.contains("\"/srv/app/app/__pycache__/*\" rw,"), text);
    assertTrue(text.contains("\"/srv/app/app/*\" r,"), text);
  }
}
