package dev.tailor.deploy.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.tracer.RuntimeBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A measured runtime base as it is kept on disk ({@code runc-1.1.5+ds1.json}): the names with the
 * number of measured starts that made each, and when, where and how it was measured.
 *
 * @param seen syscall name -> in how many of the {@code runs} starts the init made it
 */
public record BaseFile(
    String runtime,
    String version,
    String measured,
    String machine,
    String method,
    int runs,
    SortedMap<String, Integer> seen) {
  public BaseFile {
    if (!ContainerRuntime.KNOWN.contains(runtime)
        || version.isEmpty()
        || runs < 1
        || seen.isEmpty()) {
      throw new IllegalArgumentException(
          "a base names a known runtime, a version, its runs and its syscalls");
    }
    for (String name : seen.keySet()) {
      if (!name.matches("[a-z0-9_]{1,40}")) {
        throw new IllegalArgumentException("not a syscall name: " + name);
      }
    }
    seen = Collections.unmodifiableSortedMap(new TreeMap<>(seen));
  }

  /** The file name: {@code RUNTIME-VERSION.json}. */
  public String fileName() {
    return runtime + "-" + version + ".json";
  }

  /** The base as recordings carry it. */
  public RuntimeBase toBase(String where) {
    return new RuntimeBase(
        runtime,
        version,
        "measured by 'tailor runtime-base' on "
            + measured
            + " ("
            + machine
            + ", "
            + runs
            + " container starts), "
            + where,
        new java.util.TreeSet<>(seen.keySet()));
  }

  static BaseFile measuredHere(
      ContainerRuntime rt, int runs, SortedMap<String, Integer> seen, String method) {
    return new BaseFile(
        rt.name(),
        rt.version(),
        LocalDate.now(ZoneOffset.UTC).toString(),
        thisMachine(),
        method,
        runs,
        seen);
  }

  /** This measurement and another of the same runtime version, as one: runs and counts add up. */
  public BaseFile merge(BaseFile other) {
    if (!runtime.equals(other.runtime) || !version.equals(other.version)) {
      throw new IllegalArgumentException(
          "cannot merge bases of "
              + runtime
              + " "
              + version
              + " and "
              + other.runtime
              + " "
              + other.version);
    }
    TreeMap<String, Integer> s = new TreeMap<>(seen);
    other.seen.forEach((k, v) -> s.merge(k, v, Integer::sum));
    return new BaseFile(
        runtime, version, measured, machine, method + "; " + other.method, runs + other.runs, s);
  }

  /** The JSON text, keys in a fixed order, ending in a newline. */
  public String toJson() {
    ObjectNode o = OciJson.MAPPER.createObjectNode();
    o.put("runtime", runtime)
        .put("version", version)
        .put("measured", measured)
        .put("machine", machine)
        .put("method", method)
        .put("runs", runs);
    ObjectNode s = o.putObject("syscalls");
    seen.forEach(s::put);
    try {
      return OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses a base file; {@code where} names it in errors. */
  public static BaseFile parse(byte[] json, String where) throws OciException {
    JsonNode o = OciJson.read(json, where);
    TreeMap<String, Integer> seen = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = o.path("syscalls").fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      seen.put(e.getKey(), e.getValue().asInt(0));
    }
    try {
      return new BaseFile(
          o.path("runtime").asText(""),
          o.path("version").asText(""),
          o.path("measured").asText(""),
          o.path("machine").asText(""),
          o.path("method").asText(""),
          o.path("runs").asInt(0),
          seen);
    } catch (IllegalArgumentException e) {
      throw new OciException(where + ": not a runtime base (" + e.getMessage() + ")", e);
    }
  }

  /** Reads a base file. */
  public static BaseFile read(Path file) throws OciException {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new OciException(
          "cannot read " + file + ": " + dev.tailor.tracer.TextFiles.reason(e), e);
    }
  }

  /** Writes the file into {@code dir}, returning its path. */
  public Path writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(fileName());
    Path tmp = dir.resolve("." + fileName() + ".tmp");
    Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
    Files.move(
        tmp,
        file,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  /** {@code Debian GNU/Linux 12 (bookworm), Linux 6.1.0 x86_64}. */
  static String thisMachine() {
    String os = "Linux";
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          os = line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // keep "Linux"
    }
    return os + ", Linux " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
  }
}
