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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tailor export}: profile folders as cluster manifests or run flags. The YAML and Kubernetes
 * model libraries load only when this command runs, so {@code tailor --help} stays fast.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "export",
    description = {
      "Write what deploys the profiles in PROFILE_DIR... (folders learn, generate or merge wrote):",
      "  spo         security-profiles-operator v1 SeccompProfile and AppArmorProfile resources",
      "  kubernetes  a Pod per profile with securityContext seccompProfile/appArmorProfile (1.30+) and the "
          + "AppArmor annotation older clusters read, naming the profiles where --install put them",
      "  daemonset   a ConfigMap with the profiles and a DaemonSet that installs them on every node "
          + "(/var/lib/kubelet/seccomp/profiles/NAME.json, apparmor_parser -r from the --image)",
      "  docker      docker run flags",
      "  podman      podman run flags, and the precreate hook way (store + --annotation io.tailor.profile=NAME)",
      "YAML (or shell lines for docker and podman) goes to stdout, or to DIR/tailor-FORMAT.yaml with --out.",
      "Exit code: 0 written, 1 failed, 2 usage error."
    },
    sortOptions = false)
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--format"},
      required = true,
      paramLabel = "FORMAT",
      description = "spo, kubernetes, daemonset, docker or podman.")
  String format;

  @Parameters(arity = "1..*", paramLabel = "PROFILE_DIR", description = "Profile folders.")
  List<Path> dirs;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write DIR/tailor-FORMAT.yaml (or .sh) instead of stdout.")
  Path out;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      defaultValue = "",
      description = {
        "kubernetes, docker, podman: the container's image (default: the image the recording saw, "
            + "else IMAGE).",
        "daemonset: the installer image; it needs sh, cp, mv and, for nodes with AppArmor, apparmor_parser "
            + "(default: busybox:1.36, which has none). Pin images by digest (NAME@sha256:...)."
      })
  String image;

  @Option(
      names = "--namespace",
      paramLabel = "NS",
      defaultValue = "",
      description =
          "kubernetes: the Pods' namespace (default: none, kubectl's current one); daemonset: its "
              + "namespace (default: kube-system).")
  String namespace;

  @Option(
      names = "--install",
      paramLabel = "METHOD",
      defaultValue = "daemonset",
      description =
          "kubernetes: how the profiles reach the nodes, daemonset (profiles/NAME.json, tailor's "
              + "daemonset export) or spo (operator/NAME.json, the security-profiles-operator) (default: ${DEFAULT-VALUE}).")
  String install;

  @Option(
      names = "--command",
      paramLabel = "WORD",
      description =
          "kubernetes: one word of the Pod's command, repeat for more (default: the command the recording "
              + "saw, else the image's own).")
  List<String> command = new ArrayList<>();

  @Option(
      names = "--pause-image",
      paramLabel = "IMAGE",
      defaultValue = "",
      description =
          "daemonset: the image that keeps the pod running (default: registry.k8s.io/pause:3.9).")
  String pauseImage;

  @Option(
      names = "--store",
      paramLabel = "DIR",
      defaultValue = "/var/lib/tailor/profiles",
      description =
          "tailor's profile store, for the podman hook lines (default: ${DEFAULT-VALUE}).")
  String store;

  @Option(
      names = "--observe",
      description =
          "Export each profile on trial instead (NAME-observe): its log variant, where calls the profile "
              + "lacks run and are written to the kernel log (SCMP_ACT_LOG), for runtimes without listenerPath (Docker, "
              + "Kubernetes Localhost). Read them back with tailor observe --kernel-log.")
  boolean observe;

  @Mixin DebugOption debug;

  /** An option given with a format that does not use it, as one line; empty when there is none. */
  private String misplacedOption(Export.Format f) {
    var parsed = spec.commandLine().getParseResult();
    if (f != Export.Format.KUBERNETES) {
      for (String o : List.of("--install", "--command")) {
        if (parsed.hasMatchedOption(o)) {
          return o + " is for --format kubernetes (the Pod it writes)";
        }
      }
    }
    if (f != Export.Format.DAEMONSET && parsed.hasMatchedOption("--pause-image")) {
      return "--pause-image is for --format daemonset";
    }
    return "";
  }

  @Override
  public Integer call() {
    var f = Export.Format.named(format);
    if (f.isEmpty()) {
      return Main.fail(
          spec,
          "export --format " + format + ": use spo, kubernetes, daemonset, docker or podman",
          null,
          Main.EXIT_USAGE);
    }
    var method = Export.Install.named(install);
    if (method.isEmpty()) {
      return Main.fail(
          spec, "export --install " + install + ": use daemonset or spo", null, Main.EXIT_USAGE);
    }
    String misplaced = misplacedOption(f.get());
    if (!misplaced.isEmpty()) {
      return Main.fail(spec, "export " + misplaced, null, Main.EXIT_USAGE);
    }
    try {
      List<ProfileDir> profiles = new ArrayList<>();
      for (Path d : dirs) {
        ProfileDir p = ProfileDir.read(d);
        profiles.add(observe ? p.observing() : p);
      }
      List<String> notes = new ArrayList<>();
      Export.Options options =
          new Export.Options(image, namespace, store, method.get(), command, pauseImage);
      String text = Export.render(f.get(), profiles, options, notes::add);
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
      return Main.fail(spec, "export: " + e.getMessage(), debug.trace(e), 1);
    } catch (IOException e) {
      return Main.fail(
          spec,
          "export: cannot write " + out + ": " + dev.tailor.tracer.TextFiles.reason(e),
          debug.trace(e),
          1);
    } catch (RuntimeException e) {
      return Main.fail(spec, "export: internal error: " + e, e, 1);
    }
  }
}
