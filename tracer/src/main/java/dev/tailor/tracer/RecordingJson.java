package dev.tailor.tracer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes {@code recording.json}. */
public final class RecordingJson {
  /** The file name inside a profile folder. */
  public static final String FILE_NAME = "recording.json";

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private RecordingJson() {}

  /** The JSON text of a recording, ending in a newline. */
  public static String toJson(Recording recording) {
    try {
      return MAPPER.writeValueAsString(recording) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write recording", e);
    }
  }

  /**
   * Writes the JSON text of a recording, ending in a newline, without holding it in memory (a
   * recording of a big log can name a hundred thousand paths).
   */
  public static void write(Recording recording, java.io.OutputStream out) throws IOException {
    MAPPER.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, recording);
    out.write('\n');
  }

  /** Parses recording JSON text. */
  public static Recording fromJson(String json, String where) throws IOException {
    try {
      return MAPPER.readValue(json, Recording.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException(where + ": not a tailor recording (" + firstLine(e.getMessage()) + ")", e);
    }
  }

  /** Reads {@code recording.json} from a profile folder, or a recording file itself. */
  public static Recording read(Path folderOrFile) throws IOException {
    Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(FILE_NAME) : folderOrFile;
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      throw new IOException(
          file + ": no recording here; give a folder written by 'tailor learn' or 'tailor generate'", e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
