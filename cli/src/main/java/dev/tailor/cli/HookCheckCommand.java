package dev.tailor.cli;

import dev.tailor.deploy.apply.StoreCheck;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tailor hook check}: whether a store is one the apply hook accepts, before a container
 * meets it.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    name = "check",
    description = {
      "Check the profile store as 'hook apply' reads it: STORE/bindings.json (an error names file:line:column), "
          + "that every profile a rule names is there, and every profile folder's seccomp.json (valid for this "
          + "machine) and apparmor.profile. One line per problem on stderr.",
      "Exit code: 0 all good, 1 a problem found."
    },
    sortOptions = false)
final class HookCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin StoreOption store;

  @Override
  public Integer call() {
    StoreCheck.Findings f = StoreCheck.check(store.store());
    for (String p : f.passed()) {
      spec.commandLine().getErr().println("tailor: " + p + ": ok");
    }
    for (String p : f.problems()) {
      spec.commandLine().getErr().println("tailor: " + p);
    }
    spec.commandLine()
        .getErr()
        .println(
            "tailor: "
                + store.store().root()
                + ": "
                + f.passed().size()
                + " profiles ok, "
                + f.problems().size()
                + " problem"
                + (f.problems().size() == 1 ? "" : "s"));
    spec.commandLine().getErr().flush();
    return f.problems().isEmpty() ? 0 : 1;
  }
}
