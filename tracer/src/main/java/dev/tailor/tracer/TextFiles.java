package dev.tailor.tracer;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads the text files tailor is given, failing with a message a user can act on (never a Java
 * name).
 */
public final class TextFiles {
  private TextFiles() {}

  /**
   * The UTF-8 text of {@code file}, which should be {@code what} ("a seccomp profile"); the
   * IOException's message names the file, says what is wrong and, where it helps, what to give.
   */
  public static String readUtf8(Path file, String what) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": is a folder, not " + what);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": no such file; give " + what, e);
    } catch (CharacterCodingException e) {
      throw new IOException(file + ": not UTF-8 text, so not " + what, e);
    } catch (IOException e) {
      throw new IOException(file + ": cannot read: " + reason(e), e);
    }
  }

  /**
   * Why an I/O operation failed, in the system's words ("permission denied", "no space left on
   * device").
   */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return "something that is not a folder is in the way";
    }
    if (e instanceof java.nio.file.NotDirectoryException) {
      return "not a folder";
    }
    if (e instanceof java.nio.file.DirectoryNotEmptyException) {
      return "folder not empty";
    }
    if (e instanceof FileSystemException f) {
      // Without a reason, a FileSystemException's message is only its file names, which the
      // caller's message already holds.
      return f.getReason() == null || f.getReason().isBlank()
          ? "input/output error"
          : f.getReason().toLowerCase(Locale.ROOT);
    }
    String r = e.getMessage();
    return r == null || r.isBlank() ? "input/output error" : r.toLowerCase(Locale.ROOT);
  }
}
