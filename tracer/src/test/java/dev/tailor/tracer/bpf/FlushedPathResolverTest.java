package dev.tailor.tracer.bpf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlushedPathResolverTest {
  @TempDir Path tmp;

  @Test
  void resolve_remembersFoldersUntilFlushed() throws Exception {
    Path base = tmp.toRealPath();
    Files.createDirectories(base.resolve("v1"));
    Files.createDirectories(base.resolve("v2"));
    Path current = Files.createSymbolicLink(base.resolve("current"), Path.of("v1"));
    FlushedPathResolver r = new FlushedPathResolver();
    assertEquals(base + "/v1/f", r.resolve(current + "/f", true));
    // The workload repoints current: until its rename is seen, the folder resolves as before.
    Files.delete(current);
    Files.createSymbolicLink(current, Path.of("v2"));
    assertEquals(base + "/v1/f", r.resolve(current + "/f", true));
    r.flush();
    assertEquals(base + "/v2/f", r.resolve(current + "/f", true));
  }
}
