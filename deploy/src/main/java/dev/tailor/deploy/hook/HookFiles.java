package dev.tailor.deploy.hook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.store.ProfileStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hooks.d files (OCI hooks schema 1.0.0, as podman and CRI-O read them) that connect tailor to
 * containers: {@code tailor-learn.json} (prestart: trace a container annotated {@code
 * io.tailor.learn=NAME}), {@code tailor-learn-wait.json} (poststop: wait until its profile is
 * written) and {@code tailor-apply.json} (precreate: put the learned profile on the container).
 */
public final class HookFiles {
  /** The annotation that asks for a container to be learned; its value is the profile name. */
  public static final String LEARN_ANNOTATION = "io.tailor.learn";

  /** The PATH hooks run with: runtimes give hooks only the environment their file names. */
  static final String PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** One hook file: its name, and the stage, tailor subcommand and timeout it runs with. */
  public record Hook(
      String fileName,
      String stage,
      List<String> subcommand,
      int timeoutSeconds,
      String annotation) {
    public Hook {
      subcommand = List.copyOf(subcommand);
    }
  }

  /**
   * The prestart learn hook's timeout in its hooks.d file, in seconds: it starts a second JVM (the
   * tracer) and waits for strace to attach, which on a loaded machine takes far more than the 30 s
   * the other hooks have. The runtime (runc) kills a hook at this timeout; the hook gives up 5 s
   * before.
   */
  public static final int LEARN_TIMEOUT_SECONDS = 120;

  /** The learning hooks. */
  public static final List<Hook> LEARN =
      List.of(
          new Hook(
              "tailor-learn.json",
              "prestart",
              List.of("hook", "learn"),
              LEARN_TIMEOUT_SECONDS,
              LEARN_ANNOTATION),
          new Hook(
              "tailor-learn-wait.json",
              "poststop",
              List.of("hook", "wait"),
              120,
              LEARN_ANNOTATION));

  /**
   * The hook that confines containers with learned profiles: at precreate, for every container (a
   * binding rule may pick a profile by command or image, not only by annotation).
   */
  public static final List<Hook> APPLY =
      List.of(new Hook("tailor-apply.json", "precreate", List.of("hook", "apply"), 30, ""));

  private HookFiles() {}

  /** The JSON text of {@code hook}, run by {@code launcher} with the store {@code store}. */
  public static String json(Hook hook, Path launcher, ProfileStore store, Map<String, String> env) {
    ObjectNode root = OciJson.MAPPER.createObjectNode();
    root.put("version", "1.0.0");
    root.set("hook", ociHook(hook, launcher, store, env));
    ObjectNode when = root.putObject("when");
    if (hook.annotation().isEmpty()) {
      when.put("always", true);
    } else {
      // Any value: the hook itself refuses a name that is not a profile name, and says why in its
      // log.
      when.putObject("annotations").put("^" + hook.annotation().replace(".", "\\.") + "$", ".*");
    }
    root.putArray("stages").add(hook.stage());
    try {
      return OciJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * The runtime-spec hook entry ({@code path, args, env, timeout}) that runs {@code hook}: what a
   * hooks.d file holds under {@code "hook"}, and what tailor-runc puts in a config's own {@code
   * hooks}.
   */
  public static ObjectNode ociHook(
      Hook hook, Path launcher, ProfileStore store, Map<String, String> env) {
    ObjectNode h = OciJson.MAPPER.createObjectNode();
    h.put("path", launcher.toString());
    ArrayNode args = h.putArray("args");
    args.add("tailor");
    hook.subcommand().forEach(args::add);
    args.add("--store").add(store.root().toString());
    ArrayNode e = h.putArray("env");
    e.add(PATH);
    env.forEach((k, v) -> e.add(k + "=" + v));
    h.put("timeout", hook.timeoutSeconds());
    return h;
  }

  /**
   * Writes {@code hooks} into {@code hooksDir} and records them in its {@link InstalledHooks}
   * manifest; returns the hook files written.
   */
  public static List<Path> install(
      List<Hook> hooks, Path hooksDir, Path launcher, ProfileStore store, Map<String, String> env)
      throws IOException {
    if (!launcher.isAbsolute()) {
      throw new IllegalArgumentException("the launcher path must be absolute: " + launcher);
    }
    List<Path> created = new ArrayList<>(InstalledHooks.missingFolders(hooksDir));
    for (Path internal : store.internalFolders()) {
      created.addAll(InstalledHooks.missingFolders(internal));
    }
    Files.createDirectories(hooksDir);
    store.create();
    List<Path> written = new ArrayList<>();
    for (Hook h : hooks) {
      Path f = hooksDir.resolve(h.fileName());
      Path tmp = hooksDir.resolve("." + h.fileName() + ".tmp");
      Files.writeString(tmp, json(h, launcher, store, env), StandardCharsets.UTF_8);
      Files.move(
          tmp,
          f,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      written.add(f);
    }
    // what uninstall may remove: these files while their bytes are these, and the folder if made
    // here
    InstalledHooks.record(hooksDir, written, created);
    return written;
  }
}
