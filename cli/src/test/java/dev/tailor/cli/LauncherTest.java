package dev.tailor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./tailor} launcher, copied into a checkout of its own (never the real one: a build
 * there would race the build running these tests). Its jar is a manifest over this test's class
 * path, and {@code mvn} is a stand-in that records its arguments and writes the jar, so the rebuild
 * rule is checked by file times set here, not by waiting.
 */
class LauncherTest {
  @TempDir Path tmp;
  Path root;
  Path bin;
  Path jar;
  Path source;
  Path mvnLog;

  @BeforeEach
  void checkout() throws Exception {
    root = Files.createDirectories(tmp.resolve("checkout"));
    Files.copy(
        TailorProcess.repo().resolve("tailor"),
        root.resolve("tailor"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    Files.writeString(
        Files.createDirectories(root.resolve("cli")).resolve("pom.xml"), "<project/>\n");
    source = Files.createDirectories(root.resolve("cli/src/main/java")).resolve("X.java");
    Files.writeString(source, "class X {}\n");
    jar = Files.createDirectories(root.resolve("cli/target")).resolve("tailor.jar");
    bin = Files.createDirectories(tmp.resolve("bin"));
    Files.createSymbolicLink(
        bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    // PATH is this folder alone, so "mvn missing" is true here whatever the machine has installed.
    for (String tool :
        List.of(
            "bash",
            "sh",
            "readlink",
            "dirname",
            "find",
            "flock",
            "mkdir",
            "cp",
            "cat",
            "rm",
            "mv")) {
      for (String dir : List.of("/usr/bin", "/bin")) {
        if (Files.isExecutable(Path.of(dir, tool)) && !Files.exists(bin.resolve(tool))) {
          Files.createSymbolicLink(bin.resolve(tool), Path.of(dir, tool));
        }
      }
    }
    mvnLog = tmp.resolve("mvn.log");
  }

  /** A jar that runs {@code mainClass} from this test's class path. */
  private void writeJar(Path to, String mainClass) throws Exception {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    String cp =
        List.of(System.getProperty("java.class.path").split(File.pathSeparator)).stream()
            .map(p -> Path.of(p).toUri().toString())
            .collect(Collectors.joining(" "));
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, cp);
    try (OutputStream out = Files.newOutputStream(to);
        JarOutputStream j = new JarOutputStream(out, m)) {
      // the manifest is all it needs
    }
  }

  /**
   * A jar that holds the probe's class itself: the JVM archives classes from jars only, not from
   * the folders of the test class path.
   */
  private void writeProbeJar(Path to) throws Exception {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
    String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
    try (OutputStream out = Files.newOutputStream(to);
        JarOutputStream j = new JarOutputStream(out, m);
        java.io.InputStream in = LauncherProbe.class.getClassLoader().getResourceAsStream(entry)) {
      j.putNextEntry(new java.util.jar.JarEntry(entry));
      in.transferTo(j);
      j.closeEntry();
    }
  }

  /** A stand-in mvn: logs its arguments, then builds the jar (or fails with {@code exit}). */
  private void fakeMvn(int exit) throws Exception {
    Path ready = tmp.resolve("built.jar");
    writeJar(ready, LauncherProbe.class.getName());
    Path mvn = bin.resolve("mvn");
    Files.writeString(
        mvn,
        "#!/bin/sh\necho \"$@\" >> "
            + mvnLog
            + "\necho maven-noise\n"
            + (exit == 0 ? "cp " + ready + " " + jar + "\n" : "exit " + exit + "\n"));
    assertTrue(mvn.toFile().setExecutable(true));
  }

  private TailorProcess.Result launch(Map<String, String> extraEnv, String... args)
      throws Exception {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("PATH", bin.toString());
    List<String> cmd = new java.util.ArrayList<>(List.of(root.resolve("tailor").toString()));
    cmd.addAll(List.of(args));
    return TailorProcess.run(cmd, tmp, env);
  }

  /**
   * Sets a file's time; for a source, its folders' too (find sees a folder changed by a new file).
   */
  private void age(Path p, long secondsAgo) throws Exception {
    FileTime t = FileTime.fromMillis(System.currentTimeMillis() - secondsAgo * 1000);
    Files.setLastModifiedTime(p, t);
    if (p.startsWith(root.resolve("cli/src"))) {
      for (Path d = p.getParent(); !d.equals(root.resolve("cli")); d = d.getParent()) {
        Files.setLastModifiedTime(d, t);
      }
    }
  }

  @Test
  void freshJar_runsWithoutBuilding() throws Exception {
    fakeMvn(0);
    writeJar(jar, LauncherProbe.class.getName());
    for (Path p : List.of(source, root.resolve("pom.xml"), root.resolve("cli/pom.xml"))) {
      age(p, 100);
    }
    age(jar, 10);
    TailorProcess.Result r = launch(Map.of(), "learn", "--", "ls -l");
    assertEquals(0, r.exit(), r.err());
    assertEquals("args learn -- ls -l\n", r.out().lines().findFirst().orElse("") + "\n");
    assertFalse(Files.exists(mvnLog), "no build when the jar is newer than every source");
    assertEquals("", r.err());
  }

  @Test
  void sourceNewerThanJar_rebuildsOnce_withMavensOutputOnStderr() throws Exception {
    fakeMvn(0);
    writeJar(jar, "no.such.Main");
    age(jar, 100);
    age(root.resolve("pom.xml"), 200);
    age(root.resolve("cli/pom.xml"), 200);
    age(source, 10);
    TailorProcess.Result r = launch(Map.of(), "--version");
    assertEquals(0, r.exit(), r.err());
    assertEquals(
        "-q -B -DskipTests -f " + root.resolve("pom.xml") + " package\n", Files.readString(mvnLog));
    assertTrue(
        r.err().startsWith("tailor: building cli/target/tailor.jar (first run)...\n"), r.err());
    assertTrue(
        r.err().contains("maven-noise") && !r.out().contains("maven-noise"),
        "Maven's output goes to stderr");
    assertTrue(r.out().startsWith("args --version\n"), r.out());
    // now fresh: the next run does not build again
    TailorProcess.Result again = launch(Map.of(), "x");
    assertEquals(0, again.exit(), again.err());
    assertEquals(1, Files.readAllLines(mvnLog).size(), "built once");
  }

  @Test
  void theBuildsClassArchive_isUsedWhileItIsNewerThanTheJar() throws Exception {
    fakeMvn(0);
    writeProbeJar(jar);
    for (Path p : List.of(source, root.resolve("pom.xml"), root.resolve("cli/pom.xml"))) {
      age(p, 100);
    }
    age(jar, 50);
    // as the build does (cli/pom.xml): dumped at the exit of one run of the jar
    Path archive = root.resolve("cli/target/tailor.jsa");
    Process dump =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ArchiveClassesAtExit=" + archive,
                "-XX:+UseSerialGC",
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "training")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("dump.log").toFile())
            .start();
    assertEquals(0, dump.waitFor(), Files.readString(tmp.resolve("dump.log")));
    assertTrue(Files.size(archive) > 0, Files.readString(tmp.resolve("dump.log")));
    TailorProcess.Result r = launch(Map.of(), "x");
    assertEquals(0, r.exit(), r.err());
    assertTrue(r.out().contains("-XX:SharedArchiveFile=" + archive + " "), r.out());
    assertEquals("", r.err(), "the JVM takes the archive without a word");
    // A jar built since, without the archive: the JVM is not given it (it would refuse it aloud).
    age(archive, 40);
    age(jar, 20);
    TailorProcess.Result stale = launch(Map.of(), "x");
    assertEquals(0, stale.exit(), stale.err());
    assertFalse(stale.out().contains("SharedArchiveFile"), stale.out());
    assertEquals("", stale.err());
    assertFalse(Files.exists(mvnLog), "no build: the jar is newer than every source");
  }

  @Test
  void newerPom_orMissingJar_rebuilds() throws Exception {
    fakeMvn(0);
    TailorProcess.Result missing = launch(Map.of(), "a");
    assertEquals(0, missing.exit(), missing.err());
    assertEquals(1, Files.readAllLines(mvnLog).size());
    age(jar, 100);
    age(source, 200);
    age(root.resolve("cli/pom.xml"), 200);
    age(root.resolve("pom.xml"), 5);
    assertEquals(0, launch(Map.of(), "b").exit());
    assertEquals(2, Files.readAllLines(mvnLog).size(), "a newer pom.xml makes the jar stale");
  }

  @Test
  void buildFails_orMavenMissing_is125WithOneLine() throws Exception {
    fakeMvn(1);
    TailorProcess.Result failed = launch(Map.of(), "learn");
    assertEquals(125, failed.exit(), failed.err());
    assertTrue(
        failed
            .err()
            .endsWith(
                "tailor: build failed; run 'mvn -B -DskipTests package' in "
                    + root
                    + " to see why\n"),
        failed.err());
    Files.delete(bin.resolve("mvn"));
    TailorProcess.Result noMaven = launch(Map.of(), "learn");
    assertEquals(125, noMaven.exit(), noMaven.err());
    assertTrue(noMaven.err().startsWith("tailor: mvn not found"), noMaven.err());
  }

  @Test
  void javaOptions_defaultCapsTheHeap_andTailorJavaOptsReplacesThem() throws Exception {
    writeJar(jar, LauncherProbe.class.getName());
    age(source, 100);
    age(root.resolve("pom.xml"), 100);
    age(root.resolve("cli/pom.xml"), 100);
    TailorProcess.Result plain = launch(Map.of(), "x");
    assertEquals(0, plain.exit(), plain.err());
    long heap =
        Long.parseLong(
            plain
                .out()
                .lines()
                .filter(l -> l.startsWith("maxHeapMiB "))
                .findFirst()
                .orElseThrow()
                .substring(11));
    assertTrue(heap <= 256, "the default heap cap is 256 MB: " + heap);
    TailorProcess.Result opts =
        launch(Map.of("TAILOR_JAVA_OPTS", "-Dtailor.probe=set -Xmx512m"), "x");
    assertEquals(0, opts.exit(), opts.err());
    assertTrue(opts.out().contains("probe set\n"), opts.out());
    long bigger =
        Long.parseLong(
            opts.out()
                .lines()
                .filter(l -> l.startsWith("maxHeapMiB "))
                .findFirst()
                .orElseThrow()
                .substring(11));
    assertTrue(bigger > 256, "TAILOR_JAVA_OPTS replaces -Xmx256m: " + bigger);
  }

  /** The out-of-memory line, through the launcher's TAILOR_JAVA_OPTS and the real Main. */
  @Test
  void outOfMemory_isOneLineSayingHowToRaiseTheHeap() throws Exception {
    writeJar(jar, Main.class.getName());
    age(source, 100);
    age(root.resolve("pom.xml"), 100);
    age(root.resolve("cli/pom.xml"), 100);
    // A log naming 300,000 distinct paths does not fit a 20 MB heap.
    Path log = tmp.resolve("big.strace");
    try (var w = Files.newBufferedWriter(log)) {
      for (int i = 0; i < 300_000; i++) {
        w.write(
            "1 openat(AT_FDCWD, \"/srv/data/some-long-folder-name/file-"
                + i
                + ".txt\", O_RDONLY) = 3</srv/data/some-long-folder-name/file-"
                + i
                + ".txt>\n");
      }
    }
    TailorProcess.Result r =
        launch(
            Map.of("TAILOR_JAVA_OPTS", "-Xmx20m -XX:+UseSerialGC"),
            "generate",
            "--no-resolve",
            "--out",
            tmp.resolve("out").toString(),
            log.toString());
    assertEquals(1, r.exit(), "generate's 'failed' code, as the README's table says: " + r.err());
    assertEquals(
        "tailor: out of memory (the JVM heap is too small for this recording); run with a larger heap, "
            + "e.g. TAILOR_JAVA_OPTS=-Xmx2g ./tailor ...\n",
        r.err());
  }
}
