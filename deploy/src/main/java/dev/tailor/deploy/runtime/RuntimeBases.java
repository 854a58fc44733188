package dev.tailor.deploy.runtime;

import dev.tailor.deploy.oci.OciException;
import dev.tailor.tracer.RuntimeBase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The measured runtime bases tailor knows: those measured on this machine ({@code tailor
 * runtime-base RUNTIME --save}, kept in {@link #localDir()}) before those shipped in tailor's jar,
 * and the choice of one for the runtime installed here.
 */
public final class RuntimeBases {
  /** Where {@code --save} keeps bases measured here; {@code TAILOR_RUNTIME_BASES} overrides it. */
  public static Path localDir() {
    String env = System.getenv("TAILOR_RUNTIME_BASES");
    return Path.of(env == null || env.isEmpty() ? "/var/lib/tailor/runtime-bases" : env);
  }

  /** A base picked for a runtime, with a note when it is not for the version installed here. */
  public record Choice(RuntimeBase base, Optional<String> note) {}

  private RuntimeBases() {}

  /** The bases shipped with tailor (index {@code bases.txt} beside them). */
  public static List<BaseFile> bundled() throws OciException {
    List<BaseFile> out = new ArrayList<>();
    try (InputStream index = RuntimeBases.class.getResourceAsStream("bases.txt")) {
      if (index == null) {
        throw new OciException("tailor's jar has no runtime bases (bases.txt missing)");
      }
      for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String name = line.trim();
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try (InputStream in = RuntimeBases.class.getResourceAsStream(name)) {
          if (in == null) {
            throw new OciException(
                "tailor's jar lists runtime base " + name + " but does not hold it");
          }
          out.add(BaseFile.parse(in.readAllBytes(), "tailor's " + name));
        }
      }
    } catch (IOException e) {
      throw new OciException("cannot read tailor's runtime bases: " + e.getMessage(), e);
    }
    return out;
  }

  /** The bases measured here, in {@link #localDir()}. */
  public static List<BaseFile> local() throws OciException {
    Path dir = localDir();
    List<BaseFile> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (var files = Files.list(dir)) {
      for (Path f :
          files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList()) {
        out.add(BaseFile.read(f));
      }
    } catch (IOException e) {
      throw new OciException(
          "cannot list " + dir + ": " + dev.tailor.tracer.TextFiles.reason(e), e);
    }
    return out;
  }

  /**
   * The base for {@code runtime}: the one for the version installed here (measured here first, then
   * shipped), else the same upstream version, else the newest known, with a note saying so.
   */
  public static Choice choose(String runtime) throws OciException {
    Optional<ContainerRuntime> installed;
    try {
      installed = ContainerRuntime.find(runtime);
    } catch (IOException e) {
      installed = Optional.empty();
    }
    return choose(runtime, installed.map(ContainerRuntime::version), local(), bundled());
  }

  /**
   * The base for {@code runtime} at {@code version} (the one that runs the container), else as
   * {@link #choose(String)}.
   */
  public static Choice choose(String runtime, Optional<String> version) throws OciException {
    if (version.isEmpty()) {
      return choose(runtime);
    }
    return choose(runtime, version, local(), bundled());
  }

  static Choice choose(
      String runtime,
      Optional<String> installedVersion,
      List<BaseFile> local,
      List<BaseFile> bundled)
      throws OciException {
    List<BaseFile> candidates = new ArrayList<>();
    local.stream().filter(b -> b.runtime().equals(runtime)).forEach(candidates::add);
    bundled.stream().filter(b -> b.runtime().equals(runtime)).forEach(candidates::add);
    if (candidates.isEmpty()) {
      throw new OciException(
          "no base is known for runtime "
              + runtime
              + "; measure one with 'tailor runtime-base "
              + runtime
              + " --save' or use --runtime none");
    }
    if (installedVersion.isPresent()) {
      String v = installedVersion.get();
      for (BaseFile b : candidates) {
        if (b.version().equals(v)) {
          return new Choice(b.toBase(where(b, local)), Optional.empty());
        }
      }
      for (BaseFile b : candidates) {
        if (ContainerRuntime.upstream(b.version()).equals(ContainerRuntime.upstream(v))) {
          return new Choice(b.toBase(where(b, local)), Optional.empty());
        }
      }
    }
    BaseFile newest =
        candidates.stream().max(Comparator.comparing(b -> versionKey(b.version()))).orElseThrow();
    String why =
        installedVersion
            .map(v -> runtime + " " + v + " is installed here, but no base was measured for it")
            .orElse(runtime + " is not installed here");
    return new Choice(
        newest.toBase(where(newest, local)),
        Optional.of(
            why
                + "; using the base of "
                + runtime
                + " "
                + newest.version()
                + " (measure this machine's with 'tailor runtime-base "
                + runtime
                + " --save')"));
  }

  private static String where(BaseFile b, List<BaseFile> local) {
    return local.contains(b) ? "kept in " + localDir() : "shipped with tailor";
  }

  /** 1.10.2 after 1.9.0: numeric parts compared as numbers. */
  static String versionKey(String version) {
    StringBuilder k = new StringBuilder();
    for (String part : ContainerRuntime.upstream(version).split("\\.")) {
      k.append(
          String.format(
              "%08d",
              part.isEmpty()
                  ? 0
                  : Long.parseLong(part.length() > 8 ? part.substring(0, 8) : part)));
    }
    return k.toString();
  }
}
