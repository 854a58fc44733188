package dev.tailor.generator.apparmor;

import dev.tailor.tracer.Access;
import java.util.Set;

/**
 * File permissions of one rule as bits, so rules can be merged and compared before they are
 * written.
 */
record Perms(int bits) {
  static final int R = 1;
  static final int W = 2;
  static final int A = 4;
  static final int L = 8;
  static final int K = 16;
  static final int M = 32;
  static final int X = 64;

  static final Perms NONE = new Perms(0);
  static final Perms READ = new Perms(R);

  Perms {
    // 'a' is a subset of 'w', and AppArmor refuses both on one rule.
    if ((bits & W) != 0) {
      bits &= ~A;
    }
  }

  /** The permissions the successful accesses need; STAT needs none. */
  static Perms of(Set<Access> accesses) {
    int b = 0;
    for (Access a : accesses) {
      b |=
          switch (a) {
            case READ -> R;
            case WRITE, CREATE, DELETE, RENAME, MKDIR, SETATTR -> W;
            case APPEND -> A;
            case LOCK -> K;
            case LINK -> L;
            // The loader maps libraries after reading them; 'm' alone cannot be used.
            case MMAP_EXEC -> M | R;
            case EXEC -> X;
            case STAT -> 0;
          };
    }
    return new Perms(b);
  }

  /**
   * The permissions written as letters ({@code mrwk}, {@code rix}). Exec letters count only when
   * {@code withExec}: an abstraction's exec rule has its own transition and never stands in for
   * ours.
   */
  static Perms parse(String letters, boolean withExec) {
    int bits = 0;
    for (char c : letters.toCharArray()) {
      bits |=
          switch (c) {
            case 'r' -> R;
            case 'w' -> W;
            case 'a' -> A;
            case 'l' -> L;
            case 'k' -> K;
            case 'm' -> M;
            case 'x' -> withExec ? X : 0;
            default -> 0;
          };
    }
    return new Perms(bits);
  }

  Perms union(Perms other) {
    return new Perms(bits | other.bits);
  }

  boolean isEmpty() {
    return bits == 0;
  }

  boolean has(int bit) {
    return (bits & bit) != 0;
  }

  /** Whether every permission here is also in {@code other}. */
  boolean within(Perms other) {
    return (bits & ~other.bits) == 0;
  }

  /** Whether the rule lets the workload change anything (not just read, map, lock). */
  boolean changes() {
    return (bits & (W | A | L | X)) != 0;
  }

  /** The letters as a profile writes them, with the exec mode given. */
  String letters(String execToken) {
    // Debian's order: "mr" for libraries, "rwk", "ix".
    StringBuilder s = new StringBuilder();
    if (has(M)) s.append('m');
    if (has(R)) s.append('r');
    if (has(W)) s.append('w');
    if (has(A)) s.append('a');
    if (has(L)) s.append('l');
    if (has(K)) s.append('k');
    if (has(X)) s.append(execToken);
    return s.toString();
  }
}
