package dev.tailor.generator.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which part of a name seen once is random: each rule of RandomRun, on both sides of its bounds.
 */
class RandomRunTest {
  private static String t(String name) {
    return RandomRun.pattern(name).orElse(name);
  }

  @Test
  void chosenNames_withWordsAndNumbers_stayLiteral() {
    // The reported bug: a fixed name became nc-??????.out.
    assertEquals("nc-learn1.out", t("nc-learn1.out"));
    for (String n :
        new String[] {
          "report-2024.txt",
          "x86_64",
          "md5sum",
          "sha256sums",
          "backup-notrandom",
          "words",
          "tmpabcdef",
          "x-abcdef0",
          "x-jobs123",
          "x-job1234",
          "hsperfdata_root",
          "pipeline.log",
          "tailor-threads-document",
          "XMLHttpRequest",
          "systemd-private",
          ".X11-unix",
          "tmux-1000"
        }) {
      assertEquals(n, t(n), n);
    }
  }

  @Test
  void mkstempRuns_ofMixedCaseAndDigits_becomeOneQuestionMarkEach_keepingPrefixAndSuffix() {
    assertEquals("report.??????.json", t("report.Ab3xYz.json"));
    assertEquals("cc??????.s", t("ccQ7wZ2k.s"));
    assertEquals("??????", t("Xa8bQ3"));
    assertEquals("x-??????", t("x-a1b2c3"));
    assertEquals("x-a1b2c", t("x-a1b2c"), "five are too few for a random run");
  }

  @Test
  void pythonTempfileNames_eightOfLowerCaseDigitsAndUnderscore_afterAnyPrefix() {
    assertEquals("tmp????????", t("tmpk2j3x_8q"));
    assertEquals("job????????.out", t("jobk2j3x_8q.out"));
    assertEquals("????????", t("k3o4p_4x"), "tempfile's probe of a folder has no prefix");
    assertEquals("tailor-app-????????", t("tailor-app-k2j3x_8q"));
    assertEquals("tmp????????_out", t("tmpk2j3x_8q_out"), "a suffix after '_' stays");
  }

  @Test
  void lettersOnly_randomWhenTheyReadLikeNoWord() {
    assertEquals("tailor-threads-????????", t("tailor-threads-kqzmwxvb"));
    assertEquals("tailor-threads-document", t("tailor-threads-document"));
  }

  @Test
  void mktempRuns_ofTen() {
    assertEquals("tmp.??????????", t("tmp.Xa8bc3DEf9"));
  }

  @Test
  void extension_ofAtMostFiveCharactersAfterTheDot_isKept() {
    assertEquals("@{pid}.abcde", t("4242.abcde"));
    assertEquals("4242.abcdef", t("4242.abcdef"), "six after the dot is no extension");
  }

  @Test
  void pids_wholeName_pidFile_andBesideARandomPart() {
    assertEquals("@{pid}", t("1"));
    assertEquals("@{pid}", t("4194304"));
    assertEquals("12345678", t("12345678"), "eight digits are no pid");
    assertEquals("0123", t("0123"));
    assertEquals("@{pid}.pid", t("123.pid"));
    assertEquals("12.pid", t("12.pid"), "a pid file's pid has three digits or more");
    assertEquals("1.log", t("1.log"));
    assertEquals("build-@{pid}-??????", t("build-42-Xa8bQ3"));
    assertEquals("build-??????-@{pid}", t("build-Xa8bQ3-4242"));
    assertEquals("build-4-??????", t("build-4-Xa8bQ3"), "one digit is no pid");
  }

  @Test
  void longNumbers_ofNineDigitsOrMore_becomeStar_besideAFixedPart() {
    assertEquals("tailor-test-out*.txt", t("tailor-test-out4064891533805173690.txt"));
    assertEquals("junit*", t("junit7017773962343545298"));
    assertEquals("out*", t("out123456789"));
    assertEquals("out12345678", t("out12345678"), "eight digits are a date as often as chance");
    assertEquals("123456789", t("123456789"), "a bare number would be a bare '*'");
    assertEquals("*.tmp", t("123456789.tmp"));
  }

  @Test
  void uuids() {
    assertEquals(
        "sess-????????-????-????-????-????????????.json",
        t("sess-0f8fad5b-d9cb-469f-a165-70867728950e.json"));
  }

  @Test
  void gluedLowerCasePrefix_needsMixedCaseInASixRun() {
    assertEquals("tmp??????.c", t("tmpQ7wZ2k.c"));
    assertEquals("x??????.c", t("xQ7wZ2k.c"));
    assertEquals("xq7wz2k.c", t("xq7wz2k.c"), "six of lower case glued to a word are part of it");
    assertEquals("t????????.c", t("tq7wz2kab.c"), "unless they can be Python's eight");
  }

  @Test
  void patterns_areSafe_forHostileBytes() {
    String p = t("x\"\n-Ab3xYz");
    assertEquals("x\\x22\\x0a-??????", p);
    assertTrue(new PathPattern("/tmp/" + p).isGlob());
  }
}
