package dev.tailor.deploy.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.tailor.deploy.oci.Bundle;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemonset export's install script, run as the kubelet would run the init container: in a
 * real container (podman + runc) with the ConfigMap's keys as files under /profiles and a node
 * folder as /host.
 */
class DaemonSetScriptTest {
  @TempDir Path tmp;

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void installScript_putsEverySeccompProfileWhereTheKubeletLooks() throws Exception {
    assumeTrue(onPath("podman") && onPath("runc"), "podman and runc are not installed (apt-get install podman runc)");
    assumeTrue("root".equals(System.getProperty("user.name")), "podman with --rootfs and cgroupfs needs root here");
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = Yaml.MAPPER.readerFor(JsonNode.class)
        .readValues(Fixtures.render(Export.Format.DAEMONSET, Fixtures.all(), new ArrayList<>()))) {
      it.forEachRemaining(docs::add);
    }
    Path profiles = Files.createDirectories(tmp.resolve("configmap"));
    for (Iterator<Map.Entry<String, JsonNode>> it = docs.get(0).path("data").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Files.writeString(profiles.resolve(e.getKey()), e.getValue().asText(), StandardCharsets.UTF_8);
    }
    JsonNode install = docs.get(1).at("/spec/template/spec/initContainers/0");
    List<String> command = new ArrayList<>();
    install.path("command").forEach(c -> command.add(c.asText()));
    Path node = Files.createDirectories(tmp.resolve("node"));
    Bundle.create(tmp.resolve("bundle"), List.of("/usr/bin/true"), Bundle.Variant.ALL.get(0));

    List<String> cmd = new ArrayList<>(List.of("podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs", "run",
        "--rm", "--network", "none", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
        "-v", "/usr:/usr:ro", "-v", "/etc:/etc:ro", "-v", profiles + ":/profiles:ro", "-v", node + ":/host",
        "--rootfs", tmp.resolve("bundle/rootfs").toString()));
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("out").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String out = Files.readString(tmp.resolve("out"));
    assertEquals(0, p.exitValue(), out);
    for (ProfileDir d : Fixtures.all()) {
      Path installed = node.resolve("var/lib/kubelet/seccomp/profiles/" + d.name() + ".json");
      assertEquals(Files.readString(d.path().resolve("seccomp.json")), Files.readString(installed), d.name());
      assertTrue(out.contains("tailor: installed seccomp profile profiles/" + d.name() + ".json"), out);
    }
    try (var left = Files.list(node.resolve("var/lib/kubelet/seccomp/profiles"))) {
      assertEquals(3, left.count(), "no temporary files left behind");
    }
    // This kernel has no AppArmor: the script says so and loads nothing.
    boolean apparmor = Files.exists(Path.of("/sys/module/apparmor/parameters/enabled"))
        && Files.readString(Path.of("/sys/module/apparmor/parameters/enabled")).trim().equals("Y");
    if (!apparmor) {
      assertTrue(out.contains("AppArmor is not enabled on this node"), out);
    }
  }
}
