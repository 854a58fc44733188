package dev.tailor.tracer.record;

import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The life of one name in one run, in call order: whether the run made the name (an exclusive
 * create, mkdir, link, symlink, mknod, or a create or rename onto a name known to be gone) before
 * anything else used it, and whether its last event removed it (unlink, rmdir, renamed away). A
 * name the run made and removed lived only inside the run, as temporary names do, wherever it lies.
 * Also where, in the name's last part, a number equal to the creating process's pid stood at every
 * creation (positions only: the pid itself differs in every run).
 */
final class NameLife {
  private enum State {
    /** Nothing seen yet: the name may exist. */
    UNKNOWN,
    /** A call found no such name (ENOENT). */
    ABSENT,
    /** Present: the run made it or used it. */
    PRESENT,
    /** The run removed it, or renamed it away. */
    GONE
  }

  private State state = State.UNKNOWN;

  /** Whether the run made this name at least once. */
  private boolean made;

  /** Whether the run used a version of the name it did not make (one that existed before it). */
  private boolean found;

  /**
   * Positions of pid digits in the last part of the name, common to every creation; null before
   * one.
   */
  private TreeSet<Integer> pidAt;

  /** A call failed with ENOENT on the name: it did not exist then. */
  void absent() {
    if (state != State.PRESENT) {
      state = State.ABSENT;
    }
  }

  /**
   * A call made the name: {@code certain} when the call itself proves it (O_EXCL, mkdir, link),
   * otherwise only when the name was known to be gone (O_CREAT, a rename target).
   */
  void create(boolean certain, String rawPath, int pid) {
    if (!certain && state != State.ABSENT && state != State.GONE) {
      use();
      return;
    }
    made = true;
    state = State.PRESENT;
    TreeSet<Integer> at = pidDigits(rawPath, pid);
    if (pidAt == null) {
      pidAt = at;
    } else {
      pidAt.retainAll(at);
    }
  }

  /** A call used the name as it was: a name not made by the run existed before it. */
  void use() {
    if (state != State.PRESENT) {
      found = true;
      state = State.PRESENT;
    }
  }

  /** The name was removed or renamed away. */
  void remove() {
    // Removing a name not known to be there removes a version the run did not make.
    found |= state != State.PRESENT;
    state = State.GONE;
  }

  /** Whether the run made the name, used no version of it made elsewhere, and left it removed. */
  boolean shortLived() {
    return made && !found && state == State.GONE;
  }

  /** Where pid digits stood at every creation, if the name is short-lived. */
  SortedSet<Integer> pidAt() {
    return shortLived() && pidAt != null
        ? Collections.unmodifiableSortedSet(pidAt)
        : Collections.emptySortedSet();
  }

  /**
   * Start offsets, in the last part of {@code rawPath}, of runs of digits (not beside other digits)
   * that spell {@code pid}.
   */
  static TreeSet<Integer> pidDigits(String rawPath, int pid) {
    String digits = Integer.toString(pid);
    return DIGITS
        .matcher(rawPath.substring(rawPath.lastIndexOf('/') + 1))
        .results()
        .filter(m -> pid > 0 && m.group().equals(digits))
        .map(MatchResult::start)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** A run of ASCII digits, as long as it goes. */
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
}
