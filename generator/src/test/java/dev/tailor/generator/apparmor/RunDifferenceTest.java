package dev.tailor.generator.apparmor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** How names of one folder pair across runs, and the glob each group gets. */
class RunDifferenceTest {
  private static RunDifference.Name name(String raw, String... runs) {
    return new RunDifference.Name(raw, new TreeSet<>(List.of(runs)));
  }

  private static Map<String, String> temporary(RunDifference.Name... names) {
    return RunDifference.patterns(List.of(names), true);
  }

  @Test
  void mkstempNames_ofTwoRuns_pairIntoPrefixQuestionMarksSuffix() {
    assertEquals(
        Map.of("tmpab12CD.c", "tmp??????.c", "tmpXy9zQ1.c", "tmp??????.c"),
        temporary(name("tmpab12CD.c", "1"), name("tmpXy9zQ1.c", "2")));
  }

  @Test
  void aRandomRun_withCharactersEqualByChance_isWidenedToTheLengthMakersDraw() {
    // mkstemp's six: the first character is the same in both runs.
    assertEquals(
        "tmp??????.c",
        temporary(name("tmpab12CD.c", "1"), name("tmpaY9zQ1.c", "2")).get("tmpab12CD.c"));
    // Python's eight of [a-z0-9_], equal at both ends.
    assertEquals(
        "job????????.out",
        temporary(name("jobk2j3x_8q.out", "1"), name("jobkz9y8w7q.out", "2"))
            .get("jobk2j3x_8q.out"));
    // Three equal characters are no chance: only two may be added.
    assertEquals(Map.of(), temporary(name("tmpabc2CD.c", "1"), name("tmpabcXYZ.c", "2")));
  }

  @Test
  void oneDifferingCharacter_orAWordForAWord_isNoRandomRun() {
    assertEquals(Map.of(), temporary(name("nc-learn1.out", "1"), name("nc-learn2.out", "2")));
    assertEquals(Map.of(), temporary(name("a.conf", "1"), name("b.conf", "2")));
    assertEquals(
        Map.of(),
        temporary(name("job-Ab12Cd.out", "1"), name("tmp-Xy34Zw.out", "2")),
        "a different prefix is another name, not a random part");
  }

  @Test
  void namesOfDifferentLength_orDifferentFixedParts_doNotPair() {
    assertEquals(Map.of(), temporary(name("tmpab12CD.c", "1"), name("tmpab12CDE.c", "2")));
    assertEquals(Map.of(), temporary(name("tmpab12CD.c", "1"), name("tmpXy9zQ1.o", "2")));
  }

  @Test
  void differingNumbers_becomePidOrStar() {
    assertEquals(
        "app-@{pid}.lock",
        temporary(name("app-4242.lock", "1"), name("app-98765.lock", "2")).get("app-4242.lock"));
    assertEquals(
        "out*.txt",
        temporary(name("out4064891533805173690.txt", "1"), name("out123456789.txt", "2"))
            .get("out123456789.txt"));
    assertEquals(
        Map.of(),
        temporary(name("app-0042.lock", "1"), name("app-0043.lock", "2")),
        "no pid has a leading zero");
    assertEquals(
        "pip-@{pid}-????????",
        temporary(name("pip-4242-k2j3x_8q", "1"), name("pip-777-z9y8w7v6", "2"))
            .get("pip-777-z9y8w7v6"),
        "a pid and a hash");
    assertEquals(
        Map.of(),
        temporary(name("4064891533805173690", "1"), name("123456789012", "2")),
        "no bare '*'");
  }

  @Test
  void uuids_pairAsAWhole() {
    assertEquals(
        "????????-????-????-????-????????????",
        temporary(
                name("0f8fad5b-d9cb-469f-a165-70867728950e", "1"),
                name("7c9e6679-7425-40de-944b-e07fc1f90ae7", "2"))
            .get("0f8fad5b-d9cb-469f-a165-70867728950e"));
  }

  @Test
  void namesOfOneRun_areNoDifferenceBetweenRuns() {
    assertEquals(Map.of(), temporary(name("tmpab12CD.c", "1"), name("tmpXy9zQ1.c", "1")));
  }

  @Test
  void outsideTemporaryFolders_theDifferingRunMustAlsoLookRandom() {
    List<RunDifference.Name> words = List.of(name("coreutils.mo", "a"), name("diffutils.mo", "b"));
    assertEquals(Map.of(), RunDifference.patterns(words, false));
    assertEquals(
        1,
        RunDifference.patterns(words, true).values().stream().distinct().count(),
        "in a temporary folder the difference alone counts");
    List<RunDifference.Name> hashes = List.of(name("k2j3x_8q.bin", "a"), name("z9y8w7v6.bin", "b"));
    assertEquals("????????.bin", RunDifference.patterns(hashes, false).get("k2j3x_8q.bin"));
  }

  @Test
  void severalShapes_inOneFolder_eachGetTheirOwnGlob() {
    Map<String, String> p =
        temporary(
            name("tmpab12CD.c", "1"),
            name("tmpXy9zQ1.c", "2"),
            name("app-4242.lock", "1"),
            name("app-98765.lock", "2"),
            name("fixed.txt", "1"));
    assertEquals("tmp??????.c", p.get("tmpXy9zQ1.c"));
    assertEquals("app-@{pid}.lock", p.get("app-98765.lock"));
    assertEquals(null, p.get("fixed.txt"));
  }

  /** Runs 1 and 2 of a real maker pair into a glob that matches run 3's name. */
  @Test
  void realMakers_twoRunsGiveAGlobThatCoversTheThird() throws Exception {
    assumeTrue(
        Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, "python3"))),
        "python3 is not installed");
    String code =
        "import ctypes, tempfile\n"
            + "c = ctypes.CDLL('libc.so.6')\n"
            + "c.mktemp.restype = ctypes.c_char_p\n"
            + "g = lambda t: c.mktemp(ctypes.create_string_buffer(t.encode())).decode()\n"
            + "s = tempfile._RandomNameSequence()\n"
            + "for _ in range(300):\n"
            + "    print(g('tmpXXXXXX') + '.c', g('XXXXXX'), 'job' + next(s) + '.out', next(s), 'tailor-app-' + next(s))\n";
    Process p =
        new ProcessBuilder("python3", "-c", code)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> lines =
        new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 && lines.size() == 300);
    List<String> uncovered = new ArrayList<>();
    int trials = 0;
    for (int i = 0; i + 2 < lines.size(); i += 3) {
      String[] r1 = lines.get(i).split(" ");
      String[] r2 = lines.get(i + 1).split(" ");
      String[] r3 = lines.get(i + 2).split(" ");
      for (int k = 0; k < r1.length; k++) {
        trials++;
        String glob = temporary(name(r1[k], "1"), name(r2[k], "2")).get(r1[k]);
        if (glob == null || !AppArmorGlob.compile("/tmp/" + glob).matches("/tmp/" + r3[k])) {
          uncovered.add(r1[k] + " + " + r2[k] + " -> " + glob + " misses " + r3[k]);
        }
      }
    }
    // Only a run that repeats three characters at its edge by chance is missed (1 in 62^3).
    assertTrue(
        uncovered.size() <= trials / 200, uncovered.size() + " of " + trials + ": " + uncovered);
  }
}
