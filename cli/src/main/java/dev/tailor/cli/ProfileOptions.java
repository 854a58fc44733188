package dev.tailor.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by every command that writes a profile folder. */
final class ProfileOptions {
  @Option(names = "--name", paramLabel = "NAME",
      description = "Profile name ([A-Za-z0-9._-]); default: derived from the command or input.")
  String name;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "profiles-out",
      description = "Folder that receives NAME/ (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--apparmor-mode", paramLabel = "MODE", defaultValue = "complain",
      description = "AppArmor profile mode: complain (default) or enforce.")
  String apparmorMode;

  @Option(names = "--exec-mode", paramLabel = "MODE", defaultValue = "ix",
      description = "AppArmor exec rule for programs the workload runs: ix (default), px or cx.")
  String execMode;

  @Option(names = "--attach-path", paramLabel = "PATH",
      description = "Attach the AppArmor profile to this executable (e.g. the resolved program path).")
  String attachPath;

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

  Optional<String> attachPath() {
    return Optional.ofNullable(attachPath);
  }
}
