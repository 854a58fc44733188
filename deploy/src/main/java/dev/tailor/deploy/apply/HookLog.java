package dev.tailor.deploy.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tailor.deploy.oci.OciJson;
import dev.tailor.deploy.store.LogReserve;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.tracer.strace.StraceText;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The hooks' own logs. podman 4 sends a precreate hook's stderr to /dev/null and reports only "exit
 * status 1", and a learn hook's tracer runs detached, so every outcome (applied or refused, traced
 * or not, profile written or not) is also appended as one line to a log in the store: {@code
 * apply.log} with the container's short id (its hostname at precreate) and command, {@code
 * learn.log} with the container's id.
 *
 * <p>A full store must not lose these lines: beside the logs lies a reserve file of zeros; when an
 * append finds no space, part of the reserve is given back and the append tried again, and the
 * reserve grows back once there is space. Where even that fails, the line goes to the kernel log
 * ({@code /dev/kmsg}, readable with {@code dmesg}), which needs no disk space at all.
 */
public final class HookLog {
  /** The reserve's file name, in the logs' folder. */
  public static final String RESERVE = LogReserve.NAME;

  private static final Path KMSG = Path.of("/dev/kmsg");

  private HookLog() {}

  /** Where a line ended up. */
  public enum Written {
    /** In the log file. */
    LOG,
    /** In the kernel log: the log file could not take it. */
    KERNEL,
    /** Nowhere but stderr. */
    LOST
  }

  /**
   * The apply log of the store {@code store}: in its internal folder, beside the learn hook's logs.
   */
  public static Path in(Path store) {
    return store.resolve(".tailor").resolve("logs").resolve("apply.log");
  }

  /** Appends {@code message} about the container in {@code config}; never fails the hook. */
  public static Written append(Path file, byte[] config, String message) {
    return append(file, container(config), message);
  }

  /**
   * The longest message kept whole on one line: a message names a container id and store path (each
   * already cut to 200), and what it says comes after them (200 cut "merged with the profile of N
   * container(s)" off the learn hook's lines).
   */
  static final int MESSAGE_LIMIT = 2000;

  /** Appends {@code message} about {@code subject} (e.g. "container ID"); never fails the hook. */
  public static Written append(Path file, String subject, String message) {
    String line =
        Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + " "
            + ProfileStore.printable(subject)
            + ": "
            + StraceText.printable(message, MESSAGE_LIMIT)
            + "\n";
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    Path dir = file.toAbsolutePath().getParent();
    int[] done = {0};
    try {
      if (dir != null) {
        Files.createDirectories(dir);
      }
      appendBytes(file, bytes, done);
      if (dir != null) {
        LogReserve.refill(dir);
      }
      return Written.LOG;
    } catch (IOException | RuntimeException first) {
      // Most likely a full disk: give back part of the reserve and try once more.
      if (dir != null && LogReserve.release(dir)) {
        try {
          // On from where the first try stopped: a line cut by a full disk is finished, not
          // repeated.
          appendBytes(file, bytes, done);
          return Written.LOG;
        } catch (IOException | RuntimeException second) {
          // fall through to the kernel log
        }
      }
      return kernel("tailor: cannot append to " + file + " (" + reason(first) + "): " + line);
    }
  }

  /**
   * Creates the reserve beside the log {@code file} if it is not there; what fails is left for
   * later.
   */
  public static void reserve(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      LogReserve.refill(dir);
    }
  }

  /**
   * Appends {@code bytes} from {@code done[0]} on, counting what was written in {@code done[0]}.
   */
  private static void appendBytes(Path file, byte[] bytes, int[] done) throws IOException {
    // One write of the whole line (O_APPEND), so lines of hooks running at once do not interleave.
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND,
            LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer b = ByteBuffer.wrap(bytes, done[0], bytes.length - done[0]);
      while (b.hasRemaining()) {
        ch.write(b);
        done[0] = b.position();
      }
    }
  }

  /**
   * Writes {@code message} about {@code subject} to the kernel log only (when the log file may not
   * be used).
   */
  public static Written toKernel(String subject, String message) {
    return kernel(
        "tailor: "
            + ProfileStore.printable(subject)
            + ": "
            + ProfileStore.printable(message)
            + "\n");
  }

  private static Written kernel(String line) {
    try (OutputStream out = Files.newOutputStream(KMSG, StandardOpenOption.WRITE)) {
      // One write is one kernel log record.
      out.write(line.getBytes(StandardCharsets.UTF_8));
      return Written.KERNEL;
    } catch (IOException | RuntimeException e) {
      return Written.LOST;
    }
  }

  private static String reason(Exception e) {
    return e instanceof IOException io ? dev.tailor.tracer.TextFiles.reason(io) : e.toString();
  }

  /** "container HOSTNAME (ARGS)" for the config a runtime gave a precreate hook. */
  public static String container(byte[] config) {
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
        b.append(" (")
            .append(args.length() > 200 ? args.substring(0, 200) + "..." : args)
            .append(')');
      }
      return b.toString();
    } catch (IOException | RuntimeException e) {
      return "container ?";
    }
  }
}
