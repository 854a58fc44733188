package dev.tailor.deploy.observe;

import dev.tailor.deploy.store.ProfileStore;

/**
 * A container (or a host process under {@code tailor enforce --observe}) whose profile is on trial:
 * the calls its profile lacks are reported, not refused.
 *
 * @param id the container id ({@link ProfileStore#isValidId}); for a host process, its label
 * @param profile the profile the calls are reported against: they land in {@code
 *     STORE/profile/observed/}
 * @param name what people call it (podman's container name where the runtime said, else the id),
 *     printable, for reports and the status list
 * @param source how its calls are seen: {@link #NOTIFY} or {@link #KERNEL_LOG}
 */
public record ObservedContainer(String id, String profile, String name, String source) {
  /** Seen through seccomp user notification (runc's listenerPath, tailor enforce --observe). */
  public static final String NOTIFY = "notify";

  /** Seen in the kernel log (SCMP_ACT_LOG audit lines), for runtimes without listenerPath. */
  public static final String KERNEL_LOG = "kernel-log";

  public ObservedContainer {
    if (!ProfileStore.isValidId(id)) {
      throw new IllegalArgumentException("not a container id: " + ProfileStore.printable(id));
    }
    if (!ProfileStore.isValidProfileName(profile)) {
      throw new IllegalArgumentException("not a profile name: " + ProfileStore.printable(profile));
    }
    name = ProfileStore.printable(name.isEmpty() ? id : name);
    if (!source.equals(NOTIFY) && !source.equals(KERNEL_LOG)) {
      throw new IllegalArgumentException("unknown source " + source);
    }
  }
}
