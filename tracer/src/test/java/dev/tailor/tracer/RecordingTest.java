package dev.tailor.tracer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecordingTest {
  @Test
  void isValidName_lettersDigitsDotUnderscoreDash_upTo128() {
    for (String ok : new String[] {"app", "web-1.2_x", "a", ".hidden", "...", "x".repeat(128)}) {
      assertTrue(Recording.isValidName(ok), ok);
    }
    for (String bad :
        new String[] {
          "", ".", "..", "a/b", "a b", "caf\u00e9", "a\n", "x".repeat(129), "a*", "\u0661"
        }) {
      assertFalse(Recording.isValidName(bad), bad);
    }
    assertFalse(Recording.isValidName(null));
  }

  @Test
  void new_badName_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RecordingBuilder().name("../x").build());
  }
}
