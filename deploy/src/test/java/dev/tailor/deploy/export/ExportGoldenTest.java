package dev.tailor.deploy.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each format's output for the fixtures, byte for byte; -Dtailor.updateGolden=true rewrites the
 * files.
 */
class ExportGoldenTest {
  @ParameterizedTest
  @EnumSource(Export.Format.class)
  void render_matchesGoldenFile_andIsStable(Export.Format format) throws Exception {
    List<String> notes = new ArrayList<>();
    String text = Fixtures.render(format, Fixtures.all(), notes);
    String again = Fixtures.render(format, Fixtures.all(), new ArrayList<>());
    assertEquals(text, again, "the same folders must give the same bytes");
    String noteText = notes.isEmpty() ? "" : String.join("\n", notes) + "\n";

    Path golden = Fixtures.DIR.resolve("expected").resolve(format.fileName());
    Path goldenNotes = Fixtures.DIR.resolve("expected").resolve(format.fileName() + ".notes");
    if (Boolean.getBoolean("tailor.updateGolden")) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, text, StandardCharsets.UTF_8);
      Files.writeString(goldenNotes, noteText, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), text, "golden " + golden);
    assertEquals(
        Files.readString(goldenNotes, StandardCharsets.UTF_8), noteText, "golden " + goldenNotes);
  }
}
