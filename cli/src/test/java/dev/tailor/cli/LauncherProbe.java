package dev.tailor.cli;

/** A stand-in for tailor's Main in LauncherTest: prints what the launcher gave the JVM. */
public final class LauncherProbe {
  private LauncherProbe() {}

  public static void main(String[] args) {
    System.out.println("args " + String.join(" ", args));
    System.out.println("probe " + System.getProperty("tailor.probe", "unset"));
    System.out.println("maxHeapMiB " + Runtime.getRuntime().maxMemory() / (1024 * 1024));
    System.out.println(
        "jvm "
            + String.join(
                " ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
            + " ");
  }
}
