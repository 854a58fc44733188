package dev.tailor.deploy.apply;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hook's log line keeps what it says after a long container id and store path. */
class HookLogLineTest {
  @TempDir Path tmp;

  @Test
  void longLine_keepsItsEnd() throws Exception {
    String id = "7cd77caddca5e1e7ed80c0c21304cfcb427efcab5b5f8ca1fc9b3bd4dc9a3971";
    String message =
        "tailor: wrote /tmp/junit8209267735264145416/store/app (44 syscalls, 14 AppArmor rules from 22 paths)"
            + " for container "
            + id
            + ", merged with the profile of 3 container(s) learned as 'app' while this one ran";
    Path log = tmp.resolve("learn.log");
    HookLog.append(log, "container " + id, message);
    assertTrue(Files.readString(log).endsWith(message + "\n"), Files.readString(log));
  }
}
