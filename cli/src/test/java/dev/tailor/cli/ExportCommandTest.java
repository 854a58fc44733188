package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {
  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private Path profile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("web"));
    Files.writeString(
        dir.resolve("seccomp.json"),
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
            + "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}\n");
    return dir;
  }

  @Test
  void export_toStdout_andToOut() throws Exception {
    Path dir = profile();
    Run r = run("export", "--format", "kubernetes", "--image", "nginx:1.25", dir.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out().contains("localhostProfile: profiles/web.json")
            && r.out().contains("image: nginx:1.25"),
        r.out());

    Run o = run("export", "-f", "spo", "--out", tmp.resolve("out").toString(), dir.toString());
    assertEquals(0, o.exit(), o.err());
    assertEquals("", o.out());
    assertTrue(
        Files.readString(tmp.resolve("out/tailor-spo.yaml")).contains("kind: SeccompProfile"));
  }

  @Test
  void export_unknownFormat_isAUsageError() throws Exception {
    Run r = run("export", "--format", "helm", profile().toString());
    assertEquals(Main.EXIT_USAGE, r.exit());
    assertTrue(
        r.err()
            .startsWith(
                "tailor: export --format helm: use spo, kubernetes, daemonset, docker or podman"),
        r.err());
  }

  @Test
  void export_notAProfileFolder_failsWithOneLine() {
    Run r = run("export", "--format", "docker", tmp.resolve("nothing").toString());
    assertEquals(1, r.exit());
    assertTrue(
        r.err().startsWith("tailor: export: ") && r.err().contains("is not a profile folder"),
        r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void export_junkOrTruncatedRecording_namesTheFileOnceAndSaysWhatToDo() throws Exception {
    // Issue #18 item 16: "bad/junk/recording.json: bad/junk/recording.json: not a tailor
    // recording".
    Path dir = profile();
    Path rec = dir.resolve("recording.json");
    Files.writeString(rec, "junk\n");
    Run r = run("export", "--format", "docker", dir.toString());
    assertEquals(1, r.exit());
    assertEquals(
        1, r.err().split(java.util.regex.Pattern.quote(rec.toString()), -1).length - 1, r.err());
    assertTrue(r.err().contains("not a tailor recording"), r.err());

    Files.writeString(
        rec,
        "{\n  \"version\" : 1,\n  \"name\" : \"web\",\n  \"arch\" : \"x86_64\",\n  \"runs\" : [ \"web\" ],\n"
            + "  \"syscalls\" : {\n    \"setresuid\" : {\n      \"count\" : 2,\n      \"errors\" : { },\n      \"runs\" : [ \"web\", \"w");
    Run t = run("export", "--format", "docker", dir.toString());
    assertEquals(1, t.exit());
    assertTrue(t.err().contains(rec + ": truncated or not a recording"), t.err());
    assertTrue(
        t.err().contains("write it again with 'tailor learn', 'generate' or 'merge'"), t.err());
    assertEquals(
        1, t.err().split(java.util.regex.Pattern.quote(rec.toString()), -1).length - 1, t.err());
  }

  private Path profileWith(String name, int names) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    StringBuilder b =
        new StringBuilder("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[");
    for (int i = 0; i < names; i++) {
      b.append(i == 0 ? "" : ",").append("\"call_").append(i).append('"');
    }
    Files.writeString(
        dir.resolve("seccomp.json"), b.append("],\"action\":\"SCMP_ACT_ALLOW\"}]}\n").toString());
    return dir;
  }

  @Test
  void export_profilePast128Entries_warnsOfKep6061AndSpoLimits() throws Exception {
    // Issue #18 item 12.
    Run small = run("export", "--format", "spo", profileWith("small", 128).toString());
    assertEquals(0, small.exit(), small.err());
    assertTrue(!small.err().contains("KEP-6061"), small.err());
    Run big = run("export", "--format", "spo", profileWith("big", 129).toString());
    assertEquals(0, big.exit(), big.err());
    assertTrue(
        big.err().contains("tailor: big: seccomp.json holds 129 syscall entries"), big.err());
    assertTrue(big.err().contains("at most 128 entries and 1 MiB per profile"), big.err());
  }

  @Test
  void export_daemonsetPastAConfigMapsMiB_isRefusedWithOneLine() throws Exception {
    Run r = run("export", "--format", "daemonset", profileWith("huge", 90_000).toString());
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("over Kubernetes' 1 MiB limit for a ConfigMap"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void export_kubernetes_installSpo_namespaceAndCommand() throws Exception {
    // Issue #18 item 13.
    Path dir = profile();
    Run r =
        run(
            "export",
            "-f",
            "kubernetes",
            "--install",
            "spo",
            "--namespace",
            "shop",
            "--image",
            "nginx:1.25",
            "--command",
            "nginx",
            "--command",
            "-g",
            "--command",
            "daemon off;",
            dir.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("localhostProfile: operator/web.json"), r.out());
    assertTrue(r.out().contains("namespace: shop"), r.out());
    assertTrue(r.out().contains("command:\n    - nginx\n    - -g\n    - daemon off;\n"), r.out());
    assertEquals("", r.err());
    // A word that is an export option (-f) cannot be one; through a shell it can (README says so).
    Run dash =
        run("export", "-f", "kubernetes", "--command", "tail", "--command", "-f", dir.toString());
    assertEquals(Main.EXIT_USAGE, dash.exit(), dash.err());
    Run shell =
        run(
            "export",
            "-f",
            "kubernetes",
            "--command",
            "sh",
            "--command",
            "-c",
            "--command",
            "tail -f /log",
            dir.toString());
    assertEquals(0, shell.exit(), shell.err());
    assertTrue(
        shell.out().contains("command:\n    - sh\n    - -c\n    - tail -f /log\n"), shell.out());

    Run plain = run("export", "-f", "kubernetes", dir.toString());
    assertEquals(0, plain.exit(), plain.err());
    assertTrue(
        plain.out().contains("localhostProfile: profiles/web.json")
            && !plain.out().contains("namespace:"),
        plain.out());
    assertTrue(
        plain
            .err()
            .contains(
                "tailor: web: no command known; the Pod runs the image's own entrypoint, or pass "
                    + "--command"),
        plain.err());
  }

  @Test
  void export_optionsOfAnotherFormat_areUsageErrors() throws Exception {
    Path dir = profile();
    Run bad = run("export", "-f", "kubernetes", "--install", "operator", dir.toString());
    assertEquals(Main.EXIT_USAGE, bad.exit());
    assertTrue(
        bad.err().startsWith("tailor: export --install operator: use daemonset or spo"), bad.err());
    Run spo = run("export", "-f", "spo", "--install", "spo", dir.toString());
    assertEquals(Main.EXIT_USAGE, spo.exit());
    assertTrue(
        spo.err().startsWith("tailor: export --install is for --format kubernetes"), spo.err());
    Run pause = run("export", "-f", "kubernetes", "--pause-image", "x", dir.toString());
    assertEquals(Main.EXIT_USAGE, pause.exit());
    assertTrue(
        pause.err().startsWith("tailor: export --pause-image is for --format daemonset"),
        pause.err());
    Run ns = run("export", "-f", "spo", "--namespace", "shop", dir.toString());
    assertEquals(0, ns.exit(), ns.err());
    assertTrue(!ns.out().contains("namespace"), ns.out());
    assertTrue(
        ns.err()
            .contains(
                "--namespace shop is not used: the operator's SeccompProfile and AppArmorProfile are "
                    + "cluster-scoped"),
        ns.err());
  }

  @Test
  void export_daemonset_imagesAndNamespace() throws Exception {
    // Issue #18 item 14.
    Path dir = profile();
    String installer = "registry.example/tailor-installer@sha256:" + "d".repeat(64);
    Run r =
        run(
            "export",
            "-f",
            "daemonset",
            "--image",
            installer,
            "--pause-image",
            "registry.k8s.io/pause:3.10",
            "--namespace",
            "tailor",
            dir.toString());
    assertEquals(0, r.exit(), r.err());
    assertTrue(
        r.out().contains("image: " + installer)
            && r.out().contains("image: registry.k8s.io/pause:3.10"),
        r.out());
    assertTrue(
        r.out().contains("namespace: tailor") && !r.out().contains("namespace: kube-system"),
        r.out());
    assertTrue(!r.out().contains("path: /\n"), r.out());
  }
}
