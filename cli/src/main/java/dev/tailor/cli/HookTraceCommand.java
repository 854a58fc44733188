package dev.tailor.cli;

import dev.tailor.deploy.hook.ContainerLearning;
import dev.tailor.deploy.oci.OciException;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.backend.TraceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tailor hook trace}: the background tracer the learn hook starts; not for people. */
@Command(
    name = "trace",
    hidden = true,
    description =
        "Trace a container's init (started by 'tailor hook learn') and write STORE/NAME/ when it exits.")
final class HookTraceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--store", required = true)
  Path store;

  @Option(names = "--name", required = true)
  String name;

  @Option(names = "--pid", required = true)
  int pid;

  @Option(names = "--bundle", required = true)
  Path bundle;

  @Option(names = "--id", required = true)
  String id;

  @Option(names = "--runtime", defaultValue = "")
  String runtime;

  @Override
  public Integer call() {
    // Before the container's exec: a profile of this name written after this is of a container that
    // ran at the same time.
    Instant started = Instant.now();
    ProfileStore s = new ProfileStore(store);
    try {
      if (!ProfileStore.isValidProfileName(name) || !ProfileStore.isValidId(id)) {
        throw new CommandException("not a profile name or container id: " + name + " " + id);
      }
      Recording r =
          ContainerLearning.learn(
              new ContainerLearning.Request(name, pid, bundle, id, runtime),
              SyscallNames.resolver());
      ProfileOptions o = new ProfileOptions();
      o.out = s.root();
      o.apparmorMode = "complain";
      o.execMode = "ix";
      StoreWrite.Result w = StoreWrite.write(s, r, started, o);
      HookLearnCommand.log(
          spec,
          s,
          "container " + id,
          w.written().summary()
              + " for container "
              + id
              + (w.mergedWith() == 0
                  ? ""
                  : ", merged with the profile of "
                      + w.mergedWith()
                      + " container(s) learned as '"
                      + name
                      + "' while this one ran"));
      for (String warning : r.incompleteWarnings()) {
        HookLearnCommand.log(
            spec, s, "container " + id, "tailor: container " + id + ": warning: " + warning);
      }
      return 0;
    } catch (TraceException | OciException | CommandException e) {
      HookLearnCommand.log(
          spec, s, "container " + id, "tailor: container " + id + ": " + e.getMessage());
      return 1;
    } catch (RuntimeException e) {
      // The learn hook shows this log's last line to the user: one line, no stack trace.
      HookLearnCommand.log(
          spec,
          s,
          "container " + id,
          "tailor: container "
              + id
              + ": internal error ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse(""))
              + "); please report it");
      return 1;
    } finally {
      spec.commandLine().getErr().flush();
      try {
        Files.deleteIfExists(s.pending(id));
      } catch (IOException | IllegalArgumentException e) {
        // the wait hook also gives up once this process is gone
      }
    }
  }
}
