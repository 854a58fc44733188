package dev.tailor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tailor.deploy.store.ProfileStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tailor observe status}: which containers are in observe mode now. */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "status",
    description = {
      "List the containers the observe agent of STORE is observing now: one line each (id, name, profile, since, "
          + "calls seen that the profile lacks).",
      "Exit code: 0 the agent runs, 1 no agent runs for this store, 2 usage error."
    })
final class ObserveStatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StoreOption store;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ProfileStore s = store.store();
    Path file = ObserveCommand.statusFile(s);
    JsonNode root;
    try {
      root = JsonMapper.builder().build().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      return Main.fail(
          spec,
          "no observe agent has run for store "
              + s.root()
              + " (no "
              + file
              + "); start one: "
              + "tailor observe --store "
              + s.root(),
          null,
          1);
    }
    long pid = root.path("pid").asLong(0);
    boolean alive = pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    if (!alive) {
      return Main.fail(
          spec,
          "the observe agent of store "
              + s.root()
              + " (pid "
              + pid
              + ") is not running; "
              + "containers whose profile names its socket cannot start (or, through the hook, fall back to the kernel log)",
          null,
          1);
    }
    out.printf(
        "agent pid %d listening at %s%n",
        pid, ProfileStore.printable(root.path("socket").asText("")));
    int n = 0;
    for (JsonNode c : root.path("containers")) {
      n++;
      out.printf(
          "%s  %s  profile %s  since %s  %d calls (%d distinct) the profile lacks%n",
          ProfileStore.printable(c.path("id").asText("")),
          ProfileStore.printable(c.path("name").asText("")),
          ProfileStore.printable(c.path("profile").asText("")),
          ProfileStore.printable(c.path("since").asText("")),
          c.path("calls").asLong(0),
          c.path("distinctCalls").asLong(0));
    }
    out.printf("%d containers in observe mode%n", n);
    out.flush();
    return 0;
  }
}
