package dev.tailor.generator.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Where a temporary name's random part starts and ends: each bound of tempName and randomRun. */
class TempNameBoundsTest {
  private static String t(String name) {
    return AppArmorGenerator.Run.tempName(name);
  }

  @Test
  void extension_ofAtMostFiveCharactersAfterTheDot_isKept() {
    assertEquals("tmp????????.abcde", t("tmpa1b2c3d4.abcde"));
    assertEquals("tmpa1b2c3d4.abcdef", t("tmpa1b2c3d4.abcdef"), "six after the dot is no extension");
  }

  @Test
  void pythonTempfile_needsSixCharactersAfterTmp() {
    assertEquals("tmp??????", t("tmpa1b2c3"));
    assertEquals("tmpabcde", t("tmpabcde"), "five is not enough");
  }

  @Test
  void randomRun_ofSixIsEnough_ofFiveIsNot() {
    assertEquals("x-??????", t("x-a1b2c3"));
    assertEquals("x-a1b2c", t("x-a1b2c"));
  }

  @Test
  void wordThenNumber_fourDigitsMakeAStar_threeDoNot() {
    assertEquals("x-job*", t("x-job1234"));
    assertEquals("x-???????", t("x-jobs123"));
  }

  @Test
  void looksRandom_digitBounds() {
    assertEquals("x-???????", t("x-abcdef0"));
    assertEquals("x-???????", t("x-abcdef9"));
    assertEquals("x-abcdefg", t("x-abcdefg"), "letters alone are a word");
  }

  @Test
  void looksRandom_caseBounds_needMoreThanSix() {
    assertEquals("x-????????", t("x-Abcdefgh"));
    assertEquals("x-????????", t("x-Zbcdefgh"));
    assertEquals("x-????????", t("x-aBCDEFGH"));
    assertEquals("x-????????", t("x-zBCDEFGH"));
    assertEquals("x-???????", t("x-AbCdEfG"));
    assertEquals("x-AbCdEf", t("x-AbCdEf"), "mixed case of six letters is still a word");
    assertEquals("x-ABCDEFGH", t("x-ABCDEFGH"));
  }
}
