package dev.tailor.tracer.bpf;

import dev.tailor.tracer.backend.TraceException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Attached programs and the thread that reads their ring into the recorder. */
final class RingReader {
  private final KernelProbes probes;
  private final BpfOutput output;
  private final Thread reader;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile Throwable failure;

  RingReader(KernelProbes probes, BpfOutput output) {
    this.probes = probes;
    this.output = output;
    this.reader = new Thread(this::read, "tailor-bpf-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try {
      RingBuffer ring = probes.ring();
      while (true) {
        int n = ring.drain(output);
        if (n == 0) {
          if (stopping.get() && !ring.pending()) {
            return;
          }
          // Polled: a wakeup per record would cost the workload (BPF_RB_NO_WAKEUP).
          Thread.sleep(2);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      failure = e;
    }
  }

  /** Reads what the ring still holds, then stops recording: later records are not the run's. */
  void stop() throws TraceException {
    stopping.set(true);
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    output.close();
    if (failure != null) {
      probes.close();
      throw new TraceException(
          TraceException.Kind.FAILED, "reading the kernel's events failed: " + failure, failure);
    }
  }

  /** Adds the kernel's counts to the recording and detaches the programs. */
  void finish() {
    try {
      output.finish(probes);
    } finally {
      probes.close();
    }
  }
}
