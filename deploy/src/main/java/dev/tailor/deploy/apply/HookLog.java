package dev.tailor.deploy.apply;

import dev.tailor.deploy.store.ProfileStore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tailor.deploy.oci.OciJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The hook's own log. podman 4 sends a precreate hook's stderr to /dev/null and reports only
 * "exit status 1", so the line saying why a container was refused (or which profile it got) is
 * also appended here, with the container's short id (its hostname at precreate) and command.
 */
public final class HookLog {
  private HookLog() {}

  /** The log of the store {@code store}: in its internal folder, beside the learn hook's logs. */
  public static Path in(Path store) {
    return store.resolve(".tailor").resolve("logs").resolve("apply.log");
  }

  /** Appends {@code message} about the container in {@code config}; never fails the hook. */
  public static void append(Path file, byte[] config, String message) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      String line = Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + container(config) + ": "
          + ProfileStore.printable(message) + "\n";
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      // The log only explains; the exit code is what keeps the container from starting.
    }
  }

  private static String container(byte[] config) {
    try {
      JsonNode root = OciJson.MAPPER.readTree(config);
      if (root == null || !root.isObject()) {
        return "container ?";
      }
      StringBuilder b = new StringBuilder("container ").append(root.path("hostname").asText("?"));
      StringBuilder args = new StringBuilder();
      for (JsonNode a : root.path("process").path("args")) {
        args.append(args.length() == 0 ? "" : " ").append(a.asText());
      }
      if (args.length() > 0) {
        b.append(" (").append(args.length() > 200 ? args.substring(0, 200) + "..." : args).append(')');
      }
      return b.toString();
    } catch (IOException | RuntimeException e) {
      return "container ?";
    }
  }
}
