package dev.tailor.deploy.oci;

import dev.tailor.tracer.record.PathNames;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.sys.LibC;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Resolves symlinks in paths as a container sees them: each name is looked up on the host where the
 * container's mount of it comes from (the root folder, or a bind mount's source), and a symlink's
 * absolute target starts again from the container's {@code /}, not the host's. Paths on mounts with
 * no host folder (proc, sysfs, tmpfs, devpts) are only normalised. Results are container paths,
 * which is what an AppArmor profile loaded for the container must name.
 */
public final class ContainerPathResolver implements PathResolver {
  private static final int MAX_LINKS = 40;
  private static final int PATH_MAX = 4096;

  /** A mount point and where its names live on the host (empty: nowhere, e.g. proc). */
  private record Source(String destination, Optional<String> hostDir) {}

  private final List<Source> sources = new ArrayList<>();

  private final boolean hostIds;

  public ContainerPathResolver(OciConfig config) {
    this.hostIds = config.hostIds();
    sources.add(new Source("/", Optional.of(config.rootPath())));
    for (OciConfig.Mount m : config.mounts()) {
      if (m.destination().startsWith("/")) {
        String dest = PathNames.normalize(m.destination());
        sources.add(
            new Source(
                dest,
                m.isBind() && m.source().startsWith("/")
                    ? Optional.of(m.source())
                    : Optional.empty()));
      }
    }
    // Later mounts hide earlier ones at the same place; the deepest mount point wins.
    sources.sort(Comparator.comparingInt((Source s) -> s.destination().length()));
  }

  /** Where the container's {@code path} lives on the host, if it lives on a host folder. */
  public Optional<String> hostPath(String path) {
    Source best = sources.get(0);
    for (Source s : sources) {
      if (under(path, s.destination())) {
        best = s;
      }
    }
    if (best.hostDir().isEmpty()) {
      return Optional.empty();
    }
    String rest = path.substring(best.destination().equals("/") ? 0 : best.destination().length());
    String host = best.hostDir().get();
    return Optional.of(
        rest.isEmpty()
            ? host
            : (host.endsWith("/") ? host.substring(0, host.length() - 1) : host) + rest);
  }

  @Override
  public String resolve(String path, boolean followLast) {
    // ".." is taken after the links before it are followed, as the kernel does: /app/lib/../bin
    // with /app/lib -> /opt/vendor/lib is /opt/vendor/bin, not /app/bin.
    Deque<String> todo = new ArrayDeque<>(components(path));
    String done = "";
    int links = 0;
    while (!todo.isEmpty()) {
      String name = todo.pollFirst();
      if (name.equals("..")) {
        int slash = done.lastIndexOf('/');
        done = slash <= 0 ? "" : done.substring(0, slash);
        continue;
      }
      String next = done + "/" + name;
      boolean last = todo.isEmpty();
      Optional<String> target = last && !followLast ? Optional.empty() : readLink(next);
      if (target.isEmpty()) {
        done = next;
        continue;
      }
      if (++links > MAX_LINKS) {
        return PathNames.normalize(path);
      }
      List<String> rest = new ArrayList<>(todo);
      todo.clear();
      String t = target.get();
      if (t.startsWith("/")) {
        done = "";
      }
      todo.addAll(components(t));
      todo.addAll(rest);
    }
    return done.isEmpty() ? "/" : done;
  }

  @Override
  public boolean isDirectory(String path) {
    // Links are followed in the container's root first: the host's own links mean nothing here.
    return hostPath(resolve(path, true))
        .filter(ContainerPathResolver::ascii)
        .map(h -> Files.isDirectory(Path.of(h), java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .orElse(false);
  }

  private Optional<String> readLink(String containerPath) {
    Optional<String> host = hostPath(containerPath);
    if (host.isEmpty()) {
      return Optional.empty();
    }
    byte[] buf = new byte[PATH_MAX];
    long n = LibC.INSTANCE.readlink(nulTerminated(host.get()), buf, buf.length);
    if (n <= 0 || n >= buf.length) {
      return Optional.empty();
    }
    return Optional.of(new String(buf, 0, (int) n, StandardCharsets.ISO_8859_1));
  }

  private static byte[] nulTerminated(String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    byte[] z = new byte[b.length + 1];
    System.arraycopy(b, 0, z, 0, b.length);
    return z;
  }

  private static List<String> components(String path) {
    List<String> out = new ArrayList<>();
    for (String c : path.split("/")) {
      if (!c.isEmpty() && !c.equals(".")) {
        out.add(c);
      }
    }
    return out;
  }

  static boolean under(String path, String dir) {
    return dir.equals("/") || path.equals(dir) || path.startsWith(dir + "/");
  }

  private static boolean ascii(String s) {
    return s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
  }

  @Override
  public Optional<String> head(String path, int max) {
    return hostPath(path)
        .filter(ContainerPathResolver::ascii)
        .flatMap(h -> dev.tailor.tracer.record.HostPathResolver.readHead(h, max));
  }

  @Override
  public boolean isExecutableFile(String path) {
    return hostPath(path)
        .filter(ContainerPathResolver::ascii)
        .map(dev.tailor.tracer.record.HostPathResolver::executableFile)
        .orElse(false);
  }

  /** The file's mode; its owner only where the container's ids are the host's. */
  @Override
  public Optional<dev.tailor.tracer.record.FileStat> stat(String path) {
    return hostPath(path)
        .flatMap(dev.tailor.tracer.record.FileStat::of)
        .map(s -> hostIds ? s : new dev.tailor.tracer.record.FileStat(-1, -1, s.mode()));
  }
}
