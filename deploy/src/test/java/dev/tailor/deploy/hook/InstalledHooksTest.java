package dev.tailor.deploy.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.deploy.store.ProfileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hook install records what it wrote; uninstall removes exactly that, and nothing a user changed or
 * added.
 */
class InstalledHooksTest {
  @TempDir Path tmp;

  private static List<String> tree(Path root) throws Exception {
    List<String> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(root)) {
      s.forEach(p -> all.add(root.relativize(p).toString()));
    }
    all.sort(null);
    return all;
  }

  private List<Path> install(Path hooks, Path store) throws Exception {
    List<HookFiles.Hook> all = new ArrayList<>(HookFiles.LEARN);
    all.addAll(HookFiles.APPLY);
    return HookFiles.install(
        all, hooks, tmp.resolve("bin/tailor"), new ProfileStore(store), Map.of());
  }

  @Test
  void uninstall_afterInstallIntoNewFolders_leavesNothingBehind() throws Exception {
    Files.createDirectories(tmp.resolve("etc"));
    List<String> before = tree(tmp);
    install(tmp.resolve("etc/containers/oci/hooks.d"), tmp.resolve("var/lib/tailor/profiles"));
    install(
        tmp.resolve("etc/containers/oci/hooks.d"),
        tmp.resolve("var/lib/tailor/profiles")); // again: same record
    assertTrue(
        Files.isRegularFile(tmp.resolve("etc/containers/oci/hooks.d/" + InstalledHooks.MANIFEST)));
    InstalledHooks.Removal r =
        InstalledHooks.read(tmp.resolve("etc/containers/oci/hooks.d"))
            .orElseThrow()
            .uninstall(tmp.resolve("etc/containers/oci/hooks.d"));
    assertEquals(List.of(), r.kept());
    assertEquals(before, tree(tmp));
  }

  @Test
  void uninstall_keepsWhatWasThereBefore_changedFiles_andLearnedProfiles() throws Exception {
    Path hooks = Files.createDirectories(tmp.resolve("hooks.d"));
    Files.writeString(hooks.resolve("other-tool.json"), "{}");
    Path store = tmp.resolve("store");
    List<Path> written = install(hooks, store);
    assertEquals(3, written.size());
    Files.writeString(hooks.resolve("tailor-learn.json"), "{\"edited\": true}");
    Files.createDirectories(store.resolve("web"));
    InstalledHooks.Removal r = InstalledHooks.read(hooks).orElseThrow().uninstall(hooks);
    assertEquals(
        List.of("hooks.d", "hooks.d/other-tool.json", "hooks.d/tailor-learn.json"),
        tree(tmp).stream().filter(p -> p.startsWith("hooks.d")).toList());
    assertTrue(
        r.kept().stream().anyMatch(k -> k.contains("tailor-learn.json") && k.contains("changed")),
        r.kept().toString());
    assertTrue(Files.isDirectory(store.resolve("web")), "a learned profile is never removed");
    assertFalse(
        Files.exists(store.resolve(".tailor/learning")), "the empty folders install made are");
    assertTrue(r.kept().stream().anyMatch(k -> k.startsWith(store + " ")), r.kept().toString());
    assertTrue(InstalledHooks.read(hooks).isEmpty(), "the manifest is gone");
  }
}
