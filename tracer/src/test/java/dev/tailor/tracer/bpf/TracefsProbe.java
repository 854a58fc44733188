package dev.tailor.tracer.bpf;

import java.nio.file.Files;

/** Run by TracefsTest in a mount namespace of its own: mounts tracefs as the bpf backend does. */
public final class TracefsProbe {
  private TracefsProbe() {}

  public static void main(String[] args) throws Exception {
    BpfBackend.ensureTracefs();
    System.out.println(Files.isDirectory(BpfBackend.TRACEFS.get(0).resolve("events/raw_syscalls")) ? "mounted" : "missing");
  }
}
