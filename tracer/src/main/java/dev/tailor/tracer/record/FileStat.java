package dev.tailor.tracer.record;

/** A file's owner and mode bits, as a stat by tailor saw them. */
public record FileStat(long uid, long gid, int mode) {
  /** A stat of a file on this machine, not following a last symlink; empty when it cannot be had. */
  public static java.util.Optional<FileStat> of(String path) {
    for (int i = 0; i < path.length(); i++) {
      // Java's paths hold only names valid in the platform charset: ask only for plain ASCII ones.
      if (path.charAt(i) >= 0x80) {
        return java.util.Optional.empty();
      }
    }
    try {
      java.util.Map<String, Object> a = java.nio.file.Files.readAttributes(java.nio.file.Path.of(path), "unix:uid,gid,mode",
          java.nio.file.LinkOption.NOFOLLOW_LINKS);
      return java.util.Optional.of(new FileStat(((Number) a.get("uid")).longValue(), ((Number) a.get("gid")).longValue(),
          ((Number) a.get("mode")).intValue()));
    } catch (java.io.IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }
}
