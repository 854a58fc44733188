package dev.tailor.tracer;

import java.util.List;

/**
 * A process tailor attached to, as /proc described it at the time.
 *
 * @param exe the resolved executable
 * @param uid real, effective, saved and filesystem uid as /proc/PID/status lists them
 * @param capEff the effective capability mask in hex
 */
public record Target(int pid, String exe, List<String> cmdline, String uid, String capEff) {
  public Target {
    cmdline = List.copyOf(cmdline);
  }
}
