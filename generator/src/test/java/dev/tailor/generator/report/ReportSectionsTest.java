package dev.tailor.generator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.Diagnostic;
import dev.tailor.tracer.ExecUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.Target;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** report.md: every section, provenance when merged, and text from the trace kept harmless. */
class ReportSectionsTest {
  private static TreeSet<String> set(String... s) {
    return new TreeSet<>(List.of(s));
  }

  private static Recording recording(
      List<String> runs, List<Target> targets, List<Diagnostic> diagnostics, long unused) {
    TreeMap<String, SyscallUse> syscalls = new TreeMap<>();
    syscalls.put(
        "openat",
        new SyscallUse(5, new TreeMap<>(Map.of("ENOENT", 2L)), set(runs.toArray(String[]::new))));
    syscalls.put("read", new SyscallUse(7, new TreeMap<>(), set(runs.get(0))));
    TreeMap<String, FileUse> files = new TreeMap<>();
    files.put(
        "/etc/hosts",
        new FileUse(
            "/etc/hosts", EnumSet.of(Access.READ), new TreeMap<>(), false, 3, set(runs.get(0))));
    files.put(
        "/srv/a|b`c",
        new FileUse(
            "/srv/a|b`c",
            EnumSet.of(Access.READ, Access.WRITE),
            new TreeMap<>(),
            false,
            1,
            set(runs.get(0))));
    files.put(
        "/nope",
        new FileUse(
            "/nope",
            EnumSet.noneOf(Access.class),
            new TreeMap<>(Map.of("ENOENT", set("openat", "stat"))),
            false,
            2,
            set(runs.get(0))));
    files.put(
        "/srv/dir",
        new FileUse(
            "/srv/dir", EnumSet.of(Access.READ), new TreeMap<>(), true, 1, set(runs.get(0))));
    TreeMap<String, SocketUse> sockets = new TreeMap<>();
    sockets.put(
        "inet stream",
        new SocketUse(
            "inet", "stream", set("127.0.0.1:80"), set("10.0.0.1:5432"), 2, set(runs.get(0))));
    TreeMap<String, ExecUse> execs = new TreeMap<>();
    execs.put(
        "/usr/bin/env", new ExecUse("/usr/bin/env", List.of("env", "A=1"), 1, set(runs.get(0))));
    TreeMap<String, CapabilityUse> caps = new TreeMap<>();
    caps.put("chown", new CapabilityUse("chown", set("chown(\"/x\", 0, 0)"), set(runs.get(0))));
    return new RecordingBuilder()
        .runs(runs)
        .syscalls(syscalls)
        .files(files)
        .sockets(sockets)
        .execs(execs)
        .capabilities(caps)
        .targets(targets)
        .warnings(List.of("a warning\nwith a newline"))
        .processes(4)
        .diagnostics(diagnostics)
        .unusedLines(unused)
        .build();
  }

  @Test
  void render_everySection_inOrder() {
    Recording r =
        recording(List.of("run1"), List.of(), List.of(new Diagnostic("t.log", 12, "bad line")), 3);
    String md =
        new Report(r, List.of(new Report.Section("Extra", "body without newline"))).render();
    assertTrue(
        md.startsWith(
            "# tailor report: `app`\n\n- machine: `x86_64`\n- runs: `run1`\n- processes and threads seen: 4\n"
                + "- syscalls: 2 distinct, 12 calls\n- paths: 4 (3 accessed successfully)\n\n"),
        md);
    List<String> order =
        List.of(
            "## Warnings",
            "## Syscalls",
            "## Container runtime",
            "## Files",
            "## Sockets",
            "## Executed programs",
            "## Capabilities",
            "## Extra",
            "## Unused trace lines",
            "## Deploy");
    int at = -1;
    for (String h : order) {
      int next = md.indexOf("\n" + h + "\n");
      assertTrue(next > at, h + " missing or out of order:\n" + md);
      at = next;
    }
    assertFalse(md.contains("## Attached processes"), "only after an attach");
    assertTrue(md.contains("- a warning?with a newline\n"), "a warning stays one line");
    assertTrue(md.contains("| `openat` | 5 | 2 | ENOENT x2 |\n"), md);
    // A name that was only looked up and not there is one line of its folder under "Failed
    // lookups".
    assertTrue(
        md.contains("### Failed lookups")
            && md.contains("| `/` | 1 name | ENOENT | 2 | `nope` |\n"),
        md);
    assertTrue(md.contains("| `/srv/dir/` | read | "), "a directory ends with /: " + md);
    assertTrue(
        md.contains("| `/srv/a/b'c` | read write |  | 1 |\n"),
        "| and ` cannot break the table: " + md);
    assertTrue(md.contains("| inet | stream | 2 | `127.0.0.1:80` | `10.0.0.1:5432` |\n"), md);
    assertTrue(md.contains("| `/usr/bin/env` | 1 | `env A=1` |\n"), md);
    assertTrue(md.contains("| `chown` | `chown(\"/x\", 0, 0)` |\n"), md);
    assertTrue(md.contains("## Extra\n\nbody without newline\n\n"), md);
    assertTrue(md.contains("- `t.log:12` bad line\n- ... 2 more\n"), md);
    assertFalse(md.contains("| runs"), "no provenance column for one run");
  }

  @Test
  void render_merged_showsWhichRunsContributed() {
    String md =
        new Report(recording(List.of("a", "b"), List.of(), List.of(), 0), List.of()).render();
    assertTrue(md.contains("| syscall | calls | failed | errors | runs |\n"), md);
    assertTrue(md.contains("| `openat` | 5 | 2 | ENOENT x2 | 2/2: `a` `b` |\n"), md);
    assertTrue(md.contains("| `read` | 7 | 0 |  | 1/2: `a` |\n"), md);
    assertTrue(md.contains("| `/etc/hosts` | read |  | 3 | 1/2: `a` |\n"), md);
    assertFalse(md.contains("## Unused trace lines"), "none");
  }

  @Test
  void render_attached_listsEachTargetAndTheStartUpWarning() {
    Target t =
        new Target(
            42, "/usr/sbin/nginx", List.of("nginx:", "worker"), "33 33 33 33", "0000000000000400");
    String md =
        new Report(recording(List.of("run1"), List.of(t), List.of(), 0), List.of()).render();
    assertTrue(
        md.contains("## Attached processes\n\nAn attach sees only what happens after it"), md);
    assertTrue(
        md.contains(
            "| 42 | `/usr/sbin/nginx` | `nginx: worker` | `33 33 33 33` | `0000000000000400` |\n"),
        md);
  }

  @Test
  void code_andDeploy() {
    assertEquals("`a'b/c?`", Report.code("a`b|c\n"));
    String deploy = Report.deploy("web", new Report.Where("profiles-out/web", false));
    assertTrue(
        deploy.contains("tailor enforce --seccomp profiles-out/web/seccomp.json -- CMD ARGS..."),
        deploy);
    // The deploy section points at the commands that write the exact snippets (tailor export, the
    // hooks).
    assertTrue(deploy.contains("podman run --annotation io.tailor.profile=web IMAGE"), deploy);
    for (String format : List.of("docker", "kubernetes", "daemonset", "spo")) {
      assertTrue(
          deploy.contains("tailor export --format " + format + " profiles-out/web"),
          format + ":\n" + deploy);
    }
    assertTrue(deploy.contains("tailor runtime-base RUNTIME"), deploy);
  }

  @Test
  void deploy_namesTheFolderWritten_andAStoreFolderIsNotCopiedIntoItself() {
    // Issue #18 item 15: the Deploy section always said profiles-out/NAME.
    String custom = Report.deploy("web", new Report.Where("/srv/my profiles/web", false));
    assertTrue(
        custom.contains("tailor enforce --seccomp '/srv/my profiles/web'/seccomp.json"), custom);
    assertTrue(
        custom.contains("sudo cp -r '/srv/my profiles/web'/. /var/lib/tailor/profiles/web/"),
        custom);
    assertTrue(custom.contains("tailor export --format spo '/srv/my profiles/web'"), custom);
    assertTrue(!custom.contains("profiles-out"), custom);
    String store = Report.deploy("web", new Report.Where("/var/lib/tailor/profiles/web", true));
    assertTrue(!store.contains("cp -r"), store);
    assertTrue(store.contains("in the hooks' profile store already"), store);
    assertTrue(
        store.contains("tailor export --format daemonset /var/lib/tailor/profiles/web"), store);
  }
}
