package dev.tailor.generator.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AppArmorGlobTest {

  @Test
  void star_staysInOneComponent_andNeedsAByteAfterSlash() {
    AppArmorGlob g = AppArmorGlob.compile("/srv/app/*");
    assertTrue(g.matches("/srv/app/a"));
    assertFalse(g.matches("/srv/app/"));
    assertFalse(g.matches("/srv/app/a/b"));
    assertTrue(AppArmorGlob.compile("/srv/tmp*").matches("/srv/tmp"));
  }

  @Test
  void doubleStar_crossesComponents() {
    AppArmorGlob g = AppArmorGlob.compile("/srv/app/**");
    assertTrue(g.matches("/srv/app/a/b/c"));
    assertTrue(g.matches("/srv/app/a/"));
    assertFalse(g.matches("/srv/app/"));
    assertFalse(g.matches("/srv/apple"));
  }

  @Test
  void escapes_matchLiterally() {
    AppArmorGlob g = AppArmorGlob.compile("/t/a\\x2a\\x7bb\\x2cc\\x7d\\x40\\x7bHOME\\x7d");
    assertTrue(g.matches("/t/a*{b,c}@{HOME}"));
    assertFalse(g.matches("/t/axx{b,c}@{HOME}"));
    assertFalse(g.matches("/t/a*b@{HOME}"));
  }

  @Test
  void variablesAndAlternation_expandAsInTunables() {
    assertTrue(AppArmorGlob.compile("@{PROC}/@{pid}/stat").matches("/proc/4242/stat"));
    assertFalse(AppArmorGlob.compile("@{PROC}/@{pid}/stat").matches("/proc/self/stat"));
    assertFalse(AppArmorGlob.compile("@{PROC}/@{pid}/stat").matches("/proc/0/stat"));
    assertTrue(AppArmorGlob.compile("@{HOME}/.cache/**").matches("/home/ann/.cache/x"));
    assertTrue(AppArmorGlob.compile("@{HOME}/.cache/**").matches("/root/.cache/x"));
    assertTrue(AppArmorGlob.compile("/{usr/,}lib{,32,64}/**.so*").matches("/lib64/libc.so.6"));
    assertTrue(
        AppArmorGlob.compile("@{etc_ro}/ld.so.conf.d/{,*.conf}").matches("/etc/ld.so.conf.d/"));
    assertTrue(
        AppArmorGlob.compile("/usr/lib/python3.1[0-9]/x?").matches("/usr/lib/python3.11/xy"));
  }

  /** Random byte strings: the matcher agrees with the DFA apparmor_parser compiles. */
  @Test
  void matches_agreesWithApparmorParserDfa() throws Exception {
    ParserCheck.assumeParser();
    List<String> globs =
        List.of(
            "/srv/app/*",
            "/srv/app/**",
            "/srv/a*b/c",
            "/srv/x?y/**.py",
            "/srv/{a,bc}/[0-9]*",
            "@{PROC}/@{pid}/task/@{tid}/stat",
            "/srv/a\\x2a\\x3f\\x5b\\x7b\\x2c\\x22\\x20\\x0a\\xff*",
            "/srv/tmp*.json");
    Random rnd = new Random(7);
    String alphabet = "/ab*?[]{},\"\n\u00ff0123456789.jsonprocstaskxy";
    for (String glob : globs) {
      String profile =
          "abi <abi/3.0>,\ninclude <tunables/global>\nprofile t {\n  \"" + glob + "\" r,\n}\n";
      ParserCheck.Dfa dfa = ParserCheck.compile(profile);
      AppArmorGlob g = AppArmorGlob.compile(glob);
      List<String> probes = new ArrayList<>(samples(glob));
      for (int i = 0; i < 3000; i++) {
        String prefix =
            List.of("/srv/", "/srv/app/", "/srv/a", "/proc/", "/proc/12/task/3/", "/srv/x")
                .get(rnd.nextInt(6));
        StringBuilder s = new StringBuilder(prefix);
        int n = rnd.nextInt(8);
        for (int j = 0; j < n; j++) {
          s.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        probes.add(s.toString());
      }
      int matched = 0;
      for (String p : probes) {
        assertEquals(
            dfa.accepts(p), g.matchesBytes(p), () -> glob + " on " + p.replace("\n", "\\n"));
        matched += g.matchesBytes(p) ? 1 : 0;
      }
      assertTrue(matched > 0, () -> "no probe matched " + glob + "; the comparison says little");
    }
  }

  private static List<String> samples(String glob) {
    return List.of(
        "/srv/app/x",
        "/srv/app/",
        "/srv/app/x/y",
        "/srv/ab/c",
        "/srv/axxb/c",
        "/srv/xzy/q.py",
        "/srv/xzy/d/q.py",
        "/srv/a/1",
        "/srv/bc/12",
        "/proc/1/task/2/stat",
        "/proc/0/task/2/stat",
        "/srv/a*?[{,\" \n\u00ff",
        "/srv/a*?[{,\" \n\u00ffzz",
        "/srv/tmp.json",
        "/srv/tmpab12.json");
  }
}
