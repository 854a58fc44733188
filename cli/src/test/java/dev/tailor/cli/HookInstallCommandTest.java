package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hook install points hooks at an installed tailor, never silently into a source checkout;
 * uninstall undoes it.
 */
class HookInstallCommandTest {
  @TempDir Path tmp;

  private record Run(int exit, String err) {}

  private static Run tailor(String... args) {
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
    return new Run(code, err.toString());
  }

  @Test
  void launcherInTheSourceCheckout_isRefused_unlessAllowed_andThenLoud() throws Exception {
    Path checkoutLauncher = TailorProcess.repo().resolve("tailor");
    assertTrue(Files.isExecutable(checkoutLauncher), checkoutLauncher.toString());
    Path hooks = tmp.resolve("hooks.d");
    Run refused =
        tailor(
            "hook",
            "install",
            "--hooks-dir",
            hooks.toString(),
            "--store",
            tmp.resolve("store").toString(),
            "--launcher",
            checkoutLauncher.toString());
    assertEquals(2, refused.exit(), refused.err());
    assertTrue(
        refused
            .err()
            .startsWith(
                "tailor: hook install: the hooks would run "
                    + checkoutLauncher
                    + ", in the source checkout "),
        refused.err());
    assertEquals(1, refused.err().strip().lines().count(), refused.err());
    assertFalse(Files.exists(hooks), "nothing written");
    Run allowed =
        tailor(
            "hook",
            "install",
            "--hooks-dir",
            hooks.toString(),
            "--store",
            tmp.resolve("store").toString(),
            "--launcher",
            checkoutLauncher.toString(),
            "--allow-checkout");
    assertEquals(0, allowed.exit(), allowed.err());
    assertTrue(
        allowed.err().startsWith("tailor: WARNING: the hooks would run " + checkoutLauncher),
        allowed.err());
  }

  @Test
  void installedLauncher_isWritten_andUninstallRemovesEverythingItMade() throws Exception {
    Path launcher = Files.createDirectories(tmp.resolve("usr/bin")).resolve("tailor");
    Files.writeString(launcher, "#!/bin/sh\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path hooks = tmp.resolve("etc/containers/oci/hooks.d");
    Run in =
        tailor(
            "hook",
            "install",
            "--hooks-dir",
            hooks.toString(),
            "--store",
            tmp.resolve("var/profiles").toString(),
            "--launcher",
            launcher.toString());
    assertEquals(0, in.exit(), in.err());
    assertTrue(
        Files.readString(hooks.resolve("tailor-apply.json"))
            .contains("\"path\" : \"" + launcher + "\""));
    Run out = tailor("hook", "uninstall", "--hooks-dir", hooks.toString());
    assertEquals(0, out.exit(), out.err());
    assertFalse(Files.exists(tmp.resolve("etc")), out.err());
    assertFalse(Files.exists(tmp.resolve("var")), out.err());
    Run again = tailor("hook", "uninstall", "--hooks-dir", hooks.toString());
    assertEquals(1, again.exit());
    assertTrue(
        again
            .err()
            .startsWith(
                "tailor: hook uninstall: "
                    + hooks.resolve("tailor-hooks.installed")
                    + " does not exist"),
        again.err());
  }
}
