package dev.tailor.deploy.runc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.apply.AppArmorHost;
import dev.tailor.deploy.apply.ApplyException;
import dev.tailor.deploy.apply.HookApply;
import dev.tailor.deploy.hook.HookFiles;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.store.ProfileStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What tailor-runc does to a bundle before the real runtime's {@code create}: the work of tailor's
 * hooks.d files, for runtimes that read no hooks.d (Docker, containerd). The keys come from the
 * config's annotations ({@code io.tailor.profile}, {@code io.tailor.learn}) or, where the runtime
 * has no annotations (Docker 20.10), from the variables {@code TAILOR_PROFILE} and {@code
 * TAILOR_LEARN} of {@code process.env}, which are taken out of the environment and become those
 * annotations. A profile is then applied by {@link HookApply} (annotation, else bindings), and a
 * container to learn gets tailor's learn hooks (prestart, poststop) in the config's own {@code
 * hooks}, which the real runtime runs.
 */
public final class RuncBundle {
  /** The variable that names a container's profile where annotations do not reach the config. */
  public static final String PROFILE_VARIABLE = "TAILOR_PROFILE";

  /**
   * The variable that asks for a container to be learned where annotations do not reach the config.
   */
  public static final String LEARN_VARIABLE = "TAILOR_LEARN";

  private static final Map<String, String> ANNOTATION_OF =
      Map.of(PROFILE_VARIABLE, HookApply.ANNOTATION, LEARN_VARIABLE, HookFiles.LEARN_ANNOTATION);

  // Numbers stay exactly as the runtime wrote them (as HookApply reads the config).
  private static final ObjectMapper MAPPER =
      OciJson.MAPPER
          .copy()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(
              com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES,
              false);

  private RuncBundle() {}

  /**
   * The new config.
   *
   * @param config the whole config to write back
   * @param changed whether it differs from what the runtime proposed
   * @param learning the profile name the container is learned as, if any
   * @param notes one line each: what was done
   */
  public record Result(
      byte[] config, boolean changed, Optional<String> learning, List<String> notes) {
    public Result {
      config = config.clone();
      notes = List.copyOf(notes);
    }

    @Override
    public byte[] config() {
      return config.clone();
    }
  }

  /**
   * Rewrites {@code config} (a bundle's config.json). The learn hooks run {@code launcher} with the
   * store {@code store} and the variables {@code hookEnv}. Every doubt is an {@link
   * ApplyException}: the container must not be created.
   *
   * @param envKeys the variables ({@link #PROFILE_VARIABLE}, {@link #LEARN_VARIABLE}) the runtime's
   *     owner lets stand for annotations; any other of them in {@code process.env} is refused,
   *     since an image's own ENV reaches process.env exactly as {@code docker run -e} does
   */
  public static Result prepare(
      byte[] config,
      ProfileStore store,
      AppArmorHost apparmor,
      Optional<Path> launcher,
      Map<String, String> hookEnv,
      java.util.Set<String> envKeys)
      throws ApplyException {
    if (config.length > HookApply.MAX_CONFIG) {
      throw new ApplyException(
          "the bundle's config.json is larger than " + (HookApply.MAX_CONFIG >> 20) + " MB");
    }
    ObjectNode root = object(config);
    java.util.Set<String> moved = moveVariablesToAnnotations(root, envKeys);
    boolean fromEnv = !moved.isEmpty();
    byte[] proposed = fromEnv ? write(root) : config;
    HookApply.Result applied;
    try {
      applied = HookApply.apply(proposed, store, apparmor);
    } catch (ApplyException e) {
      if (moved.contains(PROFILE_VARIABLE)) {
        throw new ApplyException(
            e.getMessage() + " (the annotation came from " + PROFILE_VARIABLE + " in process.env)",
            e);
      }
      throw e;
    }
    List<String> notes = new ArrayList<>(applied.notes());
    ObjectNode after = object(applied.config());
    Optional<String> learn =
        Optional.ofNullable(after.path("annotations").get(HookFiles.LEARN_ANNOTATION))
            .map(JsonNode::asText);
    if (learn.isEmpty()) {
      boolean changed = fromEnv || applied.profile().isPresent();
      return new Result(applied.config(), changed, Optional.empty(), notes);
    }
    if (!ProfileStore.isValidProfileName(learn.get())) {
      throw new ApplyException(
          HookFiles.LEARN_ANNOTATION
              + "="
              + ProfileStore.printable(learn.get())
              + " is not a profile name (only letters, digits, '.', '_', '-', not starting with '.')");
    }
    if (launcher.isEmpty() || !launcher.get().isAbsolute()) {
      throw new ApplyException(
          "no absolute path of the tailor launcher for the learn hooks to run ("
              + launcher.map(Path::toString).orElse("none given")
              + "); give tailor-runc the launcher through TAILOR=PATH");
    }
    JsonNode hooksNode = after.get("hooks");
    if (hooksNode != null && !hooksNode.isObject()) {
      throw new ApplyException("the config's \"hooks\" is not an object");
    }
    ObjectNode hooks = hooksNode == null ? after.putObject("hooks") : (ObjectNode) hooksNode;
    for (HookFiles.Hook h : HookFiles.LEARN) {
      JsonNode stage = hooks.get(h.stage());
      if (stage != null && !stage.isArray()) {
        throw new ApplyException("the config's hooks." + h.stage() + " is not an array");
      }
      ArrayNode list = stage == null ? hooks.putArray(h.stage()) : (ArrayNode) stage;
      list.add(HookFiles.ociHook(h, launcher.get(), store, hookEnv));
    }
    notes.add(
        "tailor: learning the container as '"
            + learn.get()
            + "' ("
            + store.folder(learn.get())
            + "): tailor's learn hooks added to the config's prestart and poststop hooks");
    return new Result(write(after), true, learn, notes);
  }

  /**
   * Replaces {@code DIR/config.json} with {@code config} atomically (a new file renamed over it,
   * with the old one's permissions), so the runtime reads the old config or the new one, never a
   * part.
   */
  public static void replaceConfig(Path bundle, byte[] config) throws IOException {
    Path file = bundle.resolve("config.json");
    Path tmp = bundle.resolve(".config.json.tailor-" + ProcessHandle.current().pid());
    try {
      Files.write(tmp, config);
      Files.setPosixFilePermissions(
          tmp, Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Takes every {@code TAILOR_PROFILE=} and {@code TAILOR_LEARN=} out of {@code process.env} and
   * puts its value in the annotation it stands for. Returns the variables found.
   */
  private static java.util.Set<String> moveVariablesToAnnotations(
      ObjectNode root, java.util.Set<String> envKeys) throws ApplyException {
    JsonNode env = root.path("process").path("env");
    if (!env.isArray()) {
      return java.util.Set.of();
    }
    ArrayNode kept = MAPPER.createArrayNode();
    Map<String, String> found = new java.util.TreeMap<>();
    for (JsonNode entry : env) {
      String text = entry.asText();
      int eq = text.indexOf('=');
      String key = eq < 0 ? text : text.substring(0, eq);
      if (!ANNOTATION_OF.containsKey(key)) {
        kept.add(entry);
        continue;
      }
      if (!envKeys.contains(key)) {
        throw new ApplyException(
            "process.env sets "
                + key
                + ", but this tailor-runc takes no "
                + key
                + " from the environment (an image's own ENV would reach it too): bind the container in the store's "
                + "bindings.json, or let tailor-runc take it with --tailor-env-keys "
                + key.substring("TAILOR_".length()).toLowerCase(java.util.Locale.ROOT));
      }
      String value = eq < 0 ? "" : text.substring(eq + 1);
      String before = found.put(key, value);
      if (before != null && !before.equals(value)) {
        throw new ApplyException(
            "process.env sets "
                + key
                + " twice ("
                + ProfileStore.printable(before)
                + ", "
                + ProfileStore.printable(value)
                + "); give it once");
      }
    }
    if (found.isEmpty()) {
      return java.util.Set.of();
    }
    ((ObjectNode) root.get("process")).set("env", kept);
    JsonNode a = root.get("annotations");
    if (a != null && !a.isObject()) {
      throw new ApplyException("the config's \"annotations\" is not an object");
    }
    ObjectNode annotations = a == null ? root.putObject("annotations") : (ObjectNode) a;
    for (Map.Entry<String, String> e : found.entrySet()) {
      String key = ANNOTATION_OF.get(e.getKey());
      JsonNode given = annotations.get(key);
      if (given != null && !given.asText().equals(e.getValue())) {
        throw new ApplyException(
            "the annotation "
                + key
                + "="
                + ProfileStore.printable(given.asText())
                + " and the variable "
                + e.getKey()
                + "="
                + ProfileStore.printable(e.getValue())
                + " disagree; give one");
      }
      annotations.put(key, e.getValue());
    }
    return found.keySet();
  }

  private static ObjectNode object(byte[] json) throws ApplyException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
      throw new ApplyException(
          "the bundle's config.json is not JSON ("
              + (m == null ? "" : m.lines().findFirst().orElse(""))
              + ")",
          e);
    }
    if (node == null || !node.isObject()) {
      throw new ApplyException("the bundle's config.json is not a JSON object");
    }
    return (ObjectNode) node;
  }

  private static byte[] write(ObjectNode root) throws ApplyException {
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new ApplyException("cannot write the OCI config: " + e.getOriginalMessage(), e);
    }
  }
}
