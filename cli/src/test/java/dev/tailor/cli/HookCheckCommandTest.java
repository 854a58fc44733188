package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.seccomp.SyscallTable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tailor hook check}: a store's bindings and profile folders, checked before a container
 * meets them.
 */
class HookCheckCommandTest {
  @TempDir Path tmp;

  private record Run(int exit, String err) {}

  private static Run check(Path store) {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new HookCheckCommand());
    cl.setErr(new PrintWriter(err));
    int code = cl.execute("--store", store.toString());
    return new Run(code, err.toString());
  }

  private static void profile(Path store, String name, String arch) throws Exception {
    Path d = Files.createDirectories(store.resolve(name));
    Files.writeString(
        d.resolve("seccomp.json"),
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
            + "\"architectures\":[\""
            + arch
            + "\"],\"syscalls\":[{\"names\":[\"read\",\"exit_group\"],\"action\":\"SCMP_ACT_ALLOW\"}]}\n");
    Files.writeString(d.resolve("apparmor.profile"), "profile " + name + " {\n}\n");
  }

  private static String mine() {
    return SyscallTable.ociArchitectures(SyscallTable.nativeArch()).get(0);
  }

  @Test
  void goodStore_exits0() throws Exception {
    Path store = tmp.resolve("store");
    profile(store, "web", mine());
    Files.writeString(
        store.resolve("bindings.json"),
        "{\"bindings\": [{\"profile\": \"web\", \"arg0\": \"/x\"}]}\n");
    Run r = check(store);
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.err().contains(store.resolve("web") + ": ok"), r.err());
  }

  @Test
  void trailingComma_namesFileLineAndColumn_andApplyLogNamesThemToo() throws Exception {
    Path store = tmp.resolve("store");
    profile(store, "web", mine());
    Path bindings = store.resolve("bindings.json");
    Files.writeString(
        bindings, "{\"bindings\": [\n  {\"profile\": \"web\", \"arg0\": \"/x\"},\n]}\n");
    Run r = check(store);
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains("tailor: " + bindings + ":3:1: not JSON"), r.err());

    // The apply hook refuses every container while it is so, and its log says where.
    HookApplyCommand c = new HookApplyCommand();
    c.in =
        new ByteArrayInputStream(
            "{\"process\":{\"args\":[\"true\"]}}".getBytes(StandardCharsets.UTF_8));
    c.out = new ByteArrayOutputStream();
    CommandLine cl = new CommandLine(c);
    cl.setErr(new PrintWriter(new StringWriter()));
    assertEquals(1, cl.execute("--store", store.toString()));
    String log = Files.readString(store.resolve(".tailor/logs/apply.log"));
    assertTrue(log.contains(bindings + ":3:1: not JSON"), log);
  }

  @Test
  void badRule_missingProfile_andForeignProfile_areEachOneLine() throws Exception {
    Path store = tmp.resolve("store");
    profile(store, "web", mine());
    profile(
        store,
        "arm",
        mine().equals("SCMP_ARCH_AARCH64") ? "SCMP_ARCH_X86_64" : "SCMP_ARCH_AARCH64");
    Path bindings = store.resolve("bindings.json");
    Files.writeString(
        bindings,
        "{\"bindings\": [\n  {\"profile\": \"web\", \"arg0\": \"/x\"},\n"
            + "  {\"profile\": \"web\", \"args0\": \"/y\"}\n]}\n");
    Run r = check(store);
    assertEquals(1, r.exit(), r.err());
    assertTrue(r.err().contains(bindings + ":3: bindings[1]: unknown field \"args0\""), r.err());
    assertTrue(r.err().contains("profile 'arm' is for"), r.err());
    assertTrue(r.err().contains(store.resolve("web") + ": ok"), r.err());

    Files.writeString(bindings, "{\"bindings\": [{\"profile\": \"gone\", \"arg0\": \"/x\"}]}\n");
    Run missing = check(store);
    assertEquals(1, missing.exit());
    assertTrue(
        missing.err().contains("bindings[0] names profile 'gone', which is not in the store"),
        missing.err());
  }
}
