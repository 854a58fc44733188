package dev.tailor.tracer.record;

/**
 * How far a recording has got, for a status line: calls, distinct syscalls, paths and processes
 * seen so far. Written by the thread that feeds the {@link Recorder} (one at a time, handed over by
 * a join), read from any thread; each figure is published on its own, so a reader may see one a
 * call ahead of another.
 */
public final class Progress {
  private volatile long calls;
  private volatile int distinctSyscalls;
  private volatile int files;
  private volatile int processes;

  /** Calls seen so far. */
  public long calls() {
    return calls;
  }

  /** Distinct syscalls seen so far. */
  public int distinctSyscalls() {
    return distinctSyscalls;
  }

  /** Distinct paths seen so far. */
  public int files() {
    return files;
  }

  /** Processes and threads seen so far. */
  public int processes() {
    return processes;
  }

  // Each writer below runs on the feeding thread only, so a read-then-write is not a lost update.

  /** Counts one call, as it is read: the status line moves with every call. */
  void called() {
    calls++;
  }

  /** Counts calls counted elsewhere (an in-kernel counter). */
  void called(long count) {
    calls += count;
  }

  void newSyscall() {
    distinctSyscalls++;
  }

  void newFile() {
    files++;
  }

  void newProcess() {
    processes++;
  }
}
