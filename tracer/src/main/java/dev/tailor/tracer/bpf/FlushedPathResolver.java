package dev.tailor.tracer.bpf;

import dev.tailor.tracer.record.HostPathResolver;
import dev.tailor.tracer.record.PathResolver;
import java.util.Optional;

/**
 * Resolves argument paths on this machine with a cache of the folders resolved so far, emptied
 * whenever the traced workload changes names ({@link #flush}: an unlink, rename, symlink, link,
 * mkdir or mount that worked). The kernel reports tens of thousands of paths a second, and a full
 * {@code realpath} costs a syscall per component; without the workload's own renames in between, a
 * folder resolves the same way until something else on the machine changes it, which resolving
 * uncached a few milliseconds after the call would not catch either.
 */
final class FlushedPathResolver implements PathResolver {
  private volatile HostPathResolver cached = new HostPathResolver(true);

  /** Forgets every folder resolved so far. */
  void flush() {
    cached = new HostPathResolver(true);
  }

  @Override
  public String resolve(String path, boolean followLast) {
    return cached.resolve(path, followLast);
  }

  @Override
  public boolean isDirectory(String path) {
    return cached.isDirectory(path);
  }

  @Override
  public Optional<String> head(String path, int max) {
    // Not cached: a script the workload rewrites must be read as it is now.
    return HostPathResolver.readHead(path, max);
  }

  @Override
  public boolean isExecutableFile(String path) {
    return HostPathResolver.executableFile(path);
  }

  @Override
  public Optional<dev.tailor.tracer.record.FileStat> stat(String path) {
    return dev.tailor.tracer.record.FileStat.of(path);
  }
}
