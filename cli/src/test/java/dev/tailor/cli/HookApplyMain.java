package dev.tailor.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Runs {@code hook apply} where no {@code tailor hook} command registers it yet: the tests' hook
 * launcher calls this with the words after {@code hook apply}.
 */
final class HookApplyMain {
  private HookApplyMain() {}

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new HookApplyCommand());
    cl.setErr(new PrintWriter(System.err, true));
    System.exit(cl.execute(args));
  }
}
