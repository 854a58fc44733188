package dev.tailor.cli;

import dev.tailor.deploy.observe.ContainerOfPid;
import dev.tailor.deploy.observe.KernelLogObserver;
import dev.tailor.deploy.observe.ObservedFolder;
import dev.tailor.deploy.store.ProfileStore;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code tailor observe --kernel-log}: reads the kernel's seccomp audit lines of containers that
 * run a profile's log variant and writes them to each profile's observed folder, until SIGTERM or
 * SIGINT.
 */
final class KernelLogObservation {
  private KernelLogObservation() {}

  static int run(ProfileStore store, Path dockerRoot, Duration flush, PrintWriter err)
      throws CommandException {
    ContainerOfPid containers =
        new ContainerOfPid(
            Path.of("/proc"),
            dockerRoot,
            List.of(
                Path.of("/var/lib/containers/storage/overlay-containers"),
                Path.of("/run/containerd/io.containerd.runtime.v2.task"),
                Path.of("/run/docker/containerd/daemon/io.containerd.runtime.v2.task")),
            store);
    KernelLogObserver observer;
    InputStream kmsg;
    try {
      observer =
          new KernelLogObserver(
              containers,
              profile -> ObservedFolder.of(store, profile),
              KernelLogObserver.bootMicrosNow(),
              err);
      kmsg = new FileInputStream("/dev/kmsg");
    } catch (IOException e) {
      throw new CommandException(
          "cannot read the kernel log /dev/kmsg ("
              + e.getMessage()
              + "): run as root, or "
              + "where kernel.dmesg_restrict allows it");
    }
    Thread reader =
        new Thread(
            () -> {
              try {
                observer.read(kmsg, flush.toMillis());
              } catch (IOException e) {
                err.println("tailor observe: the kernel log failed: " + e.getMessage());
                err.flush();
              }
            },
            "tailor-kernel-log");
    reader.setDaemon(true);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  observer.flush();
                  err.println(
                      "tailor observe: stopped; observations written (" + observer.counts() + ")");
                  err.flush();
                },
                "tailor-kernel-log-stop"));
    err.println(
        "tailor observe: reading seccomp audit lines from /dev/kmsg for the containers in observe mode");
    err.flush();
    reader.start();
    while (reader.isAlive()) {
      try {
        reader.join(flush.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      observer.flush();
    }
    observer.flush();
    return 0;
  }
}
