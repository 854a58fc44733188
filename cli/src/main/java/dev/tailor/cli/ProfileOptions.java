package dev.tailor.cli;

import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.seccomp.SeccompOptions;
import dev.tailor.tracer.PathText;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by every command that writes a profile folder. */
final class ProfileOptions {
  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Profile name ([A-Za-z0-9._-]); default: derived from the command or input.")
  String name;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "profiles-out",
      description = "Folder that receives NAME/ (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--apparmor-mode",
      paramLabel = "MODE",
      defaultValue = "complain",
      description = "AppArmor profile mode: complain (default) or enforce.")
  String apparmorMode;

  @Option(
      names = "--exec-mode",
      paramLabel = "MODE",
      defaultValue = "ix",
      description = "AppArmor exec rule for programs the workload runs: ix (default), px or cx.")
  String execMode;

  @Option(
      names = "--attach-path",
      paramLabel = "PATH",
      description =
          "Attach the AppArmor profile to this executable (e.g. the resolved program path).")
  String attachPath;

  @Option(
      names = "--keep-inherited",
      description =
          "Also write AppArmor rules for files the workload only used through descriptors it inherited "
              + "(e.g. its stdout redirected to a file); by default they are listed in report.md only.")
  boolean keepInherited;

  @Option(
      names = "--no-arg-filters",
      description =
          "Allow every syscall seen by name, whatever its arguments: no learned argument rules "
              + "(socket families, ioctl requests, prctl options, clone's namespace flags, W^X) and clone3 allowed.")
  boolean noArgFilters;

  /** How seccomp.json is made. */
  SeccompOptions seccomp() {
    return new SeccompOptions(!noArgFilters);
  }

  /** The name to use: the option, else {@code fallback} made safe. */
  String nameOr(String fallback) throws UsageException {
    if (name != null) {
      if (!dev.tailor.tracer.Recording.isValidName(name)) {
        throw new UsageException("--name " + name + ": use only letters, digits, '.', '_' and '-'");
      }
      return name;
    }
    return ProfileNames.sanitize(fallback);
  }

  /**
   * The AppArmor options these stand for. Commands call it before any work, so that a bad option is
   * reported at once rather than after a long trace.
   */
  AppArmorOptions apparmor(String profileName) throws UsageException {
    AppArmorOptions.Mode mode;
    AppArmorOptions.ExecMode exec;
    try {
      mode = AppArmorOptions.Mode.valueOf(apparmorMode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--apparmor-mode " + apparmorMode + ": use complain or enforce");
    }
    try {
      exec = AppArmorOptions.ExecMode.valueOf(execMode.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--exec-mode " + execMode + ": use ix, px or cx");
    }
    String attach = attachPath().map(p -> PathText.escape(p)).orElse("");
    if (!attach.isEmpty() && !attach.startsWith("/")) {
      throw new UsageException("--attach-path " + attachPath + ": give an absolute path");
    }
    return new AppArmorOptions(mode, exec, attach, profileName, keepInherited);
  }

  Optional<String> attachPath() {
    return Optional.ofNullable(attachPath);
  }
}
