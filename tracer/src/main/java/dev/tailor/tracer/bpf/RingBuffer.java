package dev.tailor.tracer.bpf;

import com.sun.jna.Pointer;
import dev.tailor.tracer.sys.LibC;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The reading end of a BPF ring buffer map, mapped into tailor's memory: records arrive in the
 * order the kernel reserved them, across all CPUs, so a fork is always read before its child's
 * calls. The data pages are mapped twice in a row, so a record that wraps is contiguous.
 */
final class RingBuffer implements AutoCloseable {
  private static final int BUSY = 1 << 31;
  private static final int DISCARD = 1 << 30;
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  /**
   * Receives one record: {@code length} bytes at {@code offset} of {@code data} (native byte
   * order).
   */
  interface Sink {
    void record(ByteBuffer data, int offset, int length);
  }

  private final long page;
  private final long size;
  private final Pointer consumerPage;
  private final Pointer producerPages;
  private final ByteBuffer consumer;
  private final ByteBuffer producer;

  private RingBuffer(long page, long size, Pointer consumerPage, Pointer producerPages) {
    this.page = page;
    this.size = size;
    this.consumerPage = consumerPage;
    this.producerPages = producerPages;
    this.consumer = consumerPage.getByteBuffer(0, page).order(ByteOrder.nativeOrder());
    this.producer = producerPages.getByteBuffer(0, page + 2 * size).order(ByteOrder.nativeOrder());
  }

  /**
   * Maps ring buffer map {@code fd} of {@code size} bytes (a power of two, a multiple of the page
   * size).
   */
  static RingBuffer map(int fd, long size) throws IOException {
    long page = BpfKernel.pageSize();
    Pointer c =
        LibC.INSTANCE.mmap(null, page, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
    if (LibC.mapFailed(c)) {
      throw new IOException("cannot map the BPF ring buffer's consumer page");
    }
    Pointer p =
        LibC.INSTANCE.mmap(null, page + 2 * size, LibC.PROT_READ, LibC.MAP_SHARED, fd, page);
    if (LibC.mapFailed(p)) {
      LibC.INSTANCE.munmap(c, page);
      throw new IOException("cannot map the BPF ring buffer's data pages");
    }
    return new RingBuffer(page, size, c, p);
  }

  /** Hands every complete record to {@code sink}; returns how many. */
  int drain(Sink sink) {
    long cons = (long) LONGS.getAcquire(consumer, 0);
    int n = 0;
    while (true) {
      long prod = (long) LONGS.getAcquire(producer, 0);
      if (cons >= prod) {
        return n;
      }
      int at = (int) (page + (cons & (size - 1)));
      int header = (int) INTS.getAcquire(producer, at);
      if ((header & BUSY) != 0) {
        return n;
      }
      int length = header & ~(BUSY | DISCARD);
      if ((header & DISCARD) == 0) {
        sink.record(producer, at + 8, length);
        n++;
      }
      cons += (length + 8 + 7) & ~7L;
      LONGS.setRelease(consumer, 0, cons);
    }
  }

  /** Whether records are waiting (or being written). */
  boolean pending() {
    return (long) LONGS.getAcquire(consumer, 0) < (long) LONGS.getAcquire(producer, 0);
  }

  @Override
  public void close() {
    LibC.INSTANCE.munmap(producerPages, page + 2 * size);
    LibC.INSTANCE.munmap(consumerPage, page);
  }
}
