package dev.tailor.generator.apparmor;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The rule lines kept in {@link Abstraction} are really in the installed Debian files. */
class AbstractionTest {
  private static final Path DIR = Path.of("/etc/apparmor.d/abstractions");

  /** The apparmor release whose abstraction files the kept lines were copied from (Debian 12). */
  private static final String COPIED_FROM = "3.0.8";

  @Test
  void everyKeptLine_isInTheInstalledAbstraction() throws Exception {
    assumeTrue(Files.isDirectory(DIR), "no /etc/apparmor.d/abstractions (Debian package apparmor)");
    String installed = ParserCheck.version();
    // Other releases word their abstractions differently; what they grant is checked below for
    // every release.
    assumeTrue(
        installed.equals(COPIED_FROM),
        () ->
            "the kept lines are apparmor "
                + COPIED_FROM
                + "'s (Debian 12); this machine has "
                + installed);
    for (Abstraction a : Abstraction.values()) {
      Set<String> lines =
          Files.readAllLines(DIR.resolve(a.fileName())).stream()
              .map(l -> l.trim().replaceAll("\\s+", " "))
              .collect(Collectors.toSet());
      assertFalse(
          keptLines(a).isEmpty(),
          () -> a.fileName() + " keeps no line: the check would pass on nothing");
      for (String kept : keptLines(a)) {
        assertTrue(lines.contains(kept), () -> a.fileName() + " has no line " + kept);
      }
    }
  }

  /** Paths the generator drops as covered are granted by the compiled abstraction too. */
  @Test
  void coveredSamplePaths_areGrantedByTheCompiledAbstraction() throws Exception {
    ParserCheck.assumeParser();
    List<String> samples =
        List.of(
            "/etc/passwd",
            "/etc/nsswitch.conf",
            "/etc/hosts",
            "/usr/lib/python3.11/json/x.py",
            "/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so",
            "/usr/local/lib/python3.11/dist-packages/r/m.py",
            "/etc/ssl/certs/ca-certificates.crt",
            "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "/etc/ld.so.cache",
            "/proc/12/maps",
            "/usr/share/zoneinfo/UTC",
            "/etc/ssl/openssl.cnf",
            "/usr/share/ca-certificates/x/y.crt");
    int said = 0;
    for (Abstraction a : Abstraction.values()) {
      ParserCheck.Dfa dfa =
          ParserCheck.compile(
              "abi <abi/3.0>,\ninclude <tunables/global>\nprofile t {\n  include <abstractions/"
                  + a.fileName()
                  + ">\n}\n");
      for (String p : samples) {
        if (!a.grants(p).isEmpty()) {
          said++;
          assertTrue(dfa.accepts(p), () -> a.fileName() + " is said to cover " + p);
        }
      }
    }
    assertTrue(
        said >= 10,
        "the abstractions are said to cover only "
            + said
            + " of the samples: the check says little");
  }

  private static List<String> keptLines(Abstraction a) {
    return a.lines();
  }
}
