package dev.tailor.deploy.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs a bundle to completion with a runtime ({@code runc run}), in the form
 * this machine allows: crun refuses a hybrid cgroup layout (cgroup v1 controllers with a v2 {@code
 * unified} mount), so there it runs in a private mount namespace that has a cgroup2 mount at {@code
 * /sys/fs/cgroup}, without cgroup management. The container's init is the same either way.
 */
public final class RuntimeCommand {
  private RuntimeCommand() {}

  /**
   * argv that runs {@code bundle} as container {@code id}, keeping the runtime's state in {@code
   * stateDir}.
   */
  public static List<String> run(ContainerRuntime runtime, Path bundle, Path stateDir, String id) {
    List<String> argv = new ArrayList<>();
    boolean hybridCrun = runtime.name().equals("crun") && hybridCgroups();
    if (hybridCrun) {
      argv.addAll(
          List.of(
              "unshare",
              "-m",
              "sh",
              "-c",
              "mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup && exec \"$0\" \"$@\""));
    }
    argv.add(runtime.executable().toString());
    argv.add("--root");
    argv.add(stateDir.toString());
    if (hybridCrun) {
      argv.add("--cgroup-manager=disabled");
    }
    argv.addAll(List.of("run", "--bundle", bundle.toString(), id));
    return argv;
  }

  /**
   * Whether {@code /sys/fs/cgroup} is a tmpfs of v1 controllers with a v2 {@code unified} beside
   * them.
   */
  public static boolean hybridCgroups() {
    try {
      return Files.getFileStore(Path.of("/sys/fs/cgroup")).type().equals("tmpfs")
          && Files.isDirectory(Path.of("/sys/fs/cgroup/unified"))
          && Files.getFileStore(Path.of("/sys/fs/cgroup/unified")).type().equals("cgroup2");
    } catch (IOException e) {
      return false;
    }
  }
}
