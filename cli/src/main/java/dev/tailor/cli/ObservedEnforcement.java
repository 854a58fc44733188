package dev.tailor.cli;

import dev.tailor.deploy.observe.ObserveAgent;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.generator.seccomp.SeccompProfile;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.backend.SignalRelay;
import dev.tailor.tracer.seccomp.SeccompException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code tailor enforce --observe DIR}: this tailor runs the observe agent on a private socket and
 * starts a second tailor that loads the profile with every call it refuses set to NOTIFY, hands the
 * notify fd to the agent exactly as runc does, and executes the command. The calls the profile
 * lacks run, and are written as the profile folder DIR when the command's processes are gone.
 */
final class ObservedEnforcement {
  /**
   * How long the agent waits for the command's descendants to let go of the filter after the
   * command exited.
   */
  private static final Duration LINGER = Duration.ofSeconds(2);

  /** The actions a profile refuses with, which observe mode turns into NOTIFY. */
  private static final Set<String> REFUSING =
      Set.of(
          "SCMP_ACT_ERRNO",
          "SCMP_ACT_KILL",
          "SCMP_ACT_KILL_THREAD",
          "SCMP_ACT_KILL_PROCESS",
          "SCMP_ACT_TRAP",
          "SCMP_ACT_TRACE");

  private ObservedEnforcement() {}

  /**
   * The profile on trial for a process: its default refusal becomes NOTIFY, so every call it would
   * refuse by default is reported and let run; its rules stay as written (an explicit refusal, such
   * as clone3's ENOSYS, is a decision, not a gap). Unlike a container (runc refuses NOTIFY as the
   * default), nothing needs listing by name, and argument values the profile does not allow are
   * observed too.
   */
  static SeccompProfile variant(SeccompProfile p) throws CommandException {
    if (!REFUSING.contains(p.defaultAction())) {
      throw new CommandException(
          "the profile's default action is "
              + p.defaultAction()
              + ", which refuses nothing: there is nothing to observe",
          Main.EXIT_TAILOR_FAILED);
    }
    return new SeccompProfile(
        "SCMP_ACT_NOTIFY", SeccompProfile.NO_ERRNO, p.architectures(), p.flags(), p.syscalls());
  }

  /**
   * The profile name an observed folder's recording gets: {@code name}, else the profile's folder,
   * else "observed".
   */
  static String name(Optional<String> name, Path seccomp) throws CommandException {
    if (name.isPresent()) {
      if (!ProfileStore.isValidProfileName(name.get())) {
        throw new CommandException(
            "--name "
                + ProfileStore.printable(name.get())
                + " is not a valid profile name: use "
                + Recording.NAME_CHARS
                + ", not starting with a dot",
            Main.EXIT_TAILOR_FAILED);
      }
      return name.get();
    }
    Path parent = seccomp.toAbsolutePath().normalize().getParent();
    String folder =
        parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
    return ProfileStore.isValidProfileName(folder) ? folder : "observed";
  }

  /** Runs {@code command} supervised; returns its exit code once DIR is written. */
  static int run(Path seccomp, Path dir, String name, List<String> command, PrintWriter err)
      throws CommandException {
    ProfileFolder.checkWritable(
        dir.toAbsolutePath().getParent() == null ? dir : dir.toAbsolutePath().getParent());
    Path tmp;
    try {
      tmp =
          Files.createTempDirectory(
              "tailor-observe-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new CommandException(
          "cannot create a folder for the observe socket: " + e.getMessage(),
          Main.EXIT_TAILOR_FAILED);
    }
    Path socket = tmp.resolve("observe.sock");
    ObserveAgent agent;
    try {
      agent =
          new ObserveAgent(
              new ObserveAgent.Settings(
                  socket, p -> dir, Optional.of(name), Optional.empty(), Duration.ofSeconds(5)),
              err);
      agent.start();
    } catch (IOException | SeccompException e) {
      throw new CommandException(
          "cannot start the observe agent: " + e.getMessage(), Main.EXIT_TAILOR_FAILED);
    }
    Thread accepting =
        new Thread(
            () -> {
              try {
                agent.run();
              } catch (IOException e) {
                err.println("tailor: observe agent: " + e.getMessage());
              }
            },
            "tailor-observe-accept");
    accepting.setDaemon(true);
    accepting.start();
    Process child;
    List<String> argv = childCommand(seccomp, socket, name, command);
    try {
      child = new ProcessBuilder(argv).inheritIO().start();
    } catch (IOException e) {
      agent.close();
      throw new CommandException(
          "cannot start the enforcing tailor: " + e.getMessage(), Main.EXIT_TAILOR_FAILED);
    }
    int exit;
    // The command is the child: a signal for it (a terminal's ^C reaches both) must not end the
    // agent first.
    try (SignalRelay relay =
        SignalRelay.install(
            (signal, fromTerminal, count) ->
                SignalRelay.forward((int) child.pid(), signal, fromTerminal, count))) {
      while (true) {
        try {
          exit = child.waitFor();
          break;
        } catch (InterruptedException e) {
          // keep waiting: the command decides when it ends
        }
      }
      try {
        agent.awaitIdle(LINGER);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    agent.close();
    try {
      Files.deleteIfExists(socket);
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      // an empty private folder in the temporary folder is harmless
    }
    err.println("tailor: observed calls the profile lacks are in " + dir);
    err.flush();
    return exit;
  }

  /** The second tailor: the same JVM and class path, told where to hand the notify fd. */
  private static List<String> childCommand(
      Path seccomp, Path socket, String name, List<String> command) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    argv.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
    String tmpdir = System.getProperty("jna.tmpdir");
    if (tmpdir != null) {
      argv.add("-Djna.tmpdir=" + tmpdir);
    }
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add(Main.class.getName());
    argv.addAll(
        List.of(
            "enforce",
            "--seccomp",
            seccomp.toString(),
            "--notify-socket",
            socket.toString(),
            "--name",
            name,
            "--"));
    argv.addAll(command);
    return argv;
  }
}
