package dev.tailor.deploy.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tailor.deploy.store.FolderSwap;
import dev.tailor.deploy.store.ProfileStore;
import dev.tailor.generator.seccomp.SeccompGenerator;
import dev.tailor.generator.seccomp.SeccompJson;
import dev.tailor.generator.seccomp.SeccompOptions;
import dev.tailor.generator.seccomp.SeccompResult;
import dev.tailor.tracer.Arch;
import dev.tailor.tracer.ContainerInfo;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import dev.tailor.tracer.call.OpenMode;
import dev.tailor.tracer.call.PathSyscall;
import dev.tailor.tracer.call.SyscallModel;
import dev.tailor.tracer.record.PathResolver;
import dev.tailor.tracer.record.Recorder;
import dev.tailor.tracer.seccomp.SeccompException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The profile folder of what was observed against one profile ({@code STORE/NAME/observed/}):
 * {@code recording.json} (the calls as a recording, which {@code tailor merge} folds into the
 * learned one and {@code tailor check} reads as drift), {@code seccomp.json} (a profile allowing
 * just those calls), {@code report.md} (which container, when, how often) and {@code observed.json}
 * (the agent's own tally, read back by an agent that restarts). All four are replaced together.
 */
public final class ObservedFolder {
  /** The folder below a profile's folder that observe mode writes. */
  public static final String FOLDER = "observed";

  /** The agent's own tally of the calls, per container. */
  public static final String STATE_FILE = "observed.json";

  /**
   * Where an {@code observed.json} that could not be read is kept, instead of being overwritten.
   */
  static final String UNREADABLE_FILE = "observed.unreadable.json";

  private static final int STATE_VERSION = 1;
  private static final long MAX_STATE = 64L << 20;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ObservedFolder() {}

  /** {@code STORE/profile/observed}. */
  public static Path of(ProfileStore store, String profile) {
    return store.folder(profile).resolve(FOLDER);
  }

  /**
   * Writes {@code observed} as the profile folder {@code folder}, replacing what it held; the
   * recording is named {@code name} (the profile's name, so that merge keeps it).
   */
  public static void write(Path folder, String name, ProfileObservations observed)
      throws IOException {
    Recording recording = recording(name, observed);
    SeccompResult seccomp;
    try {
      seccomp = SeccompGenerator.generate(recording, SeccompOptions.DEFAULT);
    } catch (SeccompException e) {
      throw new IOException(
          "cannot write the seccomp profile of " + folder + ": " + e.getMessage(), e);
    }
    String report = ObservedReport.render(recording, observed);
    byte[] state = state(observed);
    FolderSwap.replace(
        folder,
        List.of(
            new FolderSwap.File(SeccompJson.FILE_NAME, text(SeccompJson.toJson(seccomp.profile()))),
            new FolderSwap.File(
                RecordingJson.FILE_NAME, out -> RecordingJson.write(recording, out)),
            new FolderSwap.File("report.md", text(report)),
            new FolderSwap.File(STATE_FILE, out -> out.write(state))));
  }

  /**
   * What an earlier agent wrote in {@code folder}, if anything. A tally that cannot be read is
   * moved aside to {@value #UNREADABLE_FILE} (kept, never overwritten by the next write) and
   * reported through the exception.
   */
  public static Optional<ProfileObservations> read(Path folder) throws IOException {
    Path file = folder.resolve(STATE_FILE);
    try {
      // A container the earlier agent was observing is not observed by this one.
      return peek(folder).map(ObservedFolder::noneRunning);
    } catch (IOException e) {
      Files.move(file, folder.resolve(UNREADABLE_FILE), StandardCopyOption.REPLACE_EXISTING);
      throw new IOException(
          e.getMessage()
              + "; it was moved to "
              + UNREADABLE_FILE
              + " and the calls it held are not counted again",
          e);
    }
  }

  private static ProfileObservations noneRunning(ProfileObservations o) {
    return new ProfileObservations(
        o.profile(),
        o.containers().stream()
            .map(
                c ->
                    new ContainerCalls(
                        c.container(), c.started(), false, c.ended(), c.calls(), c.capped()))
            .toList());
  }

  /**
   * What an agent wrote in {@code folder}, if anything, as it wrote it (a container it was still
   * observing then is {@code running}), changing nothing (for check).
   */
  public static Optional<ProfileObservations> peek(Path folder) throws IOException {
    Path file = folder.resolve(STATE_FILE);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_STATE) {
        throw new IOException("not a regular file of at most " + (MAX_STATE >> 20) + " MB");
      }
      return Optional.of(parse(Files.readAllBytes(file)));
    } catch (IOException | RuntimeException e) {
      throw new IOException(file + " cannot be read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * The observed calls as a recording: one run per container, every call assumed to have succeeded.
   */
  public static Recording recording(String name, ProfileObservations observed) {
    List<Recording> parts = new ArrayList<>();
    String arch = Arch.current();
    for (ContainerCalls c : observed.containers()) {
      Recorder r =
          new Recorder(
              runLabel(c.container()),
              "observe",
              PathResolver.LEXICAL,
              UnaryOperator.identity(),
              Optional.of("/"));
      r.countCallsElsewhere();
      for (SeenCall s : c.calls()) {
        record(r, s);
      }
      r.warn(
          "observe mode: these calls were reported as they were about to run and were let run; whether they "
              + "succeeded is not known, so each counts as succeeded");
      if (c.capped()) {
        r.warn(
            "container "
                + c.container().name()
                + " made more than "
                + Observations.MAX_CALLS_PER_CONTAINER
                + " distinct calls: the rest were counted by syscall name only, without paths or argument values");
      }
      parts.add(
          r.toRecording(name, arch)
              .withContainer(new ContainerInfo(c.container().id(), "", List.of(), "")));
    }
    if (parts.isEmpty()) {
      Recorder r =
          new Recorder(
              "observe",
              "observe",
              PathResolver.LEXICAL,
              UnaryOperator.identity(),
              Optional.of("/"));
      return r.toRecording(name, arch);
    }
    return Recording.merge(name, parts);
  }

  /** The run label of a container's calls: its name and short id. */
  static String runLabel(ObservedContainer c) {
    String shortId = c.id().length() > 12 ? c.id().substring(0, 12) : c.id();
    return c.name().equals(c.id()) ? "observe:" + shortId : "observe:" + c.name() + "@" + shortId;
  }

  private static void record(Recorder r, SeenCall s) {
    r.addSyscallCount(s.syscall(), s.count());
    for (int i = 0; i < s.args().size(); i++) {
      r.recordArgument(s.syscall(), i, s.args().get(i), s.count());
    }
    Optional<PathSyscall> ps = SyscallModel.path(s.syscall());
    if (ps.isEmpty() || s.paths().isEmpty()) {
      return;
    }
    PathSyscall p = ps.get();
    String path = s.paths().get(0);
    if (p.opens()) {
      r.recordOpen(path, openMode(s), "");
    } else {
      boolean removesDir =
          p.name().equals("unlinkat") && !s.args().isEmpty() && (s.args().get(2) & 0x200) != 0;
      r.recordFile(path, p.access(), "", p.directory() || removesDir);
    }
    if (p.second() != null && s.paths().size() > 1) {
      r.recordFile(s.paths().get(1), p.second().access(), "", false);
    }
  }

  /** What an open asked, from the register where it holds its flags. */
  static OpenMode openMode(SeenCall s) {
    if (s.syscall().equals("creat")) {
      return OpenMode.of(OpenMode.CREAT);
    }
    Optional<Integer> index = Observations.openFlagsIndex(s.syscall());
    // openat2's flags are behind a pointer: a read is the least it did
    return OpenMode.of(index.isEmpty() || s.args().isEmpty() ? 0 : s.args().get(index.get()));
  }

  // ---- observed.json ----

  static byte[] state(ProfileObservations observed) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", STATE_VERSION);
    root.put("profile", observed.profile());
    ArrayNode cs = root.putArray("containers");
    for (ContainerCalls c : observed.containers()) {
      ObjectNode o = cs.addObject();
      o.put("id", c.container().id());
      o.put("name", c.container().name());
      o.put("source", c.container().source());
      o.put("started", c.started().toString());
      o.put("running", c.running());
      o.put("ended", c.ended().toString());
      o.put("capped", c.capped());
      ArrayNode calls = o.putArray("calls");
      for (SeenCall s : c.calls()) {
        ObjectNode n = calls.addObject();
        n.put("syscall", s.syscall());
        ArrayNode args = n.putArray("args");
        s.args().forEach(args::add);
        ArrayNode paths = n.putArray("paths");
        s.paths().forEach(paths::add);
        n.put("count", s.count());
        n.put("first", s.first().toString());
        n.put("last", s.last().toString());
      }
    }
    return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static ProfileObservations parse(byte[] json) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || root.path("version").asInt(0) != STATE_VERSION) {
      throw new IOException("not a version " + STATE_VERSION + " observe tally");
    }
    String profile = root.path("profile").asText("");
    List<ContainerCalls> containers = new ArrayList<>();
    try {
      for (JsonNode o : root.path("containers")) {
        ObservedContainer c =
            new ObservedContainer(
                o.path("id").asText(""),
                profile,
                o.path("name").asText(""),
                o.path("source").asText(ObservedContainer.NOTIFY));
        List<SeenCall> calls = new ArrayList<>();
        for (JsonNode n : o.path("calls")) {
          List<Long> args = new ArrayList<>();
          n.path("args").forEach(a -> args.add(a.asLong()));
          List<String> paths = new ArrayList<>();
          n.path("paths").forEach(p -> paths.add(p.asText()));
          calls.add(
              new SeenCall(
                  n.path("syscall").asText(""),
                  args,
                  paths,
                  n.path("count").asLong(0),
                  Instant.parse(n.path("first").asText("")),
                  Instant.parse(n.path("last").asText(""))));
        }
        containers.add(
            new ContainerCalls(
                c,
                Instant.parse(o.path("started").asText("")),
                o.path("running").asBoolean(false),
                Instant.parse(o.path("ended").asText("")),
                calls,
                o.path("capped").asBoolean(false)));
      }
      return new ProfileObservations(profile, containers);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new IOException("a field is missing or wrong: " + e.getMessage(), e);
    }
  }

  private static FolderSwap.Content text(String s) {
    return out -> out.write(s.getBytes(StandardCharsets.UTF_8));
  }
}
