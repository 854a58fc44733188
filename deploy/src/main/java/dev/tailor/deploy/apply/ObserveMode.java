package dev.tailor.deploy.apply;

import dev.tailor.generator.seccomp.ObserveVariant;
import dev.tailor.generator.seccomp.SeccompProfile;
import dev.tailor.tracer.seccomp.SeccompException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the precreate hook puts a profile on trial: its notify variant with {@code listenerPath} at
 * the observe agent's socket when the agent answers there, else its log variant, so that a missing
 * agent never stops a container (runc does not start a container whose listener does not answer).
 *
 * @param socket the agent's unix socket ({@code tailor observe --store S} listens on {@code
 *     S/.tailor/observe.sock} by default)
 */
public record ObserveMode(Path socket) {
  /** The annotation that puts a container's profile on trial: {@code io.tailor.observe=NAME}. */
  public static final String ANNOTATION = "io.tailor.observe";

  public ObserveMode {
    socket = socket.toAbsolutePath().normalize();
  }

  /** The agent's default socket for the store {@code store}. */
  public static Path defaultSocket(Path store) {
    return store.toAbsolutePath().normalize().resolve(".tailor").resolve("observe.sock");
  }

  /** The variant to apply and the hook log's line saying what was done. */
  record Applied(SeccompProfile profile, String note) {}

  /** The observe variant of {@code learned}, profile {@code name}, chosen by {@code why}. */
  Applied variant(SeccompProfile learned, String name, String why) throws ApplyException {
    // The hook log keeps 200 characters of a line: what was done comes first, the socket's path
    // last.
    String trial = "profile '" + name + "' (" + why + ") on trial, not enforced; ";
    try {
      Optional<String> silence = unanswered();
      if (silence.isEmpty()) {
        return new Applied(
            ObserveVariant.notifying(learned, socket.toString()),
            "tailor: observe mode, SCMP_ACT_NOTIFY: "
                + trial
                + "calls it lacks run and go to the agent at "
                + socket);
      }
      return new Applied(
          ObserveVariant.logging(learned),
          "tailor: observe mode, SCMP_ACT_LOG (no agent): "
              + trial
              + "calls it lacks run and go to the kernel log "
              + "(tailor observe --kernel-log); the agent at "
              + socket
              + " does not answer: "
              + silence.get());
    } catch (SeccompException e) {
      throw new ApplyException(
          "profile '" + name + "': cannot make its observe variant: " + e.getMessage(), e);
    }
  }

  /** Why the agent does not answer on the socket, empty when a connection succeeds. */
  Optional<String> unanswered() {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      String m = e.getMessage();
      return Optional.of(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }
  }
}
