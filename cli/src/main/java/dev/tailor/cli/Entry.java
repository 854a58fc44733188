package dev.tailor.cli;

import dev.tailor.deploy.apply.HookApply;
import dev.tailor.deploy.apply.PassThrough;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The jar's entry point. {@code hook apply} is the precreate hook of every container on the host,
 * and most containers ask for no profile: their config is decided here by {@link PassThrough} and
 * echoed byte for byte before picocli, Jackson or JNA is loaded (a few classes instead of
 * thousands). Everything else, and every config that is not certainly a pass-through, goes to
 * {@link Main} with the bytes already read.
 */
public final class Entry {
  /**
   * HookApplyCommand's default store (ProfileStore.DEFAULT), as a constant: that class is not
   * loaded here.
   */
  static final String DEFAULT_STORE = "/var/lib/tailor/profiles";

  private Entry() {}

  public static void main(String[] args) {
    Optional<Path> store = applyStore(args);
    if (store.isPresent()) {
      byte[] config;
      try {
        config = System.in.readNBytes(HookApply.MAX_CONFIG + 1);
      } catch (IOException e) {
        System.err.println(
            "tailor: hook apply: cannot read the OCI config on stdin: " + e.getMessage());
        System.exit(1);
        return;
      }
      if (PassThrough.certain(config, store.get())) {
        try {
          OutputStream out = new FileOutputStream(FileDescriptor.out);
          out.write(config);
          out.flush();
          return;
        } catch (IOException e) {
          System.err.println(
              "tailor: hook apply: cannot write the OCI config on stdout: " + e.getMessage());
          System.exit(1);
        }
      }
      System.setIn(new ByteArrayInputStream(config));
    }
    Main.main(args);
  }

  /**
   * The store of a {@code hook apply [--store DIR] [--log FILE]} command line; empty for any other
   * command line (another command, --help, an option this does not know), which Main then reads.
   */
  static Optional<Path> applyStore(String[] args) {
    if (args.length < 2 || !args[0].equals("hook") || !args[1].equals("apply")) {
      return Optional.empty();
    }
    Path store = Path.of(DEFAULT_STORE);
    boolean storeSeen = false;
    boolean logSeen = false;
    for (int i = 2; i < args.length; i++) {
      String a = args[i];
      String name = a.startsWith("--") && a.indexOf('=') > 0 ? a.substring(0, a.indexOf('=')) : a;
      String value;
      if (name.equals(a)) {
        if (i + 1 >= args.length) {
          return Optional.empty();
        }
        value = args[++i];
      } else {
        value = a.substring(name.length() + 1);
      }
      // picocli refuses a repeated option, and an empty or option-like value is its to judge too
      if (value.isEmpty() || value.startsWith("-")) {
        return Optional.empty();
      }
      if (name.equals("--store") && !storeSeen) {
        storeSeen = true;
        store = Path.of(value);
      } else if (name.equals("--log") && !logSeen) {
        logSeen = true;
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(store);
  }
}
