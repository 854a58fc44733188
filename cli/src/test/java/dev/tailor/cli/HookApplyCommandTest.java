package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hook apply} as a process: config bytes in on stdin, the whole config out on stdout. */
class HookApplyCommandTest {
  @TempDir Path tmp;

  private record Run(int exit, byte[] out, String err) {}

  private Run inProcess(byte[] stdin, String... args) {
    HookApplyCommand c = new HookApplyCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.in = new ByteArrayInputStream(stdin);
    c.out = out;
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(c);
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toByteArray(), err.toString());
  }

  private Path store() throws Exception {
    Path store = Files.createDirectories(tmp.resolve("store/web"));
    Files.writeString(
        store.resolve("seccomp.json"),
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
            + "\"architectures\":[],\"syscalls\":[{\"names\":[\"read\",\"write\",\"exit_group\",\"execve\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\"}]}");
    return store.getParent();
  }

  @Test
  void notJson_isRefused_andNothingIsWritten() throws Exception {
    Path store = store();
    Run r =
        inProcess(
            "this is not a config".getBytes(StandardCharsets.UTF_8),
            "--store",
            store.toString(),
            "--log",
            tmp.resolve("log").toString());
    assertEquals(1, r.exit());
    assertEquals(0, r.out().length);
    assertTrue(
        r.err().startsWith("tailor: hook apply: the OCI config on stdin is not JSON"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void asAProcessWithoutUtf8Locale_keepsEveryByte() throws Exception {
    Path store = store();
    String config =
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/usr/bin/caf\u00e9\"]},"
            + "\"annotations\":{\"io.tailor.profile\":\"web\",\"note\":\"\u2603 \u00fc\"},\"linux\":{}}";
    Path in = tmp.resolve("config.json");
    Files.writeString(in, config, StandardCharsets.UTF_8);
    List<String> cmd =
        new ArrayList<>(
            TailorProcess.tailorCommand(
                "hook",
                "apply",
                "--store",
                store.toString(),
                "--log",
                tmp.resolve("log").toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectInput(in.toFile())
            .redirectOutput(tmp.resolve("out").toFile())
            .redirectError(tmp.resolve("err").toFile());
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/bin:/bin");
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("err")));
    ObjectMapper json = new ObjectMapper();
    JsonNode out = json.readTree(Files.readAllBytes(tmp.resolve("out")));
    JsonNode expected = json.readTree(config);
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("linux"))
        .set("seccomp", json.readTree(Files.readAllBytes(store.resolve("web/seccomp.json"))));
    assertEquals(expected, out);
    assertTrue(Files.readString(tmp.resolve("err")).contains("applied profile 'web'"));
  }

  @Test
  void refusal_isLoggedInTheStoreByDefault() throws Exception {
    Path store = store();
    byte[] config =
        "{\"hostname\":\"c0ffee\",\"annotations\":{\"io.tailor.profile\":\"gone\"}}"
            .getBytes(StandardCharsets.UTF_8);
    Run r = inProcess(config, "--store", store.toString());
    assertEquals(1, r.exit());
    String log = Files.readString(store.resolve(".tailor/logs/apply.log"));
    assertTrue(
        log.contains(
            "container c0ffee: tailor: hook apply: profile 'gone' (annotation io.tailor.profile) is "
                + "not in the store"),
        log);
  }

  @Test
  void noProfileAsked_passesTheBytesThrough() throws Exception {
    byte[] config =
        "{\"ociVersion\":\"1.0.2\", \"annotations\": {\"x\": \"\u00e9\"}}\n"
            .getBytes(StandardCharsets.UTF_8);
    Run r =
        inProcess(config, "--store", store().toString(), "--log", tmp.resolve("log").toString());
    assertEquals(0, r.exit(), r.err());
    assertArrayEquals(config, r.out());
    assertEquals("", r.err());
  }
}
