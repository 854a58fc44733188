package dev.tailor.cli;

import dev.tailor.deploy.store.FolderSwap;
import dev.tailor.generator.apparmor.AppArmorGenerator;
import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.apparmor.AppArmorResult;
import dev.tailor.generator.apparmor.AppArmorWriter;
import dev.tailor.generator.apparmor.Generalisation;
import dev.tailor.generator.report.ArgumentSection;
import dev.tailor.generator.report.Report;
import dev.tailor.generator.seccomp.ObserveVariant;
import dev.tailor.generator.seccomp.SeccompGenerator;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompOptions;
import dev.tailor.generator.seccomp.SeccompProfile;
import dev.tailor.generator.seccomp.SeccompResult;
import dev.tailor.tracer.Arch;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.call.OpenMode;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.seccomp.SeccompException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Writes one profile folder: seccomp.json, its observe variant seccomp.observe.json,
 * apparmor.profile, recording.json and report.md.
 */
final class ProfileFolder {
  static final String APPARMOR_FILE = "apparmor.profile";
  static final String REPORT_FILE = "report.md";

  private ProfileFolder() {}

  /** What was written, for the summary line. */
  record Written(
      Path folder, int syscalls, int apparmorRules, int distinctPaths, List<String> notes) {
    /** The line learn and generate print when done. */
    String summary() {
      return String.format(
          "tailor: wrote %s (%d syscalls, %d AppArmor rules from %d paths)",
          folder, syscalls, apparmorRules, distinctPaths);
    }
  }

  /** Checks early that {@code out} can hold profile folders, so a long trace is not wasted. */
  static void checkWritable(Path out) throws CommandException {
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new CommandException(
          "cannot create output folder " + out + ": " + reason(e) + "; choose another with --out");
    }
    if (!Files.isWritable(out)) {
      throw new CommandException(
          "output folder " + out + " is not writable; choose another with --out");
    }
  }

  /** What a profile folder's files are made from. */
  private record Rendered(SeccompResult seccomp, AppArmorResult apparmor, String report) {}

  private static Rendered render(
      Recording recording, AppArmorOptions aa, SeccompOptions so, Report.Where where)
      throws CommandException {
    SeccompResult seccomp;
    try {
      seccomp = SeccompGenerator.generate(recording, so);
    } catch (SeccompException e) {
      throw new CommandException(e.getMessage());
    }
    AppArmorResult apparmor = AppArmorGenerator.generate(recording, aa);
    List<Report.Section> sections = new ArrayList<>();
    sections.add(ArgumentSection.of(seccomp.arguments(), so.argumentFilters()));
    if (!seccomp.notes().isEmpty()) {
      StringBuilder s = new StringBuilder();
      for (String n : seccomp.notes()) {
        s.append("- ").append(n.replace('\n', ' ')).append('\n');
      }
      sections.add(new Report.Section("seccomp notes", s.toString()));
    }
    sections.add(new Report.Section("AppArmor generalisations", generalisations(apparmor)));
    return new Rendered(seccomp, apparmor, new Report(recording, sections, where).render());
  }

  /**
   * Renders a tiny profile on a background thread and throws it away, so that what writes profiles
   * (Jackson, the generators, libseccomp) is loaded and compiled while the trace runs (the trace's
   * own start-up takes a few tenths of a second) rather than after it.
   */
  static void warmUp() {
    Thread t =
        new Thread(
            () -> {
              try {
                Recorder r =
                    new Recorder(
                        "warm-up",
                        "warm-up",
                        PathResolver.LEXICAL,
                        UnaryOperator.identity(),
                        Optional.of("/"));
                r.addSyscallCount("read", 1);
                r.addSyscallCount("ioctl", 1);
                r.recordArgument("ioctl", 1, 0x5401, 1);
                r.recordOpen("/etc/hostname", OpenMode.of(0), "");
                // a temporary name, so that what judges names (LetterPairs' table) loads now too
                r.recordOpen(
                    "/tmp/warm-up-Ab3xYz.tmp", OpenMode.of(OpenMode.O_RDWR | OpenMode.O_CREAT), "");
                Recording recording = r.toRecording("warm-up", Arch.current());
                Rendered x =
                    render(
                        recording,
                        new AppArmorOptions(
                            AppArmorOptions.Mode.COMPLAIN,
                            AppArmorOptions.ExecMode.IX,
                            "",
                            "warm-up"),
                        SeccompOptions.DEFAULT,
                        new Report.Where("profiles-out/warm-up", false));
                SeccompJson.toJson(x.seccomp().profile());
                AppArmorWriter.write(x.apparmor().profile());
                RecordingJson.write(recording, java.io.OutputStream.nullOutputStream());
              } catch (CommandException | IOException | RuntimeException | OutOfMemoryError e) {
                // Only a warm-up: the real profile reports its own errors (and the JVM's
                // "Exception in thread" line would break tailor's one line on running out of
                // memory).
              }
            },
            "tailor-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  static Written write(Path out, Recording recording, ProfileOptions options)
      throws CommandException {
    return write(out, recording, options, FolderSwap.Links.FOLLOW);
  }

  /**
   * As {@link #write(Path, Recording, ProfileOptions)}; {@code links} says what a linked folder
   * gets.
   */
  static Written write(
      Path out, Recording recording, ProfileOptions options, FolderSwap.Links links)
      throws CommandException {
    Path folder = out.resolve(recording.name());
    // A hook's learn writes into the hooks' store (and refuses links there): its report must not
    // say to copy the store into itself.
    boolean inStore =
        links == FolderSwap.Links.REFUSE
            || out.toAbsolutePath().normalize().equals(dev.tailor.deploy.store.ProfileStore.DEFAULT)
            || Files.exists(out.resolve(dev.tailor.deploy.store.ProfileStore.BINDINGS));
    Rendered rendered =
        render(
            recording,
            apparmorOptions(recording.name(), options),
            options.seccomp(),
            new Report.Where(folder.toString(), inStore));
    SeccompResult seccomp = rendered.seccomp();
    AppArmorResult apparmor = rendered.apparmor();
    String report = rendered.report();

    List<FolderSwap.File> files =
        List.of(
            new FolderSwap.File(SeccompJson.FILE_NAME, text(SeccompJson.toJson(seccomp.profile()))),
            new FolderSwap.File(
                ObserveVariant.FILE_NAME,
                text(SeccompJson.toJson(observeVariant(seccomp.profile())))),
            new FolderSwap.File(APPARMOR_FILE, text(AppArmorWriter.write(apparmor.profile()))),
            new FolderSwap.File(
                RecordingJson.FILE_NAME, stream -> RecordingJson.write(recording, stream)),
            new FolderSwap.File(REPORT_FILE, text(report)));
    try {
      FolderSwap.replace(folder, files, links);
    } catch (IOException e) {
      throw new CommandException(
          "cannot write profiles to "
              + folder
              + ": "
              + reason(e)
              + "; the folder was left as it was: fix that (e.g. free some space) or choose another folder with --out");
    }
    List<String> notes = new ArrayList<>(seccomp.notes());
    int entries = seccomp.profile().syscalls().stream().mapToInt(r -> r.names().size()).sum();
    int bytes = SeccompJson.toJson(seccomp.profile()).getBytes(StandardCharsets.UTF_8).length;
    if (entries > dev.tailor.deploy.export.Export.MAX_ENTRIES
        || bytes > dev.tailor.deploy.export.Export.MAX_BYTES) {
      // Issue 18: KEP-6061's runtimes and the SPO refuse larger profiles; say so before it is
      // deployed.
      notes.add(
          "seccomp.json holds "
              + entries
              + " syscall entries (names across its rules) and "
              + bytes
              + " bytes; Kubernetes' profile artifacts (KEP-6061) and the security-profiles-operator take at most "
              + dev.tailor.deploy.export.Export.MAX_ENTRIES
              + " entries and 1 MiB per profile");
    }
    return new Written(
        folder,
        recording.syscalls().size(),
        apparmor.profile().ruleCount(),
        apparmor.distinctPaths(),
        notes);
  }

  /**
   * The log variant written beside seccomp.json, for runtimes without listenerPath (Docker,
   * Kubernetes).
   */
  private static SeccompProfile observeVariant(SeccompProfile p) throws CommandException {
    try {
      return ObserveVariant.logging(p);
    } catch (SeccompException e) {
      throw new CommandException(
          "cannot make the observe variant of seccomp.json: " + e.getMessage());
    }
  }

  /** The line that says a trace was not read whole, so a CI log shows it and not only report.md. */
  static Optional<String> unusedLines(Recording r, boolean strictOption) {
    if (r.unusedLines() == 0) {
      return Optional.empty();
    }
    String first =
        r.diagnostics().isEmpty()
            ? ""
            : " (first: "
                + r.diagnostics().get(0).source()
                + ":"
                + r.diagnostics().get(0).line()
                + " "
                + r.diagnostics().get(0).message()
                + ")";
    return Optional.of(
        "tailor: warning: "
            + r.unusedLines()
            + " trace lines were not used"
            + first
            + "; they are listed in report.md"
            + (strictOption ? "; --strict makes them an error" : ""));
  }

  static AppArmorOptions apparmorOptions(String name, ProfileOptions o) throws CommandException {
    try {
      return o.apparmor(name);
    } catch (UsageException e) {
      throw new CommandException(e.getMessage(), Main.EXIT_USAGE);
    }
  }

  private static String generalisations(AppArmorResult r) {
    StringBuilder s = new StringBuilder();
    s.append(r.distinctPaths())
        .append(" paths needed a rule; the profile has ")
        .append(r.profile().ruleCount())
        .append(" rules.\n\n");
    if (r.generalisations().isEmpty()) {
      s.append("No paths were generalised.\n");
      return s.toString();
    }
    for (Generalisation g : r.generalisations()) {
      s.append("- ")
          .append(Report.code(g.pattern()))
          .append(": ")
          .append(g.reason().replace('\n', ' '))
          .append(" (replaces ")
          .append(g.replacedPaths().size())
          .append(": ");
      List<String> shown = g.replacedPaths().subList(0, Math.min(8, g.replacedPaths().size()));
      s.append(String.join(", ", shown.stream().map(Report::code).toList()));
      if (g.replacedPaths().size() > shown.size()) {
        s.append(", ...");
      }
      s.append(")\n");
    }
    return s.toString();
  }

  private static FolderSwap.Content text(String text) {
    return out -> out.write(text.getBytes(StandardCharsets.UTF_8));
  }

  static String reason(IOException e) {
    return dev.tailor.tracer.TextFiles.reason(e);
  }
}
