package dev.tailor.deploy.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;

/** Kubernetes-style YAML: one document per object, each starting with {@code ---}. */
final class Yaml {
  static final ObjectMapper MAPPER =
      new YAMLMapper(
          YAMLFactory.builder()
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              // Profiles in ConfigMaps stay readable (and diffable) as block text.
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .build());

  private Yaml() {}

  /** The objects as a multi-document stream (fabric8 models or Jackson trees). */
  static String documents(List<?> objects) {
    StringBuilder b = new StringBuilder();
    for (Object o : objects) {
      try {
        b.append(MAPPER.writeValueAsString(o));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(
            "cannot write " + o.getClass().getSimpleName() + " as YAML", e);
      }
    }
    return b.toString();
  }
}
