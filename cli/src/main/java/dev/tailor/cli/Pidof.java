package dev.tailor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds processes by name the way pidof does: the command name, or argv[0]'s base name. */
final class Pidof {
  private Pidof() {}

  static List<Integer> find(String name) throws CommandException {
    List<Integer> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path p : ds) {
        String f = p.getFileName().toString();
        if (!f.chars().allMatch(Character::isDigit)) {
          continue;
        }
        int pid = Integer.parseInt(f);
        if (pid == self) {
          continue;
        }
        if (matches(pid, name)) {
          found.add(pid);
        }
      }
    } catch (IOException e) {
      throw new CommandException("cannot read /proc: " + e.getMessage());
    }
    if (found.isEmpty()) {
      throw new CommandException("--pidof " + name + ": no running process has that name");
    }
    found.sort(Integer::compare);
    return found;
  }

  private static boolean matches(int pid, String name) {
    if (comm(pid).map(name::equals).orElse(false)) {
      return true;
    }
    try {
      byte[] cmd = Files.readAllBytes(Path.of("/proc", Integer.toString(pid), "cmdline"));
      int end = 0;
      while (end < cmd.length && cmd[end] != 0) {
        end++;
      }
      String argv0 = new String(cmd, 0, end, StandardCharsets.ISO_8859_1);
      return !argv0.isEmpty() && ProfileNames.baseName(argv0).equals(name);
    } catch (IOException e) {
      return false;
    }
  }

  static Optional<String> comm(int pid) {
    try {
      return Optional.of(
          Files.readString(
                  Path.of("/proc", Integer.toString(pid), "comm"), StandardCharsets.ISO_8859_1)
              .trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
