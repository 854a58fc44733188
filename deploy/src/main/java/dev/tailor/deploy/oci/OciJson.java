package dev.tailor.deploy.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reading OCI JSON documents strictly: one document, an object, no duplicate keys. */
public final class OciJson {
  /** The mapper for OCI documents: rejects duplicate keys and trailing content. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private OciJson() {}

  /** The JSON object in {@code json}; {@code what} names it in the error. */
  public static JsonNode read(byte[] json, String what) throws OciException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new OciException(what + " is not JSON (" + e.getOriginalMessage() + ")", e);
    } catch (IOException e) {
      throw new OciException("cannot read " + what + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new OciException(what + " is not a JSON object");
    }
    return root;
  }

  static String text(JsonNode node, String field, String what) throws OciException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new OciException(what + " has no \"" + field + "\"");
    }
    return v.asText();
  }

  static java.util.SortedMap<String, String> stringMap(JsonNode node) {
    TreeMap<String, String> m = new TreeMap<>();
    if (node != null && node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual()) {
          m.put(e.getKey(), e.getValue().asText());
        }
      }
    }
    return m;
  }

  static List<String> strings(JsonNode node) {
    List<String> l = new ArrayList<>();
    if (node != null && node.isArray()) {
      for (JsonNode n : node) {
        l.add(n.asText());
      }
    }
    return l;
  }
}
