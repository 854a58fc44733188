package dev.tailor.tracer.backend;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * One run of a tool tailor needs an answer from (a bpftrace probe, a mount), with its output
 * captured and a time limit that really holds: commons-exec's watchdog kills a tool that hangs,
 * where reading its output first and waiting after would block forever. The workload itself is
 * never run this way (see {@link StraceBackend}).
 *
 * @param output stdout and stderr together
 * @param timedOut whether the watchdog had to kill it
 */
public record ToolInvocation(int exitCode, String output, boolean timedOut) {
  /** Runs {@code argv} with empty stdin, waiting at most {@code limit}. */
  public static ToolInvocation run(List<String> argv, Duration limit) throws IOException {
    CommandLine line = new CommandLine(argv.get(0));
    for (String arg : argv.subList(1, argv.size())) {
      line.addArgument(arg, false); // passed as is: no quoting games with the tool's arguments
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(limit).get();
    DefaultExecutor executor = DefaultExecutor.builder()
        .setExecuteStreamHandler(new PumpStreamHandler(out, out, new ByteArrayInputStream(new byte[0])))
        .get();
    executor.setWatchdog(watchdog);
    executor.setExitValues(null); // every exit code is an answer, not an exception
    int code = executor.execute(line);
    return new ToolInvocation(code, out.toString(StandardCharsets.UTF_8), watchdog.killedProcess());
  }
}
