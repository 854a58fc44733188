package dev.tailor.tracer.strace;

import java.util.Optional;

/**
 * Cuts the bytes of a trace into lines through one reusable buffer, counting them. Memory is
 * constant: a line longer than {@link #MAX_LINE} keeps its head and its last bytes only, and comes
 * marked as cut.
 */
final class LineFramer {
  /** Longest line kept whole; longer lines keep this much of their head and their last bytes. */
  static final int MAX_LINE = 1 << 20;

  private static final int TAIL = 4096;

  /** Receives each line that is not empty, without its newline (and a {@code \r} before it). */
  interface Lines {
    void line(byte[] b, int off, int n, boolean cut);
  }

  private final Lines lines;
  private byte[] line = new byte[4096];
  private int length;
  private final byte[] tail = new byte[TAIL];
  private long tailWritten;
  private boolean overflowed;
  private long lineNumber;

  LineFramer(Lines lines) {
    this.lines = lines;
  }

  /** The number of the last line framed: while {@link Lines#line} runs, that line's. */
  long lineNumber() {
    return lineNumber;
  }

  /** Feeds the next bytes of the trace; complete lines go to {@link Lines#line} at once. */
  void feed(byte[] buf, int off, int len) {
    int end = off + len;
    int start = off;
    int i;
    while ((i = LineMemo.indexOfNewline(buf, start, end)) >= 0) {
      if (length == 0 && !overflowed && i - start <= MAX_LINE) {
        // The whole line is in the caller's buffer: parse it there, no copy.
        lineNumber++;
        int n = i;
        if (n > start && buf[n - 1] == '\r') {
          n--;
        }
        if (n > start) {
          lines.line(buf, start, n, false);
        }
      } else {
        append(buf, start, i - start);
        endLine();
      }
      start = i + 1;
    }
    if (start < end) {
      append(buf, start, end - start);
    }
  }

  /**
   * Ends the input: the head of a last line without its newline, as printable text, if there is
   * one. That line counts as read.
   */
  Optional<String> endInput() {
    if (length > 0 || overflowed) {
      // strace ends every line it writes: a last line without its newline was cut (a file cut
      // short, a tracer killed mid-write), and even a result that reads whole may be a cut one
      // ("= 3" of "= 3</etc/localtime>"), so none of it is used.
      lineNumber++;
      int n = Math.min(length, 160);
      length = 0;
      overflowed = false;
      tailWritten = 0;
      return Optional.of(StraceText.printable(StraceBytes.latin1(line, 0, n), 160));
    }
    return Optional.empty();
  }

  private void append(byte[] buf, int off, int len) {
    if (len == 0) {
      return;
    }
    if (overflowed) {
      appendTail(buf, off, len);
      return;
    }
    int need = length + len;
    if (need > MAX_LINE) {
      int fits = MAX_LINE - length;
      ensure(MAX_LINE);
      System.arraycopy(buf, off, line, length, fits);
      length = MAX_LINE;
      overflowed = true;
      appendTail(buf, off + fits, len - fits);
      return;
    }
    ensure(need);
    System.arraycopy(buf, off, line, length, len);
    length = need;
  }

  private void appendTail(byte[] buf, int off, int len) {
    for (int i = 0; i < len; i++) {
      tail[(int) (tailWritten++ % TAIL)] = buf[off + i];
    }
  }

  private void ensure(int need) {
    if (need > line.length) {
      int size = line.length;
      while (size < need) {
        size = Math.min(MAX_LINE, size * 2);
      }
      line = java.util.Arrays.copyOf(line, size);
    }
  }

  private void endLine() {
    lineNumber++;
    boolean cut = overflowed;
    if (overflowed) {
      // Keep the head (pid, name, first arguments) and the tail (the result) of an oversized line.
      int keep = (int) Math.min(TAIL, tailWritten);
      byte[] joined = new byte[length + keep];
      System.arraycopy(line, 0, joined, 0, length);
      for (int k = 0; k < keep; k++) {
        joined[length + k] = tail[(int) ((tailWritten - keep + k) % TAIL)];
      }
      overflowed = false;
      tailWritten = 0;
      int len = joined.length;
      length = 0;
      lines.line(joined, 0, len, cut);
      return;
    }
    int len = length;
    length = 0;
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    if (len > 0) {
      lines.line(line, 0, len, false);
    }
  }
}
