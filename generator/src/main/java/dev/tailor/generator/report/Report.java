package dev.tailor.generator.report;

import dev.tailor.tracer.Access;
import dev.tailor.tracer.CapabilityUse;
import dev.tailor.tracer.ContainerInfo;
import dev.tailor.tracer.Diagnostic;
import dev.tailor.tracer.ExecUse;
import dev.tailor.tracer.FileUse;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RuntimeBase;
import dev.tailor.tracer.SocketUse;
import dev.tailor.tracer.SyscallUse;
import dev.tailor.tracer.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code report.md}: what was seen and why each rule exists, plus the snippets that deploy the
 * profiles. Every value from the trace is in {@code PathText} form or printable ASCII, inside code
 * spans, so nothing the workload named can break the document.
 *
 * @param sections extra sections from the generators (title, markdown body), in order
 */
public record Report(Recording recording, List<Section> sections, Where where) {
  /** A titled block of markdown another generator contributes (seccomp notes, generalisations). */
  public record Section(String title, String markdown) {}

  /**
   * Where the profile folder was written, for the Deploy section's commands.
   *
   * @param folder the folder as the user named it ({@code --out} and the profile name)
   * @param inStore whether it is a folder of the hooks' profile store already (a hook's learn)
   */
  public record Where(String folder, boolean inStore) {}

  public Report {
    sections = List.copyOf(sections);
  }

  /** A report whose Deploy section names the default folder, {@code profiles-out/NAME}. */
  public Report(Recording recording, List<Section> sections) {
    this(recording, sections, new Where("profiles-out/" + recording.name(), false));
  }

  /** The markdown text. */
  public String render() {
    Recording r = recording;
    StringBuilder b = new StringBuilder(16_384);
    b.append("# tailor report: `").append(r.name()).append("`\n\n");
    long calls = r.syscalls().values().stream().mapToLong(SyscallUse::count).sum();
    b.append("- machine: `").append(r.arch()).append("`\n");
    b.append("- runs: ")
        .append(r.runs().stream().map(Report::code).collect(Collectors.joining(", ")))
        .append('\n');
    b.append("- processes and threads seen: ").append(r.processes()).append('\n');
    b.append("- syscalls: ")
        .append(r.syscalls().size())
        .append(" distinct, ")
        .append(calls)
        .append(" calls\n");
    b.append("- paths: ")
        .append(r.files().size())
        .append(" (")
        .append(r.files().values().stream().filter(FileUse::succeeded).count())
        .append(" accessed successfully)\n\n");

    if (!r.warnings().isEmpty()) {
      b.append("## Warnings\n\n");
      for (String w : r.warnings()) {
        b.append("- ").append(plain(w)).append('\n');
      }
      b.append('\n');
    }

    if (!r.targets().isEmpty()) {
      b.append("## Attached processes\n\n");
      b.append(
          "An attach sees only what happens after it: the start-up (exec, the dynamic loader, library "
              + "loading, configuration reads) and anything before the attach are missing from this recording. "
              + "Complete the profile by merging it with a recording of the program's start: "
              + "`tailor learn --name start -- CMD` then `tailor merge PROFILE_DIRS...`.\n\n");
      b.append(
          "| pid | executable | command line | uid (real eff saved fs) | CapEff |\n|---|---|---|---|---|\n");
      for (Target t : r.targets()) {
        b.append("| ")
            .append(t.pid())
            .append(" | ")
            .append(code(t.exe()))
            .append(" | ")
            .append(code(String.join(" ", t.cmdline())))
            .append(" | ")
            .append(code(t.uid()))
            .append(" | ")
            .append(code(t.capEff()))
            .append(" |\n");
      }
      b.append('\n');
    }

    if (!r.containers().isEmpty()) {
      b.append(
          "## Containers\n\nLearned through tailor's OCI hook: paths are the container's own view.\n\n");
      b.append("| container | image | runtime | command |\n|---|---|---|---|\n");
      for (ContainerInfo c : r.containers()) {
        b.append("| ")
            .append(code(c.id()))
            .append(" | ")
            .append(code(c.image()))
            .append(" | ")
            .append(code(c.runtime()))
            .append(" | ")
            .append(code(String.join(" ", c.args())))
            .append(" |\n");
      }
      b.append('\n');
    }

    boolean merged = r.runs().size() > 1;
    b.append(
        "## Syscalls\n\nEach syscall below was made by the workload and is allowed in `seccomp.json`; \"Argument rules\" "
            + "says which only with argument values like those seen, and whether clone3 is answered ENOSYS.\n\n");
    b.append("| syscall | calls | failed | errors")
        .append(merged ? " | runs" : "")
        .append(" |\n|---|---:|---:|---")
        .append(merged ? "|---" : "")
        .append("|\n");
    for (Map.Entry<String, SyscallUse> e : r.syscalls().entrySet()) {
      SyscallUse u = e.getValue();
      b.append("| ")
          .append(code(e.getKey()))
          .append(" | ")
          .append(u.count())
          .append(" | ")
          .append(u.failed())
          .append(" | ")
          .append(
              u.errors().entrySet().stream()
                  .map(x -> x.getKey() + " x" + x.getValue())
                  .collect(Collectors.joining(", ")));
      if (merged) {
        b.append(" | ").append(runs(u.runs(), r.runs().size()));
      }
      b.append(" |\n");
    }
    b.append('\n');
    runtimeBases(r, b);

    b.append(
        "## Files\n\nSuccessful accesses become AppArmor rules; failed ones need none and are listed for the record "
            + "(names that were looked up and do not exist, one line per folder, under Failed lookups).\n\n");
    b.append("| path | accesses | failed | calls")
        .append(merged ? " | runs" : "")
        .append(" |\n|---|---|---|---:")
        .append(merged ? "|---" : "")
        .append("|\n");
    // Failed lookups (a program searching PATH, its libraries or modules) come by the hundred and
    // need no rule: one line per folder below, so the rules stay in view.
    TreeMap<String, List<FileUse>> lookups = new TreeMap<>();
    for (FileUse f : r.files().values()) {
      if (isLookup(f)) {
        lookups
            .computeIfAbsent(
                f.path().substring(0, f.path().lastIndexOf('/') + 1), k -> new ArrayList<>())
            .add(f);
        continue;
      }
      b.append("| ")
          .append(code(f.path() + (f.directory() && !f.path().endsWith("/") ? "/" : "")))
          .append(" | ")
          .append(f.accesses().stream().map(Access::label).collect(Collectors.joining(" ")))
          .append(" | ")
          .append(
              f.failures().entrySet().stream()
                  .map(x -> x.getKey() + " (" + String.join(" ", x.getValue()) + ")")
                  .collect(Collectors.joining(", ")))
          .append(" | ")
          .append(f.count());
      if (merged) {
        b.append(" | ").append(runs(f.runs(), r.runs().size()));
      }
      b.append(" |\n");
    }
    b.append('\n');
    if (!lookups.isEmpty()) {
      appendLookups(b, lookups);
    }
    inherited(r, b);

    if (!r.sockets().isEmpty()) {
      b.append(
          "## Sockets\n\n| family | type | sockets | bound to | connected or sent to |\n|---|---|---:|---|---|\n");
      for (SocketUse s : r.sockets().values()) {
        b.append("| ")
            .append(s.family())
            .append(" | ")
            .append(s.type())
            .append(" | ")
            .append(s.count())
            .append(" | ")
            .append(s.local().stream().map(Report::code).collect(Collectors.joining(" ")))
            .append(" | ")
            .append(s.peers().stream().map(Report::code).collect(Collectors.joining(" ")))
            .append(" |\n");
      }
      b.append('\n');
    }

    if (!r.execs().isEmpty()) {
      b.append("## Executed programs\n\n| program | times | first argv |\n|---|---:|---|\n");
      for (ExecUse x : r.execs().values()) {
        b.append("| ")
            .append(code(x.path()))
            .append(" | ")
            .append(x.count())
            .append(" | ")
            .append(code(String.join(" ", x.argv())))
            .append(" |\n");
      }
      b.append('\n');
    }

    if (!r.capabilities().isEmpty()) {
      b.append("## Capabilities\n\n| capability | why |\n|---|---|\n");
      for (CapabilityUse c : r.capabilities().values()) {
        b.append("| ")
            .append(code(c.name()))
            .append(" | ")
            .append(c.reasons().stream().map(Report::code).collect(Collectors.joining(" ")))
            .append(" |\n");
      }
      b.append('\n');
    }

    for (Section s : sections) {
      b.append("## ").append(s.title()).append("\n\n").append(s.markdown());
      if (!s.markdown().endsWith("\n")) {
        b.append('\n');
      }
      b.append('\n');
    }

    if (!r.diagnostics().isEmpty()) {
      b.append("## Unused trace lines\n\n");
      for (Diagnostic d : r.diagnostics()) {
        b.append("- ")
            .append(code(d.source() + ":" + d.line()))
            .append(" ")
            .append(plain(d.message()))
            .append('\n');
      }
      if (r.unusedLines() > r.diagnostics().size()) {
        b.append("- ... ").append(r.unusedLines() - r.diagnostics().size()).append(" more\n");
      }
      b.append('\n');
    }

    b.append(deploy(r.name(), where));
    return b.toString();
  }

  /** Every call a runtime base adds to the workload's, with its reason. */
  private static void runtimeBases(Recording r, StringBuilder b) {
    if (r.runtimeBases().isEmpty()) {
      b.append(
          "## Container runtime\n\nNo runtime base is included (`--runtime none`): the profile holds the workload's "
              + "calls only. That is right for `tailor enforce`, systemd's `SystemCallFilter` and other loaders that apply "
              + "the filter right before the exec; a container runtime (runc, crun) makes calls of its own after it loads "
              + "the filter, and the container would not start.\n\n");
      return;
    }
    b.append(
        "## Container runtime\n\nA container runtime loads the filter, then finishes the container's set-up "
            + "(closes fds, drops capabilities, changes ids) and execs the workload: `seccomp.json` also allows these "
            + "calls, which the workload itself did not make.\n\n");
    b.append("| syscall | why |\n|---|---|\n");
    java.util.TreeMap<String, List<String>> reasons = new java.util.TreeMap<>();
    for (RuntimeBase base : r.runtimeBases()) {
      for (String name : base.syscalls()) {
        if (!r.syscalls().containsKey(name)) {
          reasons
              .computeIfAbsent(name, k -> new ArrayList<>())
              .add(base.label() + " init after the filter");
        }
      }
    }
    reasons.forEach(
        (name, why) ->
            b.append("| ")
                .append(code(name))
                .append(" | ")
                .append(plain(String.join("; ", why)))
                .append(" |\n"));
    b.append('\n');
    for (RuntimeBase base : r.runtimeBases()) {
      b.append("- ")
          .append(code(base.label()))
          .append(": ")
          .append(base.syscalls().size())
          .append(" calls; ")
          .append(plain(base.source()))
          .append('\n');
    }
    b.append('\n');
    if (r.containers().isEmpty()) {
      b.append(HOST_LEARNED)
          .append(" Learn it where it will run: `podman run --annotation io.tailor.learn=")
          .append(r.name())
          .append(
              " IMAGE` (after `tailor hook install`), `docker run --runtime tailor -e TAILOR_LEARN=")
          .append(r.name())
          .append(
              " IMAGE` or `ctr run --runc-binary /usr/bin/tailor-runc --annotation io.tailor.learn=")
          .append(r.name())
          .append(" IMAGE ID` (tailor-runc).\n\n");
    }
  }

  /**
   * What a host-learned profile with a runtime base is for a container: a guess. The runtime's
   * calls are measured; the program's are what it did on this host, with the host's files and
   * folders.
   */
  public static final String HOST_LEARNED =
      "**Learned on the host: in a container this profile is a guess.** The "
          + "runtime's calls above are measured, but the program's are what it did on this host, with the host's files, "
          + "users and folders; in its image it may take other paths (nginx learned on the host, where /var/lib/nginx "
          + "already existed, never chowned it, and in a container it failed with EPERM on that chown).";

  /** A path that was only looked up and not there (ENOENT, ENOTDIR): it needs no rule. */
  private static boolean isLookup(FileUse f) {
    return !f.succeeded()
        && !f.failures().isEmpty()
        && f.failures().keySet().stream().allMatch(e -> e.equals("ENOENT") || e.equals("ENOTDIR"));
  }

  private static void appendLookups(StringBuilder b, TreeMap<String, List<FileUse>> lookups) {
    int names = lookups.values().stream().mapToInt(List::size).sum();
    b.append("### Failed lookups\n\n")
        .append(names)
        .append(" names that do not exist were looked up (a program searching ")
        .append("PATH, its libraries or modules); they need no rule. One line per folder:\n\n");
    b.append("| folder | looked up | errors | calls | names |\n|---|---:|---|---:|---|\n");
    for (Map.Entry<String, List<FileUse>> e : lookups.entrySet()) {
      List<FileUse> in = e.getValue();
      String errors =
          in.stream()
              .flatMap(f -> f.failures().keySet().stream())
              .distinct()
              .sorted()
              .collect(Collectors.joining(" "));
      String shown =
          in.stream()
              .limit(5)
              .map(f -> code(f.path().substring(e.getKey().length())))
              .collect(Collectors.joining(" "));
      b.append("| ")
          .append(code(e.getKey()))
          .append(" | ")
          .append(in.size())
          .append(in.size() == 1 ? " name" : " names")
          .append(" | ")
          .append(errors)
          .append(" | ")
          .append(in.stream().mapToLong(FileUse::count).sum())
          .append(" | ")
          .append(shown)
          .append(in.size() > 5 ? " ..." : "")
          .append(" |\n");
    }
    b.append('\n');
  }

  private static String runs(SortedSet<String> runs, int total) {
    return runs.size()
        + "/"
        + total
        + ": "
        + runs.stream().map(Report::code).collect(Collectors.joining(" "));
  }

  static String deploy(String name, Where where) {
    String dir = shellWord(where.folder());
    List<String> l = new ArrayList<>();
    l.add("## Deploy");
    l.add("");
    l.add("Check the seccomp profile before shipping it:");
    l.add("```sh");
    l.add("tailor enforce --seccomp " + dir + "/seccomp.json -- CMD ARGS...");
    l.add("```");
    if (where.inStore()) {
      l.add(
          "Podman with tailor's precreate hook: this folder is in the hooks' profile store already; name it "
              + "(or bind it in the store's `bindings.json`):");
      l.add("```sh");
    } else {
      l.add(
          "Podman with tailor's precreate hook (`tailor hook install`): put the folder in the store, then name it "
              + "(or bind it in `/var/lib/tailor/profiles/bindings.json`):");
      l.add("```sh");
      l.add(
          "sudo mkdir -p /var/lib/tailor/profiles/"
              + name
              + " && sudo cp -r "
              + dir
              + "/. /var/lib/tailor/profiles/"
              + name
              + "/");
    }
    l.add("podman run --annotation io.tailor.profile=" + name + " IMAGE");
    l.add("```");
    l.add(
        "Run flags, Kubernetes manifests and security-profiles-operator resources for this folder:");
    l.add("```sh");
    l.add("tailor export --format docker " + dir + "       # or podman: --security-opt flags");
    l.add(
        "tailor export --format kubernetes "
            + dir
            + "   # Pod securityContext (1.30+) and the AppArmor annotation");
    l.add(
        "tailor export --format daemonset "
            + dir
            + "    # ConfigMap + DaemonSet that install it on every node");
    l.add(
        "tailor export --format spo "
            + dir
            + "          # SeccompProfile + AppArmorProfile for the operator");
    l.add("```");
    l.add(
        "The profile includes the runtime calls listed under \"Container runtime\" above; a runtime or version "
            + "that is not listed there may need its own (`tailor runtime-base RUNTIME`, then `--runtime`).");
    l.add("");
    return String.join("\n", l);
  }

  /** A folder as one shell word: as it is when plain, else in single quotes. */
  static String shellWord(String s) {
    String p = printable(s);
    return p.matches("[A-Za-z0-9/._-]+") ? p : "'" + p.replace("'", "'\\''") + "'";
  }

  /** A value inside a code span; the values are PathText or printable ASCII already. */
  public static String code(String s) {
    return "`" + printable(s).replace('`', '\'') + "`";
  }

  /**
   * One line of printable ASCII: control bytes and anything else that could break the document
   * become '?'.
   */
  private static String plain(String s) {
    return printable(s);
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(c == '|' ? '/' : c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  /** Files used only through descriptors the workload was given, and why they get no rule. */
  private static void inherited(Recording r, StringBuilder b) {
    if (r.inherited().isEmpty()) {
      return;
    }
    b.append(
        "## Inherited files\n\nThe workload used these only through file descriptors it already had when it "
            + "started (its stdin, stdout and stderr, anything its starter left open, or an fd another process passed "
            + "it) and never opened them by name. They say where it was started, not what it does, so `apparmor.profile` "
            + "has no rule for them unless it was written with `--keep-inherited`. Under an enforcing profile, AppArmor "
            + "revalidates the descriptors a confined program inherits when it is exec'd, and replaces one the profile "
            + "does not allow with a null file: output redirected to a file the profile does not name goes nowhere. "
            + "Allow where your deployment redirects in the profile (or learn with `--keep-inherited` where the "
            + "redirection is the same everywhere).\n\n");
    b.append("| path | accesses | calls |\n|---|---|---:|\n");
    for (FileUse f : r.inherited().values()) {
      b.append("| ")
          .append(code(f.path()))
          .append(" | ")
          .append(f.accesses().stream().map(Access::label).collect(Collectors.joining(" ")))
          .append(" | ")
          .append(f.count())
          .append(" |\n");
    }
    b.append('\n');
  }
}
