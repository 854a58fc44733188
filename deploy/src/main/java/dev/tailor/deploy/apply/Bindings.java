package dev.tailor.deploy.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.tracer.Recording;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The store's {@code bindings.json}: rules that pick a profile for a container that names none,
 * like the operator's ProfileBinding but for any runtime. The first rule whose conditions all hold
 * wins. Every condition is a regular expression that must match the whole value, so {@code "web"}
 * does not match {@code webhook}. A file that cannot be read whole is an error, never "no rules": a
 * typo must not start containers unconfined.
 */
public record Bindings(List<Binding> rules) {
  private static final Set<String> FIELDS =
      Set.of("profile", "mode", "annotations", "image", "arg0", "command", "comment");

  public Bindings {
    rules = List.copyOf(rules);
  }

  /**
   * One rule.
   *
   * @param annotations annotation key (exact) -> pattern its value must match
   * @param image pattern for the image annotation, empty for any
   * @param arg0 pattern for {@code process.args[0]}, empty for any
   * @param command pattern for the args joined by spaces, empty for any
   * @param observe whether the profile is put on trial ({@code "mode": "observe"}) rather than
   *     enforced
   */
  public record Binding(
      String profile,
      Map<String, Pattern> annotations,
      Optional<Pattern> image,
      Optional<Pattern> arg0,
      Optional<Pattern> command,
      boolean observe) {
    public Binding {
      if (!Recording.isValidName(profile)) {
        throw new IllegalArgumentException("bad profile name " + profile);
      }
      annotations = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
      if (annotations.isEmpty() && image.isEmpty() && arg0.isEmpty() && command.isEmpty()) {
        throw new IllegalArgumentException("a binding needs a condition");
      }
    }

    boolean matches(Container c) {
      for (Map.Entry<String, Pattern> e : annotations.entrySet()) {
        String v = c.annotations().get(e.getKey());
        if (v == null || !e.getValue().matcher(v).matches()) {
          return false;
        }
      }
      if (image.isPresent()
          && !c.image().map(i -> image.get().matcher(i).matches()).orElse(false)) {
        return false;
      }
      if (arg0.isPresent() && !arg0.get().matcher(c.arg0()).matches()) {
        return false;
      }
      return command.isEmpty() || command.get().matcher(c.command()).matches();
    }
  }

  /** No rules: what a store without a bindings file has. */
  public static final Bindings NONE = new Bindings(List.of());

  /** Reads {@code file}; a missing file is {@link #NONE}, anything else that is wrong an error. */
  public static Bindings read(Path file) throws ApplyException {
    if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return NONE;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new ApplyException(
          "cannot read the bindings file " + file + " (" + e.getMessage() + ")", e);
    }
    return parse(bytes, file.toString());
  }

  /** Parses a bindings document; {@code where} names it in errors. */
  public static Bindings parse(byte[] json, String where) throws ApplyException {
    JsonNode root;
    try {
      root = OciJson.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new ApplyException(
          where
              + (at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr())
              + ": not JSON ("
              + firstLine(e.getOriginalMessage())
              + ")",
          e);
    } catch (java.io.IOException e) {
      throw new ApplyException("cannot read " + where + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject() || !root.path("bindings").isArray()) {
      throw new ApplyException(where + ": expected {\"bindings\": [ ... ]}");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("bindings") && !f.equals("comment")) {
        throw new ApplyException(where + ": unknown field \"" + ProfileStore.printable(f) + "\"");
      }
    }
    List<Binding> rules = new ArrayList<>();
    JsonNode list = root.get("bindings");
    List<Integer> lines = ruleLines(json);
    for (int i = 0; i < list.size(); i++) {
      String line = i < lines.size() ? ":" + lines.get(i) : "";
      rules.add(binding(list.get(i), where + line + ": bindings[" + i + "]"));
    }
    return new Bindings(rules);
  }

  private static Binding binding(JsonNode n, String where) throws ApplyException {
    if (!n.isObject()) {
      throw new ApplyException(where + " is not an object");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new ApplyException(
            where
                + ": unknown field \""
                + ProfileStore.printable(f)
                + "\" (known: profile, "
                + "mode, annotations, image, arg0, command, comment)");
      }
    }
    JsonNode p = n.get("profile");
    if (p == null || !p.isTextual() || !Recording.isValidName(p.asText())) {
      throw new ApplyException(where + ": \"profile\" must be a profile name ([A-Za-z0-9._-])");
    }
    Map<String, Pattern> annotations = new LinkedHashMap<>();
    JsonNode a = n.get("annotations");
    if (a != null) {
      if (!a.isObject()) {
        throw new ApplyException(where + ": \"annotations\" must be an object of key -> pattern");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        annotations.put(
            e.getKey(), pattern(e.getValue(), where + ": annotations." + e.getKey()).orElseThrow());
      }
    }
    Optional<Pattern> image = pattern(n.get("image"), where + ": image");
    Optional<Pattern> arg0 = pattern(n.get("arg0"), where + ": arg0");
    Optional<Pattern> command = pattern(n.get("command"), where + ": command");
    if (annotations.isEmpty() && image.isEmpty() && arg0.isEmpty() && command.isEmpty()) {
      throw new ApplyException(
          where
              + ": give at least one of annotations, image, arg0, command (a rule that "
              + "matches every container is not allowed)");
    }
    JsonNode mode = n.get("mode");
    if (mode != null
        && !(mode.isTextual()
            && (mode.asText().equals("enforce") || mode.asText().equals("observe")))) {
      throw new ApplyException(
          where + ": \"mode\" must be \"enforce\" (the default) or \"observe\"");
    }
    return new Binding(
        p.asText(),
        annotations,
        image,
        arg0,
        command,
        mode != null && mode.asText().equals("observe"));
  }

  private static Optional<Pattern> pattern(JsonNode v, String where) throws ApplyException {
    if (v == null) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new ApplyException(where + " must be a string (a regular expression)");
    }
    try {
      return Optional.of(Pattern.compile(v.asText()));
    } catch (PatternSyntaxException e) {
      throw new ApplyException(
          where + ": bad regular expression (" + firstLine(e.getDescription()) + ")", e);
    }
  }

  /**
   * The line each element of the top-level "bindings" array starts on (the JSON is known to parse).
   */
  private static List<Integer> ruleLines(byte[] json) {
    List<Integer> lines = new ArrayList<>();
    try (com.fasterxml.jackson.core.JsonParser p = OciJson.MAPPER.getFactory().createParser(json)) {
      int depth = 0;
      boolean inBindings = false;
      String field = "";
      for (com.fasterxml.jackson.core.JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
          field = depth == 1 ? p.currentName() : field;
          continue;
        }
        if (inBindings && depth == 2 && (t.isStructStart() || t.isScalarValue())) {
          lines.add(p.currentTokenLocation().getLineNr());
        }
        if (t.isStructStart()) {
          depth++;
          if (depth == 2
              && t == com.fasterxml.jackson.core.JsonToken.START_ARRAY
              && field.equals("bindings")) {
            inBindings = true;
          }
        } else if (t.isStructEnd()) {
          depth--;
          if (depth == 1) {
            inBindings = false;
          }
        }
      }
    } catch (java.io.IOException e) {
      // Without lines the messages still name the rule by its index.
    }
    return lines;
  }

  /**
   * The profile a container with these annotations (or labels) and args is observed against, by
   * these rules: the first matching rule's profile when that rule is in observe mode.
   */
  public Optional<String> observedProfile(Map<String, String> annotations, List<String> args) {
    return select(new Container(new java.util.TreeMap<>(annotations), args))
        .filter(Binding::observe)
        .map(Binding::profile);
  }

  /** The first rule that matches {@code c}. */
  Optional<Binding> select(Container c) {
    return rules.stream().filter(b -> b.matches(c)).findFirst();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
