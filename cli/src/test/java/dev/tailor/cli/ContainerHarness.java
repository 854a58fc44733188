package dev.tailor.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tailor.deploy.oci.Bundle;
import dev.tailor.deploy.runtime.PodmanRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Real podman + runc with tailor's precreate hook in a hooks dir of the test's own: the hooks.d
 * entry {@code tailor hook install} writes ({@code when: always}, stage precreate), pointing at a
 * launcher that runs tailor from the test class path.
 */
final class ContainerHarness {
  final Path dir;
  final Path store;
  final Path hooks;
  final Path log;
  final Path rootfs;

  private ContainerHarness(Path dir) {
    this.dir = dir;
    this.store = dir.resolve("store");
    this.hooks = dir.resolve("hooks.d");
    this.log = dir.resolve("hook.log");
    this.rootfs = dir.resolve("bundle/rootfs");
  }

  /**
   * Skips the test, saying why, where podman or runc is not installed or tailor does not run as
   * root.
   */
  static void assumeContainers() {
    assumeTrue(TailorProcess.onPath("podman"), "podman is not installed (apt-get install podman)");
    assumeTrue(TailorProcess.onPath("runc"), "runc is not installed (apt-get install runc)");
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "podman with --rootfs and cgroupfs needs root here");
  }

  static ContainerHarness create(Path dir) throws IOException {
    ContainerHarness h = new ContainerHarness(dir);
    Files.createDirectories(h.store);
    Files.createDirectories(h.hooks);
    Bundle.create(dir.resolve("bundle"), List.of("/usr/bin/true"), Bundle.Variant.ALL.get(0));
    Path launcher = dir.resolve("tailor-launcher");
    List<String> hookArgs = new ArrayList<>(List.of(launcher.toString(), "hook", "apply"));
    String main = Entry.class.getName();
    hookArgs.addAll(List.of("--store", h.store.toString(), "--log", h.log.toString()));
    Files.writeString(
        launcher,
        "#!/bin/sh\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -XX:+UseSerialGC -Xshare:auto -XX:TieredStopAtLevel=1 -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + main
            + " \"$@\"\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    StringBuilder args = new StringBuilder();
    for (String a : hookArgs) {
      args.append(args.length() == 0 ? "" : ",").append('"').append(a).append('"');
    }
    Files.writeString(
        h.hooks.resolve("tailor-apply.json"),
        "{\"version\":\"1.0.0\",\"hook\":{\"path\":\""
            + launcher
            + "\",\"args\":["
            + args
            + "],\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],"
            + "\"timeout\":60},\"when\":{\"always\":true},\"stages\":[\"precreate\"]}\n");
    return h;
  }

  /**
   * {@code podman run} of {@code command} in the minimal root, with the hooks dir and {@code
   * options}.
   */
  TailorProcess.Result run(List<String> options, String... command) throws Exception {
    List<String> cmd = new PodmanRun(Optional.of(hooks), "runc", true).argv();
    cmd.addAll(options);
    cmd.add("--rootfs");
    cmd.add(rootfs.toString());
    cmd.addAll(List.of(command));
    return TailorProcess.run(cmd, dir, Map.of());
  }

  String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
