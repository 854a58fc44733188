package dev.tailor.deploy.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.generator.seccomp.ObserveVariant;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.seccomp.SeccompException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One profile folder as the exports read it: its name, {@code seccomp.json} (as written, hand edits
 * included), {@code apparmor.profile} and {@code recording.json} where present.
 *
 * @param path the folder as the user gave it (printed in run flags as given)
 * @param name the folder's name: the seccomp file name on a node ({@code profiles/NAME.json})
 * @param apparmorName the name in apparmor.profile's {@code profile NAME} line, when there is one
 * @param seccompFile the file in the folder that {@code seccompText} is: seccomp.json, or for an
 *     observe variant {@value #OBSERVE_FILE}
 * @param trialOf for an observe variant ({@link #observing()}), the name of the profile on trial
 */
public record ProfileDir(
    Path path,
    String name,
    JsonNode seccomp,
    String seccompText,
    Optional<String> apparmorText,
    Optional<String> apparmorName,
    Optional<Recording> recording,
    String seccompFile,
    Optional<String> trialOf) {
  /** The log variant of seccomp.json that learn, generate and merge write beside it. */
  public static final String OBSERVE_FILE = ObserveVariant.FILE_NAME;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  public ProfileDir {
    if (!Recording.isValidName(name)) {
      throw new IllegalArgumentException("bad profile name " + name);
    }
  }

  /** Reads the folder {@code dir}; seccomp.json must be there, the rest may not. */
  public static ProfileDir read(Path dir) throws ExportException {
    Path abs = dir.toAbsolutePath().normalize();
    Path fileName = abs.getFileName();
    String name = fileName == null ? "" : fileName.toString();
    if (!Files.isDirectory(dir)) {
      throw new ExportException(
          dir + " is not a profile folder (learn, generate or merge writes one)");
    }
    if (!Recording.isValidName(name)) {
      throw new ExportException(
          dir + ": the folder name '" + name + "' is not a profile name ([A-Za-z0-9._-])");
    }
    Path seccompFile = dir.resolve("seccomp.json");
    String seccompText;
    try {
      seccompText = Files.readString(seccompFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ExportException(
          seccompFile + ": cannot read (" + dev.tailor.tracer.TextFiles.reason(e) + ")", e);
    }
    JsonNode seccomp;
    try {
      seccomp = OciJson.read(seccompText.getBytes(StandardCharsets.UTF_8), seccompFile.toString());
    } catch (OciException e) {
      throw new ExportException(e.getMessage(), e);
    }
    Optional<String> apparmor = Optional.empty();
    Optional<String> apparmorName = Optional.empty();
    Path aaFile = dir.resolve("apparmor.profile");
    if (Files.exists(aaFile)) {
      try {
        apparmor = Optional.of(Files.readString(aaFile, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new ExportException(
            aaFile + ": cannot read (" + dev.tailor.tracer.TextFiles.reason(e) + ")", e);
      }
      apparmorName = dev.tailor.deploy.apply.HookApply.apparmorProfileName(apparmor.get());
      if (apparmorName.isEmpty()) {
        throw new ExportException(aaFile + " has no \"profile NAME\" line with a valid name");
      }
    }
    Optional<Recording> recording = Optional.empty();
    if (Files.exists(dir.resolve(RecordingJson.FILE_NAME))) {
      try {
        recording = Optional.of(RecordingJson.read(dir));
      } catch (IOException e) {
        // RecordingJson's message names the file already.
        throw new ExportException(e.getMessage(), e);
      }
    }
    return new ProfileDir(
        dir,
        name,
        seccomp,
        seccompText,
        apparmor,
        apparmorName,
        recording,
        "seccomp.json",
        Optional.empty());
  }

  /**
   * This profile on trial: named {@code NAME-observe} (so it sits beside the enforced one on a
   * node), with seccomp.json's log variant ({@link ObserveVariant#logging}): calls it lacks run and
   * go to the kernel log. The folder's {@value #OBSERVE_FILE}, which run flags name, must be that
   * variant.
   */
  public ProfileDir observing() throws ExportException {
    Path file = path.resolve("seccomp.json");
    String text;
    try {
      text = SeccompJson.toJson(ObserveVariant.logging(SeccompJson.read(file).profile()));
    } catch (IOException | SeccompException e) {
      throw new ExportException(file + ": " + e.getMessage(), e);
    }
    JsonNode node;
    try {
      node =
          OciJson.read(
              text.getBytes(StandardCharsets.UTF_8), path.resolve(OBSERVE_FILE).toString());
    } catch (OciException e) {
      throw new ExportException(e.getMessage(), e);
    }
    return new ProfileDir(
        path,
        name + "-observe",
        node,
        text,
        apparmorText,
        apparmorName,
        recording,
        OBSERVE_FILE,
        Optional.of(name));
  }

  /**
   * Whether the folder's {@value #OBSERVE_FILE} is this profile's seccompText (for run flags that
   * name the file).
   */
  boolean seccompFileCurrent() {
    try {
      return Files.readString(path.resolve(seccompFile), StandardCharsets.UTF_8)
          .equals(seccompText);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The name as a Kubernetes object name (a DNS subdomain: lower case, {@code -} for {@code _}).
   * Two folders that differ only in case would collide; the export refuses that.
   */
  String objectName() throws ExportException {
    String n = name.toLowerCase(Locale.ROOT).replace('_', '-');
    if (n.length() > 253 || !DNS_SUBDOMAIN.matcher(n).matches()) {
      throw new ExportException(
          "profile '"
              + name
              + "' cannot be a Kubernetes object name (lower case letters, "
              + "digits, '-' and '.', starting and ending with a letter or digit): rename the folder");
    }
    return n;
  }

  /** The name as a container name (a DNS label: no dots either, at most 63 characters). */
  String containerName() throws ExportException {
    String n = name.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    if (n.length() > 63) {
      n = n.substring(0, 63);
    }
    while (n.endsWith("-")) {
      n = n.substring(0, n.length() - 1);
    }
    if (!DNS_LABEL.matcher(n).matches()) {
      throw new ExportException(
          "profile '" + name + "' cannot be a container name: rename the folder");
    }
    return n;
  }

  /** The image the recording saw the container run, if it was learned through the hook. */
  Optional<String> image() {
    return recording.flatMap(
        r -> r.containers().stream().map(c -> c.image()).filter(i -> !i.isEmpty()).findFirst());
  }
}
