package dev.tailor.generator.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.PathText;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes a rule's path may hold raw, and the only tokens a pattern may add. */
class PathPatternTest {
  @Test
  void literal_everyByteOutsideTheSafeSetIsHexEscaped() {
    for (int c = 1; c < 256; c++) {
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '/'
              || c == '.'
              || c == '_'
              || c == '-';
      String raw = "/d/" + (char) c;
      String expected = "/d/" + (safe ? String.valueOf((char) c) : String.format("\\x%02x", c));
      assertEquals(expected, PathPattern.literal(PathText.escape(raw)).text(), "byte " + c);
      assertEquals(
          raw,
          new String(
              PathText.toBytes(PathText.escape(raw)),
              java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void literal_globCharactersAreLiterals_notGlobs() {
    PathPattern p = PathPattern.literal(PathText.escape("/t/*?@{HOME}[a]{b,c}\"\n"));
    assertEquals(
        "/t/\\x2a\\x3f\\x40\\x7bHOME\\x7d\\x5ba\\x5d\\x7bb\\x2cc\\x7d\\x22\\x0a", p.text());
    assertFalse(p.isGlob());
    assertEquals("\"" + p.text() + "\"", p.quoted());
  }

  @Test
  void constructor_acceptsOnlyTheGeneratorsTokens() {
    for (String ok :
        List.of(
            "/a/*",
            "/a/**",
            "/a/?",
            "@{PROC}/@{pid}/stat",
            "@{PROC}/@{pid}/task/@{tid}/comm",
            "/a/{,*}",
            "/a/{,**}",
            "/a/\\x20b",
            "/")) {
      new PathPattern(ok);
    }
    for (String bad :
        List.of(
            "/a b",
            "/a\"b",
            "/a,b",
            "/a{b,c}",
            "/a/{,*}x",
            "a/b",
            "/a/@{HOME}",
            "/a\\x2",
            "/a\\xAB",
            "/a\nb",
            "",
            "/a[b]",
            "/a}",
            "@{pid}/x",
            "/a/{,***}")) {
      assertThrows(IllegalArgumentException.class, () -> new PathPattern(bad), bad);
    }
  }

  @Test
  void isGlob_starQuestionOrVariable() {
    assertTrue(new PathPattern("/a/*").isGlob());
    assertTrue(new PathPattern("/a/?").isGlob());
    assertTrue(new PathPattern("@{PROC}/x").isGlob());
    assertFalse(new PathPattern("/a/b\\x2a").isGlob());
  }
}
