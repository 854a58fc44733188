package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Learn, then enforce, on real programs that are not samples: a compiler driving its passes, a
 * database, a multi-threaded language runtime, version control, and a python web server with its
 * client. Under the learned profile (argument rules and all) each gives the same stdout and exit
 * code.
 */
class RealProgramsRoundTripTest {
  @TempDir static Path tmp;

  /** A program: its name, the tool it needs, and its command for a work folder and a free port. */
  record Program(String name, String needs, BiFunction<Path, Integer, List<String>> command) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static List<String> sh(String script, Path work, int port) {
    return List.of("sh", "-c", script, "sh", work.toString(), Integer.toString(port));
  }

  static Stream<Arguments> programs() {
    return Stream.of(
            new Program(
                "gcc",
                "gcc",
                (w, port) ->
                    sh(
                        "mkdir -p \"$1\" && printf '#include <stdio.h>\\nint main(void){puts(\"hi\");return 3;}\\n' > \"$1/h.c\""
                            + " && gcc -O2 -o \"$1/h\" \"$1/h.c\" && \"$1/h\"",
                        w,
                        port)),
            new Program(
                "sqlite3",
                "sqlite3",
                (w, port) ->
                    sh(
                        "mkdir -p \"$1\" && sqlite3 \"$1/db.sqlite\" "
                            + "'create table t(a integer); insert into t values (1), (2), (39); select sum(a) from t;'",
                        w,
                        port)),
            new Program(
                "node",
                "node",
                (w, port) ->
                    sh(
                        "mkdir -p \"$1\" && node -e \"const fs = require('fs');"
                            + " fs.writeFileSync(process.argv[1] + '/x.txt', 'from node');"
                            + " fs.readFile(process.argv[1] + '/x.txt', 'utf8', (e, t) => console.log(e ? e.code : t));\" \"$1\"",
                        w,
                        port)),
            new Program(
                "git",
                "git",
                (w, port) ->
                    sh(
                        "mkdir -p \"$1\" && cd \"$1\" && git init -q r && cd r && echo a > a.txt"
                            + " && git add a.txt && git -c user.name=t -c user.email=t@t commit -qm first && git log --format=%s",
                        w, port)),
            // The client is python too: its wait for the server is one blocking wait4, where a
            // shell's
            // wait depends on whether the server has already exited (rt_sigsuspend or not).
            new Program(
                "http-server",
                "python3",
                (w, port) ->
                    List.of(
                        "python3",
                        "-c",
                        String.join(
                            "\n",
                            "import os, subprocess, sys, time, urllib.request",
                            "d, port = sys.argv[1], sys.argv[2]",
                            "os.makedirs(d, exist_ok=True)",
                            "open(os.path.join(d, 'index.txt'), 'w').write('hello\\n')",
                            "s = subprocess.Popen([sys.executable, '-m', 'http.server', port, '--bind', '127.0.0.1', '--directory', d],",
                            "                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
                            "for _ in range(1200):",
                            "    try:",
                            "        print(urllib.request.urlopen('http://127.0.0.1:' + port + '/index.txt', timeout=5).read().decode(), end='')",
                            "        break",
                            "    except OSError:",
                            "        time.sleep(0.1)",
                            "s.terminate()",
                            "s.wait()",
                            "print('served')"),
                        w.toString(),
                        Integer.toString(port))))
        .map(Arguments::of);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** What learning a program printed, and the seccomp profile it wrote. */
  private record Learned(TailorProcess.Result result, Path seccomp) {}

  private static final Map<String, Learned> LEARNED = new HashMap<>();

  /**
   * Learns {@code program} once (with the real strace); both loaders' tests enforce the same
   * profile.
   */
  private static synchronized Learned learned(Program program) throws Exception {
    Learned l = LEARNED.get(program.name());
    if (l != null) {
      return l;
    }
    assumeTrue(TailorProcess.onPath("strace"), "strace is not installed (apt-get install strace)");
    assumeTrue(TailorProcess.onPath(program.needs()), program.needs() + " is not installed");
    Path out = tmp.resolve("profiles");
    List<String> learn =
        new ArrayList<>(
            List.of(
                "learn",
                "--no-status",
                "--runtime",
                "none",
                "--out",
                out.toString(),
                "--name",
                program.name(),
                "--"));
    learn.addAll(program.command().apply(tmp.resolve("learn-" + program.name()), freePort()));
    TailorProcess.Result learned = TailorProcess.tailor(tmp, learn.toArray(String[]::new));
    assertTrue(learned.err().contains("tailor: wrote "), learned.err());
    assertTrue(!learned.out().isEmpty(), "the program printed nothing: " + learned.err());
    Path seccomp = out.resolve(program.name()).resolve("seccomp.json");
    assertTrue(Files.isRegularFile(seccomp));
    l = new Learned(learned, seccomp);
    LEARNED.put(program.name(), l);
    return l;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("programs")
  void learnThenEnforce_reproducesOutputAndExitCode(Program program) throws Exception {
    Learned l = learned(program);
    // The promise: a real program's learned profile carries argument rules (W^X at least:
    // every
    // dynamically linked program maps its libraries), and they hold while it runs.
    assertTrue(
        dev.tailor.generator.seccomp.SeccompJson.read(l.seccomp()).profile().syscalls().stream()
            .anyMatch(r -> !r.args().isEmpty()),
        "no argument rule in " + l.seccomp());
    List<String> enforce =
        new ArrayList<>(List.of("enforce", "--seccomp", l.seccomp().toString(), "--"));
    enforce.addAll(program.command().apply(tmp.resolve("enforce-" + program.name()), freePort()));
    TailorProcess.Result enforced = TailorProcess.tailor(tmp, enforce.toArray(String[]::new));
    assertEquals(
        l.result().out(),
        enforced.out(),
        "stdout under the learned profile; stderr: " + enforced.err());
    assertEquals(l.result().exit(), enforced.exit(), enforced.err());
  }

  /**
   * The same profile loaded by a loader that shares no code with tailor (see {@link PlainLoader}).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("programs")
  void libseccompsOwnLoader_reproducesOutputAndExitCode(Program program) throws Exception {
    assumeTrue(PlainLoader.MISSING == null, PlainLoader.MISSING);
    Learned l = learned(program);
    TailorProcess.Result loaded =
        PlainLoader.run(
            l.seccomp(),
            program.command().apply(tmp.resolve("plain-" + program.name()), freePort()),
            tmp);
    assertEquals(
        l.result().out(),
        loaded.out(),
        "stdout under libseccomp's own loader; stderr: " + loaded.err());
    assertEquals(l.result().exit(), loaded.exit(), loaded.err());
  }
}
