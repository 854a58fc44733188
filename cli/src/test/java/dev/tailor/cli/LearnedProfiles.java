package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tailor.generator.apparmor.AppArmorGenerator;
import dev.tailor.generator.apparmor.AppArmorOptions;
import dev.tailor.generator.apparmor.AppArmorResult;
import dev.tailor.generator.apparmor.AppArmorWriter;
import dev.tailor.tracer.Recording;
import dev.tailor.tracer.RecordingJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code tailor learn}, run in-process, wrote: its folder, the recording read back, the
 * AppArmor draft generated from it, and the draft's text as written (checked to be that draft).
 */
record LearnedProfiles(Path folder, Recording recording, AppArmorResult apparmor, String text) {
  /** Runs {@code tailor learn --name NAME --out RUNS/NAME/profiles -- CMD} in-process. */
  static LearnedProfiles learn(Path runs, String name, List<String> cmd) throws Exception {
    Path out = runs.resolve(name).resolve("profiles");
    List<String> args =
        new ArrayList<>(
            List.of("learn", "--no-status", "--name", name, "--out", out.toString(), "--"));
    args.addAll(cmd);
    StringWriter err = new StringWriter();
    int exit =
        Main.run(
            args.toArray(String[]::new),
            new PrintWriter(new StringWriter(), true),
            new PrintWriter(err, true));
    assertEquals(0, exit, "tailor learn failed: " + err);
    Path folder = out.resolve(name);
    Recording recording = RecordingJson.read(folder);
    AppArmorResult apparmor = AppArmorGenerator.generate(recording, AppArmorOptions.draft(name));
    String text =
        Files.readString(folder.resolve(ProfileFolder.APPARMOR_FILE), StandardCharsets.UTF_8);
    // The profile value checked below is the one in the file.
    assertEquals(AppArmorWriter.write(apparmor.profile()), text);
    return new LearnedProfiles(folder, recording, apparmor, text);
  }
}
