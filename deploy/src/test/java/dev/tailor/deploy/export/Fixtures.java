package dev.tailor.deploy.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The profile folders the export tests read: real learned profiles and one hand-written
 * seccomp.json with args.
 */
final class Fixtures {
  static final Path DIR = Path.of("src/test/resources/export");

  private Fixtures() {}

  static List<ProfileDir> all() throws ExportException {
    return read("python3-app", "hostile", "with-args");
  }

  static List<ProfileDir> read(String... names) throws ExportException {
    List<ProfileDir> l = new ArrayList<>();
    for (String n : names) {
      l.add(ProfileDir.read(DIR.resolve(n)));
    }
    return l;
  }

  static Export.Options defaults() {
    return Export.Options.defaults("/var/lib/tailor/profiles");
  }

  static String render(
      Export.Format f, List<ProfileDir> dirs, Export.Options options, List<String> notes)
      throws ExportException {
    return Export.render(f, dirs, options, notes::add);
  }

  static String render(Export.Format f, List<ProfileDir> dirs, List<String> notes)
      throws ExportException {
    return Export.render(f, dirs, Export.Options.defaults("/var/lib/tailor/profiles"), notes::add);
  }
}
