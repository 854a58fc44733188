package dev.tailor.deploy.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.deploy.store.StoreException;
import dev.tailor.deploy.store.StoredProfile;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompProfile;
import dev.tailor.tracer.Recording;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The precreate hook's work: given the proposed OCI config, pick the container's learned profile
 * (the {@code io.tailor.profile} annotation, else the store's bindings) and return the config with
 * {@code linux.seccomp} replaced and, where the kernel has AppArmor, {@code
 * process.apparmorProfile} set. Nothing else of the config changes. Every doubt about a profile
 * that was asked for is an {@link ApplyException}, so the runtime does not start the container
 * unconfined.
 */
public final class HookApply {
  /** The annotation that names a container's profile in the store. */
  public static final String ANNOTATION = "io.tailor.profile";

  static final String SECCOMP_FILE = "seccomp.json";
  static final String APPARMOR_FILE = "apparmor.profile";

  /** A config larger than this is not one a runtime proposed. */
  public static final int MAX_CONFIG = 16 << 20;

  // Big decimals keep every number of the config exactly as given; the rest is OciJson's
  // strictness.
  private static final ObjectMapper MAPPER =
      OciJson.MAPPER
          .copy()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(
              com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES,
              false);

  private HookApply() {}

  /**
   * What the hook writes back.
   *
   * @param config the whole config for stdout
   * @param profile the profile applied, empty when the config passed through unchanged
   * @param notes one line each for stderr: what was applied and what was left as it was
   */
  public record Result(byte[] config, Optional<String> profile, List<String> notes) {
    public Result {
      config = config.clone();
      notes = List.copyOf(notes);
    }

    @Override
    public byte[] config() {
      return config.clone();
    }
  }

  /** Rewrites {@code config} (the bytes a runtime gave on stdin) with the store's profile. */
  public static Result apply(byte[] config, ProfileStore store, AppArmorHost apparmor)
      throws ApplyException {
    return apply(config, store, apparmor, new ObserveMode(ObserveMode.defaultSocket(store.root())));
  }

  /**
   * As {@link #apply(byte[], ProfileStore, AppArmorHost)}, with the observe agent at {@code
   * observe}.
   */
  public static Result apply(
      byte[] config, ProfileStore store, AppArmorHost apparmor, ObserveMode observe)
      throws ApplyException {
    if (config.length > MAX_CONFIG) {
      throw new ApplyException(
          "the OCI config on stdin is larger than " + (MAX_CONFIG >> 20) + " MB");
    }
    ObjectNode root = object(config, "the OCI config on stdin");
    Optional<Choice> choice = choose(container(root), store);
    if (choice.isEmpty()) {
      return new Result(config, Optional.empty(), List.of());
    }
    String name = choice.get().name();
    String why = choice.get().why();
    StoredProfile stored = readProfile(store, name, why);
    List<String> notes = new ArrayList<>();
    Path seccompFile = stored.path(SECCOMP_FILE);
    byte[] seccompBytes =
        stored
            .file(SECCOMP_FILE)
            .orElseThrow(
                () -> new ApplyException("profile '" + name + "': " + seccompFile + " is missing"));
    for (String w : SeccompCheck.check(seccompBytes, seccompFile, name)) {
      notes.add("tailor: profile '" + name + "': " + w);
    }
    ObjectNode seccomp = object(seccompBytes, seccompFile.toString());
    if (choice.get().observe()) {
      ObserveMode.Applied trial = observe.variant(learned(seccompFile, name), name, why);
      seccomp =
          object(
              SeccompJson.toJson(trial.profile()).getBytes(StandardCharsets.UTF_8),
              seccompFile.toString());
      notes.add(trial.note());
    }

    JsonNode linux = root.get("linux");
    if (linux != null && !linux.isObject()) {
      throw new ApplyException("the OCI config's \"linux\" is not an object");
    }
    JsonNode process = root.get("process");
    if (process != null && !process.isObject()) {
      throw new ApplyException("the OCI config's \"process\" is not an object");
    }
    Optional<String> apparmorName = Optional.empty();
    if (apparmor.enabled()) {
      if (process == null) {
        throw new ApplyException("the OCI config has no \"process\" to set an AppArmor profile on");
      }
      Path aaFile = stored.path(APPARMOR_FILE);
      byte[] aaBytes =
          stored
              .file(APPARMOR_FILE)
              .orElseThrow(
                  () -> new ApplyException("profile '" + name + "': " + aaFile + " is missing"));
      String aa =
          apparmorProfileName(new String(aaBytes, StandardCharsets.UTF_8))
              .orElseThrow(
                  () ->
                      new ApplyException(
                          "profile '"
                              + name
                              + "': "
                              + aaFile
                              + " has no \"profile NAME\" line with a valid name"));
      apparmor.load(aaBytes, aaFile);
      apparmorName = Optional.of(aa);
    }

    ObjectNode linuxNode = linux == null ? root.putObject("linux") : (ObjectNode) linux;
    linuxNode.set("seccomp", seccomp);
    String how = "tailor: applied profile '" + name + "' (" + why + "): seccomp " + seccompFile;
    if (apparmorName.isPresent()) {
      ((ObjectNode) process).put("apparmorProfile", apparmorName.get());
      notes.add(
          0,
          how + ", AppArmor profile " + apparmorName.get() + " (loaded with apparmor_parser -r)");
    } else {
      notes.add(
          0,
          how
              + "; AppArmor is not enabled in this kernel, so process.apparmorProfile is left as it was");
    }
    try {
      return new Result(MAPPER.writeValueAsBytes(root), Optional.of(name), notes);
    } catch (JsonProcessingException e) {
      throw new ApplyException("cannot write the OCI config: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The profile a container gets and how: {@code io.tailor.profile=NAME} (enforced), else {@code
   * io.tailor.observe=NAME} (on trial), else the first matching rule of the bindings with its mode.
   * An enforcing annotation wins over an observing one: an extra annotation never weakens a
   * profile.
   */
  record Choice(String name, String why, boolean observe) {}

  static Optional<Choice> choose(Container container, ProfileStore store) throws ApplyException {
    String enforced = container.annotations().get(ANNOTATION);
    if (enforced != null) {
      return Optional.of(new Choice(enforced, "annotation " + ANNOTATION, false));
    }
    String observed = container.annotations().get(ObserveMode.ANNOTATION);
    if (observed != null) {
      return Optional.of(new Choice(observed, "annotation " + ObserveMode.ANNOTATION, true));
    }
    Bindings bindings = Bindings.read(store.bindingsFile());
    Optional<Bindings.Binding> rule = bindings.select(container);
    return rule.map(
        b ->
            new Choice(
                b.profile(),
                "rule " + (bindings.rules().indexOf(b) + 1) + " of " + store.bindingsFile(),
                b.observe()));
  }

  private static SeccompProfile learned(Path seccompFile, String name) throws ApplyException {
    try {
      return SeccompJson.read(seccompFile).profile();
    } catch (IOException e) {
      throw new ApplyException("profile '" + name + "': " + e.getMessage(), e);
    }
  }

  /** The name in a profile's first {@code profile NAME} line, if it is a valid name. */
  public static Optional<String> apparmorProfileName(String text) {
    for (String line : text.split("\n")) {
      String t = line.strip();
      if (t.startsWith("profile ")) {
        String[] words = t.split("\\s+");
        if (words.length >= 2 && Recording.isValidName(words[1])) {
          return Optional.of(words[1]);
        }
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static ObjectNode object(byte[] json, String what) throws ApplyException {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ApplyException(
          what + " is not JSON (" + firstLine(e.getOriginalMessage()) + ")", e);
    } catch (IOException e) {
      throw new ApplyException("cannot read " + what + ": " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new ApplyException(what + " is not a JSON object");
    }
    return (ObjectNode) node;
  }

  private static Container container(ObjectNode root) {
    TreeMap<String, String> annotations = new TreeMap<>();
    JsonNode a = root.path("annotations");
    for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isTextual()) {
        annotations.put(e.getKey(), e.getValue().asText());
      }
    }
    List<String> args = new ArrayList<>();
    for (JsonNode n : root.path("process").path("args")) {
      args.add(n.asText());
    }
    return new Container(annotations, args);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * The profile's two files, read once through one open folder: what is checked is what is applied.
   */
  private static StoredProfile readProfile(ProfileStore store, String name, String why)
      throws ApplyException {
    try {
      return store.readProfile(name, why, List.of(SECCOMP_FILE, APPARMOR_FILE));
    } catch (StoreException e) {
      throw new ApplyException(e.getMessage(), e);
    }
  }
}
