package dev.tailor.deploy.observe;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.tracer.seccomp.SeccompFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The runtime's side of the agent's socket, for {@code tailor enforce --observe}: connects to the
 * agent and prepares the message runc sends with a notify fd ({@code ContainerProcessState}, whose
 * state names the process by {@code id}), so that one agent serves containers and host processes.
 */
public final class NotifyHandoff {
  private NotifyHandoff() {}

  /** Connects to the agent at {@code socket}; the fd is sent once the filter is loaded. */
  public static SeccompFilter.Handoff connect(Path socket, String id) throws IOException {
    long pid = ProcessHandle.current().pid();
    JsonMapper json = JsonMapper.builder().build();
    ObjectNode state = json.createObjectNode();
    state.put("ociVersion", "1.0.2");
    state.put("id", id);
    state.put("status", "running");
    state.put("pid", pid);
    state.put("bundle", "");
    state.putObject("annotations");
    ObjectNode message = json.createObjectNode();
    message.put("ociVersion", "1.0.2");
    message.putArray("fds").add(Handover.SECCOMP_FD);
    message.put("pid", pid);
    message.put("metadata", "");
    message.set("state", state);
    int fd = UnixSocket.connect(socket);
    return new SeccompFilter.Handoff(
        fd, json.writeValueAsString(message).getBytes(StandardCharsets.UTF_8));
  }
}
