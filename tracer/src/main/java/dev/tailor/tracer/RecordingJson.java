package dev.tailor.tracer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
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
    MAPPER
        .writer()
        .without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
        .writeValue(out, recording);
    out.write('\n');
  }

  /** Parses recording JSON text. */
  public static Recording fromJson(String json, String where) throws IOException {
    if (json.isBlank()) {
      throw new IOException(where + ": empty, not a tailor recording; " + REMEDY);
    }
    try {
      return MAPPER.readValue(json, Recording.class);
    } catch (JsonProcessingException e) {
      if (endsEarly(json, e)) {
        throw new IOException(
            where
                + ": truncated or not a recording (its JSON ends before it closes, "
                + problem(e)
                + "); write it again with 'tailor learn', 'generate' or 'merge', or restore a whole copy",
            e);
      }
      throw new IOException(where + ": not a tailor recording (" + problem(e) + "); " + REMEDY, e);
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": not a tailor recording; " + REMEDY, e);
    }
  }

  private static final String REMEDY =
      "give a folder written by 'tailor learn', 'generate' or 'merge'";

  /**
   * Whether the JSON text stops before its outer object closes: a file cut short (a full disk, a
   * copy stopped).
   */
  private static boolean endsEarly(String json, JsonProcessingException e) {
    if (!json.stripLeading().startsWith("{")) {
      return false;
    }
    String m = e.getOriginalMessage();
    if (m != null && m.contains("end-of-input")) {
      return true;
    }
    com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
    return at != null
        && at.getCharOffset() >= json.stripTrailing().length() - 1
        && !json.stripTrailing().endsWith("}");
  }

  /** What is wrong with the JSON, in its own terms (a line, a field), not Jackson's class names. */
  private static String problem(JsonProcessingException e) {
    // A JsonEOFException is a JsonParseException.
    if (e instanceof com.fasterxml.jackson.core.JsonParseException) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      return "not valid JSON"
          + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
    }
    if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m) {
      String path =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b)
              .orElse("");
      return path.isEmpty()
          ? "a field is missing or has the wrong type"
          : "field '" + path + "' is missing or has the wrong type";
    }
    return "unreadable JSON";
  }

  /** Reads {@code recording.json} from a profile folder, or a recording file itself. */
  public static Recording read(Path folderOrFile) throws IOException {
    Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve(FILE_NAME) : folderOrFile;
    if (!Files.exists(file)) {
      throw new IOException(file + ": no recording here; " + REMEDY);
    }
    return fromJson(
        TextFiles.readUtf8(file, "a tailor recording (recording.json)"), file.toString());
  }
}
