package dev.tailor.generator.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The edges of AppArmorGlob's syntax (escapes, classes, commas, variables) that a mutant could
 * move.
 */
class AppArmorGlobBoundsTest {
  private static boolean m(String glob, String bytes) {
    return AppArmorGlob.compile(glob).matchesBytes(bytes);
  }

  private static String refusal(String glob) {
    return assertThrows(IllegalArgumentException.class, () -> AppArmorGlob.compile(glob))
        .getMessage();
  }

  @Test
  void malformed_globsAreRefusedWithWhy() {
    assertTrue(refusal("/a\\").startsWith("trailing backslash"), refusal("/a\\"));
    assertTrue(refusal("/a@{HOME").startsWith("unclosed variable"));
    assertTrue(refusal("/a@{nope}/x").startsWith("unknown variable @{nope}"));
    assertTrue(refusal("/a[bc").startsWith("unclosed ["));
    assertTrue(refusal("/a}").startsWith("unbalanced }"));
    assertTrue(refusal("/{a,b").startsWith("unbalanced {"));
  }

  @Test
  void atAndBackslash_atTheEndOrEscaped_areLiterals() {
    assertTrue(m("/a@", "/a@"));
    assertTrue(m("/a\\@{HOME}", "/a@HOME"), "an escaped @ starts no variable");
    assertFalse(m("/a\\@{HOME}", "/a/root"));
    assertTrue(m("/a\\*", "/a*"));
    assertFalse(m("/a\\*", "/ab"));
    assertTrue(m("/a\\x2a", "/a*"));
    assertTrue(m("/a/\\x2f", "/a//"));
  }

  @Test
  void classes_membersRangesNegationAndEscapes() {
    assertTrue(m("/x[bc]", "/xb") && m("/x[bc]", "/xc"));
    assertFalse(m("/x[bc]", "/xx") || m("/x[bc]", "/x[") || m("/x[bc]", "/x]"), "only the members");
    assertTrue(m("/a[]b]", "/a]") && m("/a[]b]", "/ab"), "a ] right after [ is a member");
    assertFalse(m("/a[]b]", "/a["));
    assertTrue(m("/a[a-c]", "/ab"));
    assertFalse(m("/a[a-c]", "/ad") || m("/a[a-c]", "/a-"));
    assertTrue(m("/a[-c]", "/a-") && m("/a[-c]", "/ac"), "a leading - is a member");
    assertFalse(m("/a[-c]", "/ab"));
    assertTrue(m("/a[c-]", "/a-") && m("/a[c-]", "/ac"), "a trailing - is a member");
    assertFalse(m("/a[c-]", "/ab"));
    assertTrue(m("/a[^a-c]", "/ad"));
    assertFalse(m("/a[^a-c]", "/ab"));
    assertTrue(m("/a[^a-c]", "/a[") && m("/a[^a-c]", "/a^"), "the ^ negates; it is no member");
    assertTrue(m("/a[\\x2ab]", "/a*") && m("/a[\\x2ab]", "/ab"), "an escaped byte in a class");
    assertFalse(m("/a[\\x2ab]", "/ax") || m("/a[\\x2ab]", "/a\\") || m("/a[\\x2ab]", "/a2"));
  }

  @Test
  void commas_alternateOnlyInsideBraces() {
    assertTrue(m("/a,b", "/a,b"));
    assertFalse(m("/a,b", "b") || m("/a,b", "/a"));
    assertTrue(m("/{a,b}", "/a") && m("/{a,b}", "/b"));
    assertFalse(m("/{a,b}", "/a,b"));
    assertTrue(m("/{a,{b,c}}x", "/cx"));
  }

  @Test
  void wildcards_neverMatchNulOrCrossWhereTheyMustNot() {
    assertFalse(m("/a/?", "/a//"));
    assertFalse(m("/a/**", "/a/b\u0000c"));
    assertFalse(m("/a/*", "/a/b\u0000"));
    assertTrue(m("/a/x*", "/a/x"), "a * not right after / may match nothing");
    assertEquals("/a/*", AppArmorGlob.compile("/a/*").glob());
  }
}
