package dev.tailor.cli;

import dev.tailor.deploy.export.Export;
import dev.tailor.deploy.export.ExportException;
import dev.tailor.deploy.export.ProfileDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tailor export}: profile folders as cluster manifests or run flags. The YAML and
 * Kubernetes model libraries load only when this command runs, so {@code tailor --help} stays fast.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "export",
    description = {
      "Write what deploys the profiles in PROFILE_DIR... (folders learn, generate or merge wrote):",
      "  spo         security-profiles-operator v1 SeccompProfile and AppArmorProfile resources",
      "  kubernetes  a Pod per profile with securityContext seccompProfile/appArmorProfile (1.30+) and the "
          + "AppArmor annotation older clusters read",
      "  daemonset   a ConfigMap with the profiles and a DaemonSet that installs them on every node "
          + "(/var/lib/kubelet/seccomp/profiles/NAME.json, apparmor_parser -r)",
      "  docker      docker run flags",
      "  podman      podman run flags, and the precreate hook way (store + --annotation io.tailor.profile=NAME)",
      "YAML (or shell lines for docker and podman) goes to stdout, or to DIR/tailor-FORMAT.yaml with --out.",
      "Exit code: 0 written, 1 failed, 2 usage error."
    },
    sortOptions = false)
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--format"}, required = true, paramLabel = "FORMAT",
      description = "spo, kubernetes, daemonset, docker or podman.")
  String format;

  @Parameters(arity = "1..*", paramLabel = "PROFILE_DIR", description = "Profile folders.")
  List<Path> dirs;

  @Option(names = "--out", paramLabel = "DIR", description = "Write DIR/tailor-FORMAT.yaml (or .sh) instead of stdout.")
  Path out;

  @Option(names = "--image", paramLabel = "IMAGE", defaultValue = "",
      description = "The image in Pods and run lines (default: the image the recording saw, else IMAGE).")
  String image;

  @Option(names = "--namespace", paramLabel = "NS", defaultValue = "kube-system",
      description = "The daemonset's namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--store", paramLabel = "DIR", defaultValue = "/var/lib/tailor/profiles",
      description = "tailor's profile store, for the podman hook lines (default: ${DEFAULT-VALUE}).")
  String store;

  @Option(names = "--observe",
      description = "Export each profile on trial instead (NAME-observe): its log variant, where calls the profile "
          + "lacks run and are written to the kernel log (SCMP_ACT_LOG), for runtimes without listenerPath (Docker, "
          + "Kubernetes Localhost). Read them back with tailor observe --kernel-log.")
  boolean observe;

  @Option(names = "--debug", description = "Print stack traces on errors.")
  boolean debug;

  @Override
  public Integer call() {
    var f = Export.Format.named(format);
    if (f.isEmpty()) {
      return Main.fail(spec, "export --format " + format + ": use spo, kubernetes, daemonset, docker or podman", null,
          Main.EXIT_USAGE);
    }
    try {
      List<ProfileDir> profiles = new ArrayList<>();
      for (Path d : dirs) {
        ProfileDir p = ProfileDir.read(d);
        profiles.add(observe ? p.observing() : p);
      }
      List<String> notes = new ArrayList<>();
      String text = Export.render(f.get(), profiles, new Export.Options(image, namespace, store), notes::add);
      for (String n : notes) {
        spec.commandLine().getErr().println("tailor: " + n);
      }
      if (out == null) {
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
      } else {
        Files.createDirectories(out);
        Path file = out.resolve(f.get().fileName());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        spec.commandLine().getErr().println("tailor: wrote " + file);
      }
      spec.commandLine().getErr().flush();
      return 0;
    } catch (ExportException e) {
      return Main.fail(spec, "export: " + e.getMessage(), debug ? e : null, 1);
    } catch (IOException e) {
      return Main.fail(spec, "export: cannot write " + out + ": " + e.getMessage(), debug ? e : null, 1);
    } catch (RuntimeException e) {
      return Main.fail(spec, "export: internal error: " + e, e, 1);
    }
  }
}
