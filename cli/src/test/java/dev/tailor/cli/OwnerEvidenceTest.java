package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.generator.apparmor.AppArmorCoverage;
import dev.tailor.generator.apparmor.AppArmorGenerator;
import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.apparmor.AppArmorProfile;
import dev.tailor.generator.apparmor.AppArmorWriter;
import dev.tailor.generator.apparmor.FileRule;
import dev.tailor.generator.apparmor.ParserCheck;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21 with a real multi-user server: nginx's master runs as root and its worker as nobody,
 * serving a file root owns, from a folder under /tmp (where rules used to get {@code owner} by
 * their place). Learned once as root, the draft has no {@code owner} on what the worker reads but
 * does not own, keeps it where root used its own files, and covers a second run, owner rules judged
 * by who really used each file.
 */
class OwnerEvidenceTest {
  private static final Path NGINX = Path.of("/usr/sbin/nginx");

  @TempDir Path tmp;

  @Test
  void nginxLearnedOnce_noOwnerOnWhatTheWorkerReads_andItCoversASecondRun() throws Exception {
    assumeTrue(Files.isExecutable(NGINX), "nginx not installed (.ci/run installs it)");
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "nginx's master must be root to run workers as nobody");
    // The worker (nobody) must reach the served file.
    Path dir = Files.createDirectories(tmp.resolve("nginx"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.setPosixFilePermissions(www, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path index = Files.writeString(www.resolve("index.html"), "hello\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.writeString(
        dir.resolve("nginx.conf"),
        "daemon off;\nmaster_process on;\nworker_processes 1;\n"
            + "user nobody nogroup;\npid "
            + dir
            + "/nginx.pid;\nerror_log "
            + dir
            + "/error.log;\n"
            + "events { worker_connections 16; }\nhttp {\n  access_log "
            + dir
            + "/access.log;\n"
            + "  client_body_temp_path "
            + dir
            + "/body;\n  proxy_temp_path "
            + dir
            + "/proxy;\n"
            + "  fastcgi_temp_path "
            + dir
            + "/fastcgi;\n  uwsgi_temp_path "
            + dir
            + "/uwsgi;\n"
            + "  scgi_temp_path "
            + dir
            + "/scgi;\n"
            + "  server { listen 127.0.0.1:"
            + port
            + "; root "
            + www
            + "; }\n}\n");
    // The workload: nginx in the foreground, one request once it listens, then a graceful stop.
    Path run =
        Files.writeString(
            dir.resolve("run.sh"),
            NGINX
                + " -c "
                + dir
                + "/nginx.conf -p "
                + dir
                + " & n=$!\n"
                + "python3 -c '\nimport sys, time, urllib.request\ndeadline = time.time() + 60\nwhile True:\n"
                + "    try:\n        body = urllib.request.urlopen(\"http://127.0.0.1:"
                + port
                + "/index.html\", timeout=5).read()\n"
                + "        break\n    except OSError:\n        if time.time() > deadline: raise\n        time.sleep(0.05)\n"
                + "assert body == b\"hello\\n\", body\n'\nc=$?\nkill -QUIT $n; wait $n; exit $c\n");
    List<String> cmd = List.of("sh", run.toString());

    Recording first = learn(cmd, tmp.resolve("first"));
    AppArmorProfile draft =
        AppArmorGenerator.generate(first, AppArmorOptions.draft("nginx")).profile();
    String text = AppArmorWriter.write(draft);
    ParserCheck.assertParse(List.of(text));
    FileUse served = first.files().get(index.toString());
    assertEquals(
        List.of(65534L), List.copyOf(served.accessUids()), "the worker alone read the page");
    assertEquals(0, served.ownerUid());
    FileRule page = rule(draft, index.toString());
    assertFalse(page.owner(), "root owns the page the worker reads:\n" + text);
    assertTrue(
        rule(draft, dir + "/nginx.conf").owner(), "root read its own configuration:\n" + text);
    assertTrue(draft.capabilities().containsAll(List.of("setgid", "setuid")), text);

    Recording second = learn(cmd, tmp.resolve("second"));
    AppArmorCoverage coverage = AppArmorCoverage.of(draft);
    List<String> missing = new ArrayList<>();
    for (FileUse f : second.files().values()) {
      coverage.missing(f).ifPresent(m -> missing.add(f.path() + " " + m));
    }
    assertEquals(
        List.of(), missing, "the second run used files the draft does not grant:\n" + text);
    assertTrue(
        second.files().get(index.toString()).accessedByOthers(),
        "an owner rule would not grant the page");
  }

  /**
   * The rule of its own of a file in the work folder, whose random name under /tmp may be a glob.
   */
  private static FileRule rule(AppArmorProfile profile, String path) {
    String tail = path.substring(path.indexOf("/nginx/"));
    return profile.files().stream()
        .filter(r -> r.path().text().endsWith(tail))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no rule of its own for " + path + ": " + profile.files()));
  }

  private static Recording learn(List<String> cmd, Path out) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("learn", "--no-status", "--name", "nginx", "--out", out.toString(), "--"));
    args.addAll(cmd);
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            args.toArray(String[]::new),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertEquals(0, exit, "tailor learn failed: " + err);
    return RecordingJson.read(out.resolve("nginx"));
  }
}
