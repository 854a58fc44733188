package dev.tailor.tracer.record;

import java.util.ArrayDeque;
import java.util.Deque;

/** Lexical operations on absolute paths held one char per byte. */
public final class PathNames {
  private PathNames() {}

  /** Removes {@code .}, {@code ..} and empty components; the result is absolute. */
  public static String normalize(String path) {
    if (path.indexOf("/.") < 0
        && path.indexOf("//") < 0
        && (path.length() == 1 || !path.endsWith("/"))) {
      return path;
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String p : path.split("/")) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(p);
      }
    }
    return "/" + String.join("/", parts);
  }

  /** {@code dir} joined with {@code name}; an absolute name stands alone. */
  static String join(String dir, String name) {
    if (name.startsWith("/")) {
      return name;
    }
    if (name.isEmpty()) {
      return dir;
    }
    return dir.endsWith("/") ? dir + name : dir + "/" + name;
  }

  /** The parent of a normalized absolute path ("/" for "/x" and "/"). */
  static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  /** The last component of a normalized absolute path. */
  static String lastName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
