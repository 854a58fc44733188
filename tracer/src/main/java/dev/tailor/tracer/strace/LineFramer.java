package dev.tailor.tracer.strace;

import java.util.Arrays;
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

  /**
   * Bytes of the current line past {@link #MAX_LINE}, of which {@link #tail} keeps the last: not 0
   * once the line overflowed.
   */
  private long tailWritten;

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
      if (length == 0 && tailWritten == 0 && i - start <= MAX_LINE) {
        // The whole line is in the caller's buffer: parse it there, no copy.
        whole(buf, start, i);
      } else {
        append(buf, start, i - start);
        endLine();
      }
      start = i + 1;
    }
    append(buf, start, end - start);
  }

  /**
   * Ends the input: the head of a last line without its newline, as printable text, if there is
   * one. That line counts as read.
   */
  Optional<String> endInput() {
    if (length > 0 || tailWritten > 0) {
      // strace ends every line it writes: a last line without its newline was cut (a file cut
      // short, a tracer killed mid-write), and even a result that reads whole may be a cut one
      // ("= 3" of "= 3</etc/localtime>"), so none of it is used.
      lineNumber++;
      int n = Math.min(length, 160);
      length = 0;
      tailWritten = 0;
      return Optional.of(StraceText.printable(StraceBytes.latin1(line, 0, n), 160));
    }
    return Optional.empty();
  }

  private void append(byte[] buf, int off, int len) {
    if (tailWritten > 0) {
      appendTail(buf, off, len);
      return;
    }
    int fits = Math.min(len, MAX_LINE - length);
    if (length + fits > line.length) {
      line = Arrays.copyOf(line, Math.min(MAX_LINE, Math.max(length + fits, line.length * 2)));
    }
    System.arraycopy(buf, off, line, length, fits);
    length += fits;
    if (fits < len) {
      appendTail(buf, off + fits, len - fits);
    }
  }

  private void appendTail(byte[] buf, int off, int len) {
    for (int i = 0; i < len; i++) {
      tail[(int) (tailWritten++ % TAIL)] = buf[off + i];
    }
  }

  /** Counts a line not cut, {@code b[off, n)}, and hands it on without a {@code \r} ending it. */
  private void whole(byte[] b, int off, int n) {
    lineNumber++;
    if (n > off && b[n - 1] == '\r') {
      n--;
    }
    if (n > off) {
      lines.line(b, off, n, false);
    }
  }

  private void endLine() {
    int len = length;
    length = 0;
    if (tailWritten == 0) {
      whole(line, 0, len);
      return;
    }
    lineNumber++;
    // Keep the head (pid, name, first arguments) and the tail (the result) of an oversized line.
    int keep = (int) Math.min(TAIL, tailWritten);
    byte[] joined = Arrays.copyOf(line, len + keep);
    for (int k = 0; k < keep; k++) {
      joined[len + k] = tail[(int) ((tailWritten - keep + k) % TAIL)];
    }
    tailWritten = 0;
    lines.line(joined, 0, joined.length, true);
  }
}
