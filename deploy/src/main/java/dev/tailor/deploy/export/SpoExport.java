package dev.tailor.deploy.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.generator.apparmor.AppArmorGenerator;
import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.apparmor.AppArmorProfile;
import dev.tailor.generator.apparmor.FileRule;
import dev.tailor.generator.apparmor.NetworkRule;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * security-profiles-operator resources ({@code security-profiles-operator.x-k8s.io/v1}, the version
 * its CRDs store): a {@code SeccompProfile} with exactly seccomp.json's rules, and an {@code
 * AppArmorProfile} in the operator's abstract form, made from recording.json.
 */
final class SpoExport {
  static final String API_VERSION = "security-profiles-operator.x-k8s.io/v1";
  private static final Set<String> PROFILE_FIELDS =
      Set.of("defaultAction", "defaultErrnoRet", "architectures", "flags", "syscalls");
  private static final Set<String> RULE_FIELDS = Set.of("names", "action", "errnoRet", "args");
  private static final Set<String> ARG_FIELDS = Set.of("index", "value", "valueTwo", "op");
  // The operator writes abstract paths into a profile of its own; only what needs no quoting goes
  // there.
  private static final Pattern PLAIN_PATH = Pattern.compile("[A-Za-z0-9/._*?@{},-]+");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SpoExport() {}

  static List<ObjectNode> resources(ProfileDir p, Consumer<String> notes) throws ExportException {
    List<ObjectNode> out = new ArrayList<>();
    out.add(seccomp(p));
    if (p.apparmorText().isPresent()) {
      if (p.recording().isPresent()) {
        out.add(apparmor(p, notes));
      } else {
        notes.accept(
            p.path()
                + ": no recording.json, so no AppArmorProfile (the operator's abstract form is made "
                + "from the recording)");
      }
    }
    return out;
  }

  static ObjectNode seccomp(ProfileDir p) throws ExportException {
    JsonNode s = p.seccomp();
    String where = p.path().resolve("seccomp.json").toString();
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!PROFILE_FIELDS.contains(f)) {
        throw new ExportException(
            where + ": field '" + f + "' has no place in the operator's SeccompProfile");
      }
    }
    ObjectNode spec = F.objectNode();
    JsonNode action = s.get("defaultAction");
    if (action == null || !action.isTextual()) {
      throw new ExportException(where + " has no defaultAction");
    }
    spec.put("defaultAction", action.asText());
    JsonNode errno = s.get("defaultErrnoRet");
    // The operator's spec has no defaultErrnoRet: its runtimes answer SCMP_ACT_ERRNO with EPERM
    // (1).
    if (errno != null && !(errno.canConvertToInt() && errno.asInt() == 1)) {
      throw new ExportException(
          where
              + ": defaultErrnoRet "
              + errno
              + " cannot be carried (the operator's "
              + "SeccompProfile has no such field; its default is EPERM, 1)");
    }
    copyArray(s, spec, "architectures");
    copyArray(s, spec, "flags");
    JsonNode syscalls = s.get("syscalls");
    if (syscalls != null) {
      ArrayNode rules = spec.putArray("syscalls");
      for (int i = 0; i < syscalls.size(); i++) {
        JsonNode r = syscalls.get(i);
        String at = where + ": syscalls[" + i + "]";
        ObjectNode rule = rules.addObject();
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
          String f = it.next();
          if (!RULE_FIELDS.contains(f)) {
            throw new ExportException(
                at + ": field '" + f + "' has no place in the operator's SeccompProfile");
          }
        }
        rule.put("action", r.path("action").asText());
        rule.set("names", r.path("names").deepCopy());
        if (r.has("errnoRet")) {
          rule.set("errnoRet", r.get("errnoRet").deepCopy());
        }
        if (r.has("args")) {
          ArrayNode args = rule.putArray("args");
          for (JsonNode a : r.get("args")) {
            for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
              String f = it.next();
              if (!ARG_FIELDS.contains(f)) {
                throw new ExportException(
                    at
                        + ": argument field '"
                        + f
                        + "' has no place in the operator's SeccompProfile");
              }
              // The CRD holds value and valueTwo as int64 (minimum 0): a 64-bit mask does not fit.
              JsonNode v = a.get(f);
              if ((f.equals("value") || f.equals("valueTwo"))
                  && v.isIntegralNumber()
                  && !v.canConvertToLong()) {
                throw new ExportException(
                    at
                        + ": argument "
                        + f
                        + " "
                        + v
                        + " is above what the operator's "
                        + "SeccompProfile holds (int64, at most "
                        + Long.MAX_VALUE
                        + ")");
              }
            }
            args.add(a.deepCopy());
          }
        }
      }
    }
    return resource("SeccompProfile", p.objectName(), spec);
  }

  static ObjectNode apparmor(ProfileDir p, Consumer<String> notes) throws ExportException {
    String text = p.apparmorText().orElseThrow();
    AppArmorProfile aa =
        AppArmorGenerator.generate(
                p.recording().orElseThrow(), AppArmorOptions.draft(p.recording().get().name()))
            .profile();
    TreeSet<String> executables = new TreeSet<>();
    TreeSet<String> libraries = new TreeSet<>();
    TreeSet<String> readOnly = new TreeSet<>();
    TreeSet<String> writeOnly = new TreeSet<>();
    TreeSet<String> readWrite = new TreeSet<>();
    List<String> skipped = new ArrayList<>();
    for (FileRule r : aa.files()) {
      String path = r.path().text();
      if (!PLAIN_PATH.matcher(path).matches()) {
        skipped.add(path);
        continue;
      }
      String perms = r.perms();
      boolean read = perms.contains("r");
      boolean write = perms.contains("w") || perms.contains("a");
      if (perms.contains("x")) {
        executables.add(path);
      } else if (perms.contains("m")) {
        libraries.add(path);
      } else if (read && write) {
        readWrite.add(path);
      } else if (write) {
        writeOnly.add(path);
      } else {
        readOnly.add(path);
      }
    }
    if (!skipped.isEmpty()) {
      notes.accept(
          "AppArmorProfile "
              + p.name()
              + ": "
              + skipped.size()
              + " path(s) with bytes outside "
              + "[A-Za-z0-9/._-] left out (the operator's abstract form cannot quote them): "
              + String.join(" ", skipped));
    }
    boolean tcp = false;
    boolean udp = false;
    boolean raw = false;
    List<String> other = new ArrayList<>();
    for (NetworkRule n : aa.network()) {
      boolean inet = n.family().equals("inet") || n.family().equals("inet6");
      if (inet && (n.type().equals("stream") || n.type().isEmpty())) {
        tcp = true;
      }
      if (inet && (n.type().equals("dgram") || n.type().isEmpty())) {
        udp = true;
      }
      if (n.type().equals("raw") || n.family().equals("packet")) {
        raw = true;
      } else if (!inet) {
        other.add(n.family() + (n.type().isEmpty() ? "" : " " + n.type()));
      }
    }
    if (!other.isEmpty()) {
      notes.accept(
          "AppArmorProfile "
              + p.name()
              + ": network rules without an abstract form: "
              + String.join(", ", other));
    }
    if (aa.abstractions().size() > 0) {
      notes.accept(
          "AppArmorProfile "
              + p.name()
              + ": the abstract form has no includes; what abstractions/"
              + String.join(", abstractions/", aa.abstractions())
              + " cover is not listed: review in Complain mode first");
    }
    ObjectNode spec = F.objectNode();
    ObjectNode abs = spec.putObject("abstract");
    if (!executables.isEmpty() || !libraries.isEmpty()) {
      ObjectNode e = abs.putObject("executable");
      strings(e, "allowedExecutables", executables);
      strings(e, "allowedLibraries", libraries);
    }
    if (!readOnly.isEmpty() || !writeOnly.isEmpty() || !readWrite.isEmpty()) {
      ObjectNode fs = abs.putObject("filesystem");
      strings(fs, "readOnlyPaths", readOnly);
      strings(fs, "writeOnlyPaths", writeOnly);
      strings(fs, "readWritePaths", readWrite);
    }
    if (tcp || udp || raw) {
      ObjectNode net = abs.putObject("network");
      if (raw) {
        net.put("allowRaw", true);
      }
      if (tcp || udp) {
        ObjectNode protocols = net.putObject("allowedProtocols");
        if (tcp) {
          protocols.put("allowTcp", true);
        }
        if (udp) {
          protocols.put("allowUdp", true);
        }
      }
    }
    if (!aa.capabilities().isEmpty()) {
      strings(abs.putObject("capability"), "allowedCapabilities", aa.capabilities());
    }
    spec.put("mode", text.contains("flags=(complain)") ? "Complain" : "Enforce");
    return resource("AppArmorProfile", p.objectName(), spec);
  }

  private static ObjectNode resource(String kind, String name, ObjectNode spec) {
    ObjectNode r = F.objectNode();
    r.put("apiVersion", API_VERSION);
    r.put("kind", kind);
    ObjectNode meta = r.putObject("metadata");
    meta.put("name", name);
    meta.putObject("labels").put("app.kubernetes.io/managed-by", "tailor");
    r.set("spec", spec);
    return r;
  }

  private static void copyArray(JsonNode from, ObjectNode to, String field) {
    JsonNode v = from.get(field);
    if (v != null && v.isArray() && !v.isEmpty()) {
      to.set(field, v.deepCopy());
    }
  }

  private static void strings(ObjectNode to, String field, java.util.Collection<String> values) {
    if (!values.isEmpty()) {
      ArrayNode a = to.putArray(field);
      values.forEach(a::add);
    }
  }
}
