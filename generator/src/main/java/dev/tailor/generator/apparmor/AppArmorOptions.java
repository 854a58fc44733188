package dev.tailor.generator.apparmor;

import dev.tailor.tracer.Recording;

/**
 * How to write an AppArmor profile: its mode, how executed programs are confined, the optional
 * attachment path and the profile name.
 *
 * @param attachment the resolved executable the profile attaches to, absolute, in {@link
 *     dev.tailor.tracer.PathText} form, or empty for an unattached profile
 * @param profileName only {@code [A-Za-z0-9._-]}
 * @param keepInherited whether files the workload only used through descriptors it inherited get
 *     rules too ({@link Recording#inherited()}); by default they say where it was started, not what
 *     it does
 */
public record AppArmorOptions(
    Mode mode, ExecMode execMode, String attachment, String profileName, boolean keepInherited) {

  /** Whether the kernel only logs what the profile would deny, or denies it. */
  public enum Mode {
    COMPLAIN,
    ENFORCE
  }

  /** The exec transition written for programs the workload ran. */
  public enum ExecMode {
    /** Inherit: the program runs under this profile (the default; nothing else to load). */
    IX("ix"),
    /** Each program needs a profile of its own, loaded separately. */
    PX("px"),
    /** Each program gets a child profile inside this one, drafted in complain mode. */
    CX("cx");

    private final String token;

    ExecMode(String token) {
      this.token = token;
    }

    /** The permission letters AppArmor writes for this mode. */
    public String token() {
      return token;
    }
  }

  public AppArmorOptions {
    if (mode == null || execMode == null || attachment == null) {
      throw new NullPointerException("mode, execMode and attachment are required");
    }
    if (!attachment.isEmpty() && !attachment.startsWith("/")) {
      throw new IllegalArgumentException("attachment must be an absolute path: " + attachment);
    }
    if (!Recording.isValidName(profileName)) {
      throw new IllegalArgumentException(
          "profile name must match " + Recording.NAME_CHARS + "+: " + profileName);
    }
  }

  /** Options that leave inherited files out. */
  public AppArmorOptions(Mode mode, ExecMode execMode, String attachment, String profileName) {
    this(mode, execMode, attachment, profileName, false);
  }

  /** The usual draft: complain mode, programs inherit the profile, no attachment. */
  public static AppArmorOptions draft(String profileName) {
    return new AppArmorOptions(Mode.COMPLAIN, ExecMode.IX, "", profileName);
  }
}
