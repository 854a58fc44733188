package dev.tailor.generator.apparmor;

import static dev.tailor.tracer.Access.APPEND;
import static dev.tailor.tracer.Access.CREATE;
import static dev.tailor.tracer.Access.EXEC;
import static dev.tailor.tracer.Access.LOCK;
import static dev.tailor.tracer.Access.MMAP_EXEC;
import static dev.tailor.tracer.Access.READ;
import static dev.tailor.tracer.Access.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.PathText;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** File names are untrusted: whatever bytes they hold, the profile grants only those files. */
class HostileNamesTest {
  private static final String WORK = "/tmp/xyz/work/";

  private static final List<String> HOSTILE =
      List.of(
          "a b",
          "quote\"d",
          "com,ma",
          "{br,aces}",
          "star*",
          "**",
          "q?",
          "[set]",
          "^caret",
          "#hash",
          "new\nline",
          "** rwx,",
          "x\n/** rwlkmix,",
          "x\" rwlkmix,\n  \"/**",
          "@{HOME}",
          "@{PROC}",
          "back\\slash",
          "\u00ff\u00fe invalid utf-8 \u00c3(",
          "tab\there",
          "dollar$ and ~ and %",
          "tmp*",
          "-dash",
          ".. ");

  @Test
  void hostileNames_parseAndGrantNothingOutsideTheWorkFolder() throws Exception {
    RecordingBuilder b = new RecordingBuilder().filesBy(1000);
    Access[][] kinds = {{READ}, {READ, WRITE}, {APPEND}, {READ, LOCK}, {MMAP_EXEC}, {CREATE}};
    for (int i = 0; i < HOSTILE.size(); i++) {
      b.rawFile(WORK + HOSTILE.get(i), kinds[i % kinds.length]);
      b.rawFile(WORK + "sub/" + HOSTILE.get(i), READ);
    }
    b.rawFile(WORK + "run ** me", EXEC);
    Recording rec = b.build();
    AppArmorResult result = AppArmorGenerator.generate(rec, AppArmorOptions.draft("hostile"));
    String text = AppArmorWriter.write(result.profile());

    ParserCheck.assertParse(List.of(text));
    // Nothing but the rules, so the DFA shows what they grant by themselves.
    ParserCheck.Dfa dfa = ParserCheck.compile(ParserCheck.rulesOnly(result.profile().files()));
    assertEquals("", dfa.leakOutside(WORK));
    for (String name : HOSTILE) {
      assertTrue(dfa.accepts(WORK + name), () -> "the file itself must be granted: " + name);
    }
    // Matched with our own matcher too: every rule stays below the work folder.
    for (FileRule r : result.profile().files()) {
      AppArmorGlob g = AppArmorGlob.compile(r.path().text());
      for (String outside : List.of("/etc/passwd", "/tmp/xyz/other", "/home/u/.ssh/id_rsa", "/")) {
        assertFalse(g.matches(outside), () -> r + " grants " + outside);
      }
    }
    // No line of the profile starts with anything a name could have put there.
    for (String line : text.split("\n")) {
      assertTrue(
          line.isEmpty()
              || line.matches(
                  "(#|abi |include |profile |\\}|  (#|include |owner |\"|\\}|profile |capability |network )).*"),
          () -> "unexpected line: " + line);
    }
  }

  @Test
  void literalRule_ofAHostileName_grantsExactlyThatOnePath() throws Exception {
    ParserCheck.assumeParser();
    List<FileRule> rules = new ArrayList<>();
    java.util.Set<String> expected = new java.util.TreeSet<>();
    for (String name : HOSTILE) {
      String raw = WORK + name;
      expected.add(raw);
      rules.add(
          new FileRule(
              false, PathPattern.literal(PathText.escape(raw)), "rw", "", FileRule.Kind.FILE, ""));
    }
    assertEquals(expected, ParserCheck.compile(ParserCheck.rulesOnly(rules)).language());
  }

  /** Random names of any bytes but NUL and '/': ~200 cases, each parsed and its DFA checked. */
  @Tag("slow") // ~15 s of apparmor_parser runs: not run per mutant by bench/mutation.sh
  @Test
  void randomNames_neverWidenBeyondTheWorkFolder() throws Exception {
    ParserCheck.assumeParser();
    Random rnd = new Random(20240611L);
    List<String> texts = new ArrayList<>();
    Access[][] kinds = {{READ}, {READ, WRITE}, {APPEND}, {EXEC}, {MMAP_EXEC}, {READ, LOCK}};
    for (int c = 0; c < 200; c++) {
      RecordingBuilder b = new RecordingBuilder().filesBy(1000);
      List<String> names = new ArrayList<>();
      int files = 1 + rnd.nextInt(6);
      for (int i = 0; i < files; i++) {
        String name = randomName(rnd);
        String dir = rnd.nextBoolean() ? WORK : WORK + randomName(rnd) + "/";
        names.add(dir + name);
        b.rawFile(dir + name, kinds[rnd.nextInt(kinds.length)]);
      }
      AppArmorResult r = AppArmorGenerator.generate(b.build(), AppArmorOptions.draft("case" + c));
      texts.add(AppArmorWriter.write(r.profile()));
      ParserCheck.Dfa dfa = ParserCheck.compile(ParserCheck.rulesOnly(r.profile().files()));
      int caseNo = c;
      assertEquals("", dfa.leakOutside(WORK), () -> "case " + caseNo + ": " + names);
      for (String n : names) {
        assertTrue(
            dfa.accepts(n), () -> "case " + caseNo + " does not grant " + PathText.escape(n));
      }
      // The rules left literal grant exactly their own paths, nothing a name's bytes could add.
      List<FileRule> literal =
          r.profile().files().stream().filter(f -> !f.path().isGlob()).toList();
      java.util.Set<String> own = new java.util.TreeSet<>();
      for (FileRule f : literal) {
        // A literal pattern's \xHH escapes are PathText's own syntax, so toBytes reads it back.
        own.add(new String(PathText.toBytes(f.path().text()), StandardCharsets.ISO_8859_1));
      }
      if (!literal.isEmpty()) {
        assertEquals(
            own, ParserCheck.compile(ParserCheck.rulesOnly(literal)).language(), "case " + c);
        assertTrue(
            names.containsAll(
                own.stream()
                    .map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o)
                    .toList()),
            "case " + c);
      }
      if (texts.size() == 20) {
        ParserCheck.assertParse(texts);
        texts.clear();
      }
    }
    if (!texts.isEmpty()) {
      ParserCheck.assertParse(texts);
    }
  }

  private static String randomName(Random rnd) {
    String special = "*?[]{}^,\"#@\n\t \\!$=()<>:;'`|&~%+-._";
    StringBuilder s = new StringBuilder();
    int n = 1 + rnd.nextInt(12);
    for (int i = 0; i < n; i++) {
      int pick = rnd.nextInt(4);
      char c =
          pick == 0
              ? special.charAt(rnd.nextInt(special.length()))
              : pick == 1 ? (char) (1 + rnd.nextInt(255)) : (char) ('a' + rnd.nextInt(26));
      if (c == '/' || c == 0) {
        c = '_';
      }
      s.append(c);
    }
    String name = s.toString();
    return name.equals(".") || name.equals("..") ? name + "x" : name;
  }

  @Test
  void profileName_andAttachment_areWrittenSafely() throws Exception {
    String exe =
        PathText.escape(
            new String(
                "/opt/my app/bin\"x,\n** rw".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1));
    AppArmorOptions o =
        new AppArmorOptions(
            AppArmorOptions.Mode.ENFORCE, AppArmorOptions.ExecMode.IX, exe, "my.app-1");
    String text =
        AppArmorWriter.write(
            AppArmorGenerator.generate(new RecordingBuilder().filesBy(1000).build(), o).profile());
    assertTrue(
        text.contains(
            "profile my.app-1 \"/opt/my\\x20app/bin\\x22x\\x2c\\x0a\\x2a\\x2a\\x20rw\" {"),
        text);
    ParserCheck.assertParse(List.of(text));
  }
}
