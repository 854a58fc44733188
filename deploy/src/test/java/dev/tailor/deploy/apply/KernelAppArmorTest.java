package dev.tailor.deploy.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The real kernel check and the real apparmor_parser, on a machine whose kernel has no AppArmor.
 */
class KernelAppArmorTest {
  private static boolean moduleSaysYes() throws Exception {
    Path p = Path.of("/sys/module/apparmor/parameters/enabled");
    return Files.exists(p) && Files.readString(p).trim().equals("Y");
  }

  @Test
  void enabled_followsTheModuleParameterAndSecurityfs() throws Exception {
    assertEquals(
        moduleSaysYes() && Files.isDirectory(Path.of("/sys/kernel/security/apparmor")),
        AppArmorHost.kernel().enabled());
  }

  @Test
  void load_withoutAppArmorInTheKernel_failsWithOneLine() throws Exception {
    assumeFalse(moduleSaysYes(), "this kernel has AppArmor: loading would change the machine");
    assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/apparmor_parser"))
            || Files.isExecutable(Path.of("/sbin/apparmor_parser")),
        "apparmor_parser is not installed (apt-get install apparmor)");
    ApplyException e =
        assertThrows(
            ApplyException.class,
            () ->
                AppArmorHost.kernel()
                    .load(
                        Files.readAllBytes(
                            Path.of("src/test/resources/export/python3-app/apparmor.profile")),
                        Path.of("src/test/resources/export/python3-app/apparmor.profile")));
    assertTrue(
        e.getMessage()
            .startsWith(
                "apparmor_parser -r src/test/resources/export/python3-app/apparmor.profile failed"),
        e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}
