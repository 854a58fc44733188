package dev.tailor.deploy.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerPathsTest {
  @TempDir Path tmp;

  private OciConfig config(Path root, Path data) throws OciException {
    String json =
        "{\"root\":{\"path\":\""
            + root
            + "\"},\"process\":{\"args\":[\"/app/run\"],\"cwd\":\"/app\"},"
            + "\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\""
            + data
            + "\",\"options\":[\"rbind\",\"ro\"]},"
            + "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}],"
            + "\"annotations\":{\"io.kubernetes.cri-o.ImageName\":\"registry.example/app:1\"}}";
    return OciConfig.parse(json.getBytes(StandardCharsets.UTF_8), tmp);
  }

  @Test
  void resolve_absoluteLinksStartAtTheContainersRoot_notTheHosts() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("rootfs"));
    Path data = Files.createDirectories(tmp.resolve("data-src"));
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
    Files.createDirectories(root.resolve("opt/real"));
    // On the host /opt/real does not exist; in the container it does.
    Files.createSymbolicLink(root.resolve("etc-alt"), Path.of("/opt/real"));
    Files.createSymbolicLink(data.resolve("current"), Path.of("/data/v2"));
    Files.createDirectories(data.resolve("v2"));
    ContainerPathResolver r = new ContainerPathResolver(config(root, data));
    assertEquals("/usr/bin/sh", r.resolve("/bin/sh", true));
    assertEquals("/opt/real/x.conf", r.resolve("/etc-alt/x.conf", true));
    assertEquals("/etc-alt", r.resolve("/etc-alt", false), "lstat, unlink: the link itself");
    assertEquals(
        "/data/v2/f",
        r.resolve("/data/current/f", true),
        "inside a bind mount, from its host source");
    assertEquals(
        "/proc/self/fd",
        r.resolve("/proc/self/fd", true),
        "proc has no host folder: only normalised");
    assertEquals("/usr/bin", r.resolve("/bin/../bin/./", true));
    // ".." after a link is taken in the link's target, as the kernel does.
    Files.createDirectories(root.resolve("opt/vendor/lib"));
    Files.createDirectories(root.resolve("opt/vendor/bin"));
    Files.createDirectories(root.resolve("app"));
    Files.createSymbolicLink(root.resolve("app/lib"), Path.of("/opt/vendor/lib"));
    assertEquals("/opt/vendor/bin/tool", r.resolve("/app/lib/../bin/tool", true));
    assertEquals("/usr", r.resolve("/bin/..", true), "/bin is usr/bin, so /bin/.. is /usr");
    assertTrue(r.isDirectory("/bin"));
    assertFalse(r.isDirectory("/etc-alt/x.conf"));
    assertEquals(Optional.of(data + "/v2"), r.hostPath("/data/v2"));
    assertEquals(Optional.empty(), r.hostPath("/proc/1/status"));
  }

  @Test
  void resolve_linkLoop_givesUpWithTheNormalPath() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("rootfs"));
    Files.createSymbolicLink(root.resolve("a"), Path.of("/b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));
    ContainerPathResolver r = new ContainerPathResolver(config(root, tmp));
    assertEquals("/a/x", r.resolve("/a/x", true));
  }

  @Test
  void view_hostNamesOfTheRootAndBindSourcesBecomeContainerPaths_runtimeStateIsLeftOut()
      throws Exception {
    Path root = Files.createDirectories(tmp.resolve("rootfs"));
    Path data = Files.createDirectories(tmp.resolve("data-src"));
    String id = "0123456789abcdef0123456789abcdef";
    ContainerView v = new ContainerView(config(root, data), tmp.resolve("bundle").toString(), id);
    assertEquals(Optional.of("/etc/passwd"), v.map(root + "/etc/passwd"));
    assertEquals(Optional.of("/data/x"), v.map(data + "/x"));
    assertEquals(
        Optional.of("/etc/hosts"),
        v.map("/etc/hosts"),
        "the kernel's own container-view names stay");
    assertEquals(Optional.empty(), v.map("/run/runc/" + id + "/exec.fifo"));
    assertEquals(Optional.empty(), v.map(tmp.resolve("bundle") + "/config.json"));

    Recording r =
        new RecordingBuilder()
            .name("t")
            .inRun("run")
            .files(
                Map.of(
                    root + "/etc/passwd",
                    file(root + "/etc/passwd"),
                    "/etc/passwd",
                    file("/etc/passwd"),
                    "/run/runc/" + id + "/exec.fifo",
                    file("/run/runc/" + id + "/exec.fifo")))
            .build();
    Recording mapped = v.apply(r);
    assertEquals(Set.of("/etc/passwd"), mapped.files().keySet());
    assertEquals(2, mapped.files().get("/etc/passwd").count(), "the two names of one file merge");
    assertTrue(mapped.warnings().get(0).startsWith("1 host paths of the container runtime"));
  }

  @Test
  void config_imageFromAnnotations_relativeRootAgainstTheBundle() throws Exception {
    OciConfig c = config(tmp.resolve("r"), tmp);
    assertEquals(Optional.of("registry.example/app:1"), c.image());
    OciConfig rel =
        OciConfig.parse("{\"root\":{\"path\":\"rootfs\"}}".getBytes(StandardCharsets.UTF_8), tmp);
    assertEquals(tmp.resolve("rootfs").toString(), rel.rootPath());
    assertEquals("/", rel.cwd());
  }

  @Test
  void state_notJsonOrNoId_isRefusedWithOneLine() {
    OciException e =
        assertThrows(
            OciException.class, () -> OciState.parse("not json".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().startsWith("the OCI state on stdin is not JSON"), e.getMessage());
    assertThrows(
        OciException.class, () -> OciState.parse("{\"pid\":1}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        OciException.class,
        () ->
            OciState.parse(
                "{\"id\":\"a\",\"id\":\"b\",\"bundle\":\"/\"}".getBytes(StandardCharsets.UTF_8)),
        "duplicate keys could make two readers see two containers");
  }

  private static FileUse file(String path) {
    return new FileUse(
        path, EnumSet.of(Access.READ), new TreeMap<>(), false, 1, new TreeSet<>(Set.of("run")));
  }

  @Test
  void processIds_fromProcessUser_andOwnersOnlyWithoutUserNamespace() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("rootfs-ids"));
    Files.writeString(root.resolve("f"), "x");
    String caps = "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SETGID\",\"CAP_SETUID\"]}";
    String user =
        "{\"root\":{\"path\":\""
            + root
            + "\"},\"process\":{\"args\":[\"/x\"],\"user\":{\"uid\":0,"
            + "\"gid\":0,\"additionalGids\":[10]},"
            + caps
            + "}}";
    OciConfig c = OciConfig.parse(user.getBytes(StandardCharsets.UTF_8), tmp);
    assertEquals(
        new dev.tailor.tracer.record.TaskIds(
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            List.of(10L),
            true,
            dev.tailor.tracer.record.TaskIds.Privilege.ROOT),
        c.processIds());
    assertTrue(c.hostIds());
    assertEquals(0, new ContainerPathResolver(c).stat("/f").orElseThrow().uid());
    String mapped =
        user.substring(0, user.length() - 1)
            + ",\"linux\":{\"uidMappings\":[{\"containerID\":0,"
            + "\"hostID\":100000,\"size\":65536}]}}";
    OciConfig m = OciConfig.parse(mapped.getBytes(StandardCharsets.UTF_8), tmp);
    assertFalse(m.hostIds());
    assertEquals(
        -1,
        new ContainerPathResolver(m).stat("/f").orElseThrow().uid(),
        "host owners mean nothing inside");
    String none = "{\"root\":{\"path\":\"" + root + "\"},\"process\":{\"args\":[\"/x\"]}}";
    assertEquals(
        dev.tailor.tracer.record.TaskIds.NONE_KNOWN,
        OciConfig.parse(none.getBytes(StandardCharsets.UTF_8), tmp).processIds());
  }
}
