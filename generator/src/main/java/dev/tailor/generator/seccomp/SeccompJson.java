package dev.tailor.generator.seccomp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tailor.tracer.seccomp.SyscallTable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Writes {@code seccomp.json} and reads any OCI seccomp profile, Docker's format included. */
public final class SeccompJson {
  /** The file name inside a profile folder. */
  public static final String FILE_NAME = "seccomp.json";

  private static final BigInteger UINT64_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
  private static final long UINT32_MAX = 0xffffffffL;
  private static final Set<String> RULE_FIELDS =
      Set.of("names", "name", "action", "errnoRet", "args", "comment", "includes", "excludes");
  private static final Set<String> ARG_FIELDS = Set.of("index", "value", "valueTwo", "op");

  /** {@code uname -m} -> Go's GOARCH, which Docker's {@code includes.arches} uses. */
  private static final Map<String, String> GOARCH =
      Map.of(
          "x86_64", "amd64", "aarch64", "arm64", "i686", "386", "i386", "386", "armv7l", "arm",
          "armv6l", "arm");

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private SeccompJson() {}

  /** The JSON text of a profile: 2-space indent, one array element per line, final newline. */
  public static String toJson(SeccompProfile profile) {
    StringWriter out = new StringWriter();
    DefaultIndenter indent = new DefaultIndenter("  ", "\n");
    DefaultPrettyPrinter pretty =
        new DefaultPrettyPrinter()
            .withObjectIndenter(indent)
            .withArrayIndenter(indent)
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayEmptySeparator("")
                    .withObjectEmptySeparator(""));
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setPrettyPrinter(pretty);
      g.writeStartObject();
      g.writeStringField("defaultAction", profile.defaultAction());
      if (profile.defaultErrnoRet() != SeccompProfile.NO_ERRNO) {
        g.writeNumberField("defaultErrnoRet", profile.defaultErrnoRet());
      }
      if (!profile.architectures().isEmpty()) {
        writeStrings(g, "architectures", profile.architectures());
      }
      if (!profile.flags().isEmpty()) {
        writeStrings(g, "flags", profile.flags());
      }
      if (!profile.listenerPath().isEmpty()) {
        g.writeStringField("listenerPath", profile.listenerPath());
      }
      g.writeArrayFieldStart("syscalls");
      for (SeccompProfile.Rule r : profile.syscalls()) {
        g.writeStartObject();
        writeStrings(g, "names", r.names());
        g.writeStringField("action", r.action());
        if (r.errnoRet() != SeccompProfile.NO_ERRNO) {
          g.writeNumberField("errnoRet", r.errnoRet());
        }
        if (!r.args().isEmpty()) {
          g.writeArrayFieldStart("args");
          for (SeccompProfile.Arg a : r.args()) {
            g.writeStartObject();
            g.writeNumberField("index", a.index());
            g.writeFieldName("value");
            writeUnsigned(g, a.value());
            g.writeFieldName("valueTwo");
            writeUnsigned(g, a.valueTwo());
            g.writeStringField("op", a.op());
            g.writeEndObject();
          }
          g.writeEndArray();
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return out + "\n";
  }

  /** Writes a profile to a file. */
  public static void write(SeccompProfile profile, Path file) throws IOException {
    Files.writeString(file, toJson(profile), StandardCharsets.UTF_8);
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String v : values) {
      g.writeString(v);
    }
    g.writeEndArray();
  }

  private static void writeUnsigned(JsonGenerator g, long v) throws IOException {
    if (v >= 0) {
      g.writeNumber(v);
    } else {
      g.writeNumber(new BigInteger(Long.toUnsignedString(v)));
    }
  }

  /**
   * Reads an OCI seccomp profile file for this machine; the notes say what of it was not used.
   * Docker's {@code archMap}, {@code includes} and {@code excludes} are applied as Docker would for
   * this machine, except that rules only for processes with some capability are left out.
   */
  public static SeccompResult read(Path file) throws IOException {
    String text = dev.tailor.tracer.TextFiles.readUtf8(file, "a seccomp profile (OCI JSON)");
    return parse(
        text, file.toString(), SyscallTable.nativeArch(), System.getProperty("os.version"));
  }

  /** As {@link #read(Path)}, for bytes already read; {@code where} names them in errors. */
  public static SeccompResult read(byte[] json, String where) throws IOException {
    String text;
    try {
      text =
          java.nio.charset.StandardCharsets.UTF_8
              .newDecoder()
              .decode(java.nio.ByteBuffer.wrap(json))
              .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IOException(where + ": not UTF-8 text, so not a seccomp profile (OCI JSON)", e);
    }
    return parse(text, where, SyscallTable.nativeArch(), System.getProperty("os.version"));
  }

  /**
   * As {@link #read(Path)}, for a machine {@code unameArch} running kernel {@code kernelRelease}.
   */
  static SeccompResult parse(String json, String where, String unameArch, String kernelRelease)
      throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IOException(
          where
              + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
              + ": not valid JSON ("
              + firstLine(e.getOriginalMessage())
              + ")",
          e);
    }
    try {
      return new Reader(unameArch, kernelRelease).profile(root);
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": not an OCI seccomp profile: " + e.getMessage(), e);
    }
  }

  /** One read: collects notes while turning a JSON tree into a profile. */
  private static final class Reader {
    private final String unameArch;
    private final String goArch;
    private final String kernel;
    private final List<String> notes = new ArrayList<>();

    Reader(String unameArch, String kernel) {
      this.unameArch = unameArch;
      this.goArch = GOARCH.getOrDefault(unameArch, unameArch);
      this.kernel = kernel;
    }

    SeccompResult profile(JsonNode root) {
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("the top level is not a JSON object");
      }
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!Set.of(
                "defaultAction",
                "defaultErrnoRet",
                "architectures",
                "archMap",
                "flags",
                "syscalls",
                "listenerPath")
            .contains(f)) {
          notes.add("ignored field '" + f + "'");
        }
      }
      String defaultAction = string(root.get("defaultAction"), "defaultAction");
      int defaultErrno = errno(root.get("defaultErrnoRet"), "defaultErrnoRet");
      List<String> arches = strings(root.get("architectures"), "architectures");
      if (arches.isEmpty() && root.has("archMap")) {
        arches = fromArchMap(root.get("archMap"));
      } else if (root.has("archMap")) {
        notes.add("ignored 'archMap': 'architectures' is given");
      }
      List<String> flags = strings(root.get("flags"), "flags");
      String listenerPath =
          root.has("listenerPath") ? string(root.get("listenerPath"), "listenerPath") : "";
      List<SeccompProfile.Rule> rules = new ArrayList<>();
      JsonNode syscalls = root.get("syscalls");
      if (syscalls != null && !syscalls.isNull()) {
        if (!syscalls.isArray()) {
          throw new IllegalArgumentException("'syscalls' is not an array");
        }
        for (int i = 0; i < syscalls.size(); i++) {
          rule(syscalls.get(i), "syscalls[" + i + "]").ifPresent(rules::add);
        }
      }
      return new SeccompResult(
          new SeccompProfile(defaultAction, defaultErrno, arches, flags, rules, listenerPath),
          notes);
    }

    private List<String> fromArchMap(JsonNode archMap) {
      List<String> mine = SyscallTable.ociArchitectures(unameArch);
      if (archMap.isArray() && !mine.isEmpty()) {
        for (JsonNode entry : archMap) {
          if (mine.get(0).equals(entry.path("architecture").asText())) {
            List<String> out = new ArrayList<>();
            out.add(mine.get(0));
            out.addAll(strings(entry.get("subArchitectures"), "archMap subArchitectures"));
            return out;
          }
        }
      }
      notes.add(
          "'archMap' has no entry for "
              + unameArch
              + "; the filter covers the native architecture only");
      return List.of();
    }

    private Optional<SeccompProfile.Rule> rule(JsonNode r, String where) {
      if (!r.isObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!RULE_FIELDS.contains(f)) {
          notes.add("ignored field '" + f + "' in " + where);
        }
      }
      List<String> names = new ArrayList<>(strings(r.get("names"), where + ".names"));
      if (r.has("name")) {
        names.add(string(r.get("name"), where + ".name"));
      }
      String action = string(r.get("action"), where + ".action");
      int errno = errno(r.get("errnoRet"), where + ".errnoRet");
      List<SeccompProfile.Arg> args = new ArrayList<>();
      JsonNode a = r.get("args");
      if (a != null && !a.isNull()) {
        if (!a.isArray()) {
          throw new IllegalArgumentException(where + ".args is not an array");
        }
        for (int i = 0; i < a.size(); i++) {
          args.add(arg(a.get(i), where + ".args[" + i + "]"));
        }
      }
      String shown = where + " " + names;
      if (!applies(r.get("includes"), r.get("excludes"), shown)) {
        return Optional.empty();
      }
      return Optional.of(new SeccompProfile.Rule(names, action, errno, args));
    }

    /** Docker's conditions, decided for this machine; see {@link SeccompJson#read(Path)}. */
    private boolean applies(JsonNode includes, JsonNode excludes, String shown) {
      if (includes != null && includes.isObject()) {
        List<String> caps = strings(includes.get("caps"), "includes.caps");
        if (!caps.isEmpty()) {
          notes.add("left out " + shown + ": it applies only with " + String.join(", ", caps));
          return false;
        }
        List<String> arches = strings(includes.get("arches"), "includes.arches");
        if (!arches.isEmpty() && !arches.contains(goArch)) {
          return false; // a rule for another machine, as Docker drops it
        }
        String min = includes.path("minKernel").asText("");
        if (!min.isEmpty() && compareVersions(kernel, min) < 0) {
          notes.add("left out " + shown + ": it needs kernel " + min + ", this is " + kernel);
          return false;
        }
      }
      if (excludes != null && excludes.isObject()) {
        if (strings(excludes.get("arches"), "excludes.arches").contains(goArch)) {
          return false;
        }
        List<String> caps = strings(excludes.get("caps"), "excludes.caps");
        if (!caps.isEmpty()) {
          notes.add("kept " + shown + " as for a process without " + String.join(", ", caps));
        }
      }
      return true;
    }

    private SeccompProfile.Arg arg(JsonNode a, String where) {
      if (!a.isObject()) {
        throw new IllegalArgumentException(where + " is not an object");
      }
      for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!ARG_FIELDS.contains(f)) {
          notes.add("ignored field '" + f + "' in " + where);
        }
      }
      JsonNode index = a.get("index");
      if (index == null
          || !index.canConvertToInt()
          || !index.isIntegralNumber()
          || index.intValue() < 0
          || index.intValue() > 5) {
        throw new IllegalArgumentException(where + ".index must be a number from 0 to 5");
      }
      String op = string(a.get("op"), where + ".op");
      if (!op.startsWith("SCMP_CMP_")) {
        throw new IllegalArgumentException(where + ".op is not an SCMP_CMP_ name: " + op);
      }
      return new SeccompProfile.Arg(
          index.intValue(),
          unsigned(a.get("value"), where + ".value", true),
          unsigned(a.get("valueTwo"), where + ".valueTwo", false),
          op);
    }

    private static long unsigned(JsonNode n, String where, boolean required) {
      if (n == null || n.isNull()) {
        if (required) {
          throw new IllegalArgumentException(where + " is missing");
        }
        return 0;
      }
      if (!n.isIntegralNumber()) {
        throw new IllegalArgumentException(where + " is not a whole number");
      }
      BigInteger v = n.bigIntegerValue();
      if (v.signum() < 0 || v.compareTo(UINT64_MAX) > 0) {
        throw new IllegalArgumentException(where + " is not an unsigned 64-bit number: " + v);
      }
      return v.longValue();
    }

    private static int errno(JsonNode n, String where) {
      if (n == null || n.isNull()) {
        return SeccompProfile.NO_ERRNO;
      }
      if (!n.isIntegralNumber()
          || n.bigIntegerValue().signum() < 0
          || n.bigIntegerValue().compareTo(BigInteger.valueOf(UINT32_MAX)) > 0) {
        throw new IllegalArgumentException(where + " is not an unsigned 32-bit number: " + n);
      }
      long v = n.longValue();
      if (v > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(where + " is too large: " + v);
      }
      return (int) v;
    }

    private static String string(JsonNode n, String where) {
      if (n == null || n.isNull()) {
        throw new IllegalArgumentException(where + " is missing");
      }
      if (!n.isTextual()) {
        throw new IllegalArgumentException(where + " is not a string");
      }
      return n.textValue();
    }

    private static List<String> strings(JsonNode n, String where) {
      if (n == null || n.isNull()) {
        return List.of();
      }
      if (!n.isArray()) {
        throw new IllegalArgumentException(where + " is not an array of strings");
      }
      List<String> out = new ArrayList<>();
      for (JsonNode e : n) {
        if (!e.isTextual()) {
          throw new IllegalArgumentException(where + " is not an array of strings");
        }
        out.add(e.textValue());
      }
      return out;
    }
  }

  /** Compares dotted versions by their leading numbers: "6.1.0-18-amd64" vs "4.8". */
  static int compareVersions(String a, String b) {
    String[] x = a.split("[.-]");
    String[] y = b.split("[.-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Long.compare(leadingNumber(x, i), leadingNumber(y, i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static long leadingNumber(String[] parts, int i) {
    if (i >= parts.length) {
      return 0;
    }
    String s = parts[i];
    int end = 0;
    while (end < s.length() && end < 9 && Character.isDigit(s.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Long.parseLong(s.substring(0, end));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
