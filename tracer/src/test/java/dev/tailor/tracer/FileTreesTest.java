package dev.tailor.tracer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path tmp;

  @Test
  void delete_removesTheTree_butNotWhatALinkInItPointsTo() throws Exception {
    Path kept = Files.writeString(tmp.resolve("kept"), "x");
    Path dir = Files.createDirectories(tmp.resolve("d/e/f"));
    Files.writeString(dir.resolve("g"), "y");
    Files.createSymbolicLink(tmp.resolve("d/link"), tmp);
    FileTrees.delete(tmp.resolve("d"));
    assertFalse(Files.exists(tmp.resolve("d")));
    assertTrue(Files.exists(kept));
  }

  @Test
  void delete_ofWhatIsNotThere_doesNothing() throws Exception {
    FileTrees.delete(tmp.resolve("absent"));
    FileTrees.deleteQuietly(tmp.resolve("absent"));
    assertTrue(Files.isDirectory(tmp));
  }
}
