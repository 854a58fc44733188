package dev.tailor.deploy.apply;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * The precreate hook's cheap first look: whether a config certainly passes through {@link
 * HookApply} unchanged, decided without Jackson, libseccomp or the store's profiles, so the hook
 * that runs for every container loads a handful of classes. It is certain only when the store has
 * no {@code bindings.json} (nothing can pick a profile by command or image) and the config is one
 * strict JSON object whose {@code annotations} name no {@code io.tailor.*} key (neither {@code
 * io.tailor.profile} nor any other key of tailor's). Anything else, any doubt (a byte outside
 * ASCII, a duplicate key, deep nesting, a long number, JSON the full parser might read otherwise),
 * is "not certain": the caller then runs the full hook, which decides and fails closed as it always
 * did. A wrong "certain" would start a container unconfined, so this errs only towards "not
 * certain".
 */
public final class PassThrough {
  /** Deeper than this, the full parser decides. */
  private static final int MAX_DEPTH = 200;

  /** Longer numbers than this, the full parser decides (Jackson's own limit is 1000). */
  private static final int MAX_NUMBER = 100;

  /** Every annotation key of tailor's starts so: the hook itself reads them. */
  static final String TAILOR_PREFIX = "io.tailor.";

  private final byte[] b;
  private int pos;
  private boolean tailorKey;

  private PassThrough(byte[] b) {
    this.b = b;
  }

  /**
   * Whether {@code config} certainly passes through the hook of {@code store} byte for byte: true
   * only when the full hook would also echo it unchanged.
   */
  public static boolean certain(byte[] config, Path store) {
    if (config.length == 0 || config.length > HookApply.MAX_CONFIG) {
      return false;
    }
    // notExists is true only when the file is known to be absent: a store that cannot be read
    // (permissions) is left to the full hook, which then fails as it always did.
    Path bindings = store.toAbsolutePath().normalize().resolve("bindings.json");
    if (!Files.notExists(bindings, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    return plainConfig(config);
  }

  /**
   * Whether {@code config} is one strict JSON object whose annotations hold no {@code io.tailor.*}
   * key.
   */
  static boolean plainConfig(byte[] config) {
    PassThrough s = new PassThrough(config);
    s.space();
    if (s.pos >= config.length || config[s.pos] != '{') {
      return false;
    }
    if (!s.value(1, false)) {
      return false;
    }
    s.space();
    return s.pos == config.length && !s.tailorKey;
  }

  private void space() {
    while (pos < b.length
        && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\n' || b[pos] == '\r')) {
      pos++;
    }
  }

  /** Reads one value at {@code pos}; {@code annotations} marks the top-level annotations object. */
  private boolean value(int depth, boolean annotations) {
    if (pos >= b.length) {
      return false;
    }
    byte c = b[pos];
    if (c == '{') {
      return depth <= MAX_DEPTH && object(depth, annotations);
    }
    if (annotations) {
      // The full hook ignores annotations that are not an object, but no runtime writes that: let
      // it judge.
      return false;
    }
    if (c == '[') {
      return depth <= MAX_DEPTH && array(depth);
    }
    if (c == '"') {
      return string() != null;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return number();
    }
    return literal("true") || literal("false") || literal("null");
  }

  private boolean object(int depth, boolean annotations) {
    pos++; // {
    space();
    if (pos < b.length && b[pos] == '}') {
      pos++;
      return true;
    }
    Set<String> keys = new HashSet<>();
    while (true) {
      space();
      if (pos >= b.length || b[pos] != '"') {
        return false;
      }
      String key = string();
      if (key == null || !keys.add(key)) {
        return false;
      }
      if (annotations && key.startsWith(TAILOR_PREFIX)) {
        tailorKey = true;
      }
      space();
      if (pos >= b.length || b[pos] != ':') {
        return false;
      }
      pos++;
      space();
      if (!value(depth + 1, depth == 1 && key.equals("annotations"))) {
        return false;
      }
      space();
      if (pos >= b.length) {
        return false;
      }
      if (b[pos] == ',') {
        pos++;
      } else if (b[pos] == '}') {
        pos++;
        return true;
      } else {
        return false;
      }
    }
  }

  private boolean array(int depth) {
    pos++; // [
    space();
    if (pos < b.length && b[pos] == ']') {
      pos++;
      return true;
    }
    while (true) {
      space();
      if (!value(depth + 1, false)) {
        return false;
      }
      space();
      if (pos >= b.length) {
        return false;
      }
      if (b[pos] == ',') {
        pos++;
      } else if (b[pos] == ']') {
        pos++;
        return true;
      } else {
        return false;
      }
    }
  }

  /**
   * Reads a string at {@code pos} (the opening quote) and returns it decoded, or null when in
   * doubt.
   */
  private String string() {
    pos++; // "
    StringBuilder s = new StringBuilder();
    while (pos < b.length) {
      int c = b[pos++];
      if (c == '"') {
        return s.toString();
      }
      if (c < 0x20) {
        // a control byte (JSON forbids them unescaped), or any byte past ASCII (negative here): the
        // full parser judges
        return null;
      }
      if (c != '\\') {
        s.append((char) c);
        continue;
      }
      if (pos >= b.length) {
        return null;
      }
      int e = b[pos++];
      switch (e) {
        case '"', '\\', '/' -> s.append((char) e);
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          if (pos + 4 > b.length) {
            return null;
          }
          int v = 0;
          for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[pos++], 16);
            if (d < 0) {
              return null;
            }
            v = v * 16 + d;
          }
          if (Character.isSurrogate((char) v)) {
            return null;
          }
          s.append((char) v);
        }
        default -> {
          return null;
        }
      }
    }
    return null;
  }

  private boolean number() {
    int start = pos;
    if (b[pos] == '-') {
      pos++;
    }
    if (pos < b.length && b[pos] == '0') {
      pos++;
    } else if (!digits()) {
      return false;
    }
    if (pos < b.length && b[pos] == '.') {
      pos++;
      if (!digits()) {
        return false;
      }
    }
    if (pos < b.length && (b[pos] == 'e' || b[pos] == 'E')) {
      pos++;
      if (pos < b.length && (b[pos] == '+' || b[pos] == '-')) {
        pos++;
      }
      if (!digits()) {
        return false;
      }
    }
    return pos - start <= MAX_NUMBER;
  }

  private boolean digits() {
    int start = pos;
    while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
      pos++;
    }
    return pos > start;
  }

  private boolean literal(String word) {
    if (pos + word.length() > b.length) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      if (b[pos + i] != word.charAt(i)) {
        return false;
      }
    }
    pos += word.length();
    return true;
  }
}
