package dev.tailor.tracer.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostPathResolverTest {
  @TempDir Path tmp;

  @Test
  void resolve_cachedThroughParents_answersAsRealpathDoes() throws IOException {
    Path root = tmp.toRealPath();
    Path real = Files.createDirectories(root.resolve("real/sub"));
    Files.writeString(real.resolve("file"), "x");
    Files.createSymbolicLink(root.resolve("dirlink"), root.resolve("real"));
    Files.createSymbolicLink(real.resolve("filelink"), real.resolve("file"));
    Files.createSymbolicLink(real.resolve("relative"), Path.of("../sub/file"));
    Files.createSymbolicLink(real.resolve("chain"), real.resolve("filelink"));
    Files.createSymbolicLink(real.resolve("dangling"), root.resolve("nowhere/x"));
    String r = root.toString();
    List<String> paths =
        List.of(
            r + "/dirlink/sub/file",
            r + "/dirlink/sub/filelink",
            r + "/dirlink/sub/relative",
            r + "/dirlink/sub/chain",
            r + "/dirlink/sub/dangling",
            r + "/dirlink/sub/missing",
            r + "/dirlink/gone/deeper/name",
            r + "/dirlink/sub/../sub/file",
            r + "/dirlink/./sub//file",
            r + "/real/sub/file",
            r + "/dirlink",
            r + "/dirlink/",
            "/",
            r + "/real/sub/..name");
    HostPathResolver fresh = new HostPathResolver(false);
    HostPathResolver cached = new HostPathResolver(true);
    for (int round = 0; round < 2; round++) {
      for (String p : paths) {
        for (boolean follow : new boolean[] {true, false}) {
          assertEquals(
              fresh.resolve(p, follow),
              cached.resolve(p, follow),
              p + " follow=" + follow + " round " + round);
        }
      }
    }
    assertEquals(r + "/real/sub/file", cached.resolve(r + "/dirlink/sub/chain", true));
    assertEquals(r + "/real/sub/chain", cached.resolve(r + "/dirlink/sub/chain", false));
    assertEquals(r + "/real/sub/missing", cached.resolve(r + "/dirlink/sub/missing", true));
    assertEquals(
        r + "/real/sub/dangling",
        cached.resolve(r + "/dirlink/sub/dangling", true),
        "realpath fails: the name in its real folder");
    assertEquals(
        r + "/real/gone/deeper/name", cached.resolve(r + "/dirlink/gone/deeper/name", true));
  }
}
