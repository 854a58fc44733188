package dev.tailor.deploy.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code export --format spo} against the operator's own CRDs (copies in src/test/resources/spo):
 * each resource validates against the openAPIV3Schema of the version it names, which must be
 * served; and, stricter than the API server (which would silently prune them), no field the schema
 * does not define.
 */
class SpoSchemaTest {
  private static JsonNode crd(String file) throws IOException {
    try (InputStream in = SpoSchemaTest.class.getResourceAsStream("/spo/" + file)) {
      return Yaml.MAPPER.readTree(in);
    }
  }

  /**
   * The schema of {@code version} in the CRD, made strict: objects with properties take no others.
   */
  private static JsonSchema schema(JsonNode crd, String version) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals(version)) {
        assertTrue(v.path("served").asBoolean(), version + " must be served");
        JsonNode s = v.path("schema").path("openAPIV3Schema").deepCopy();
        closeObjects(s);
        JsonMetaSchema oas = OpenApi30.getInstance();
        JsonSchemaFactory factory =
            JsonSchemaFactory.getInstance(
                SpecVersion.VersionFlag.V4,
                b -> b.metaSchema(oas).defaultMetaSchemaIri(oas.getIri()));
        return factory.getSchema(s);
      }
    }
    throw new AssertionError("no version " + version + " in " + crd.path("metadata").path("name"));
  }

  private static void closeObjects(JsonNode n) {
    if (n.isObject()) {
      ObjectNode o = (ObjectNode) n;
      if (o.has("properties") && !o.has("additionalProperties")) {
        o.put("additionalProperties", false);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        closeObjects(it.next().getValue());
      }
    } else if (n.isArray()) {
      n.forEach(SpoSchemaTest::closeObjects);
    }
  }

  static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = Yaml.MAPPER.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        docs.add(it.next());
      }
    }
    return docs;
  }

  static Set<ValidationMessage> validate(JsonNode doc) throws IOException {
    String kind = doc.path("kind").asText();
    String file =
        switch (kind) {
          case "SeccompProfile" -> "seccompprofile.yaml";
          case "AppArmorProfile" -> "apparmorprofile.yaml";
          default -> throw new AssertionError("unexpected kind " + kind);
        };
    JsonNode crd = crd(file);
    String api = doc.path("apiVersion").asText();
    assertEquals(crd.path("spec").path("group").asText() + "/v1", api);
    return schema(crd, api.substring(api.indexOf('/') + 1)).validate(doc);
  }

  @Test
  void spo_everyResource_validatesAgainstTheOperatorsCrd() throws Exception {
    List<JsonNode> docs =
        documents(Fixtures.render(Export.Format.SPO, Fixtures.all(), new ArrayList<>()));
    // python3-app and hostile: both kinds; with-args: seccomp only (it has no AppArmor profile).
    assertEquals(
        List.of(
            "SeccompProfile",
            "AppArmorProfile",
            "SeccompProfile",
            "AppArmorProfile",
            "SeccompProfile"),
        docs.stream().map(d -> d.path("kind").asText()).toList());
    for (JsonNode d : docs) {
      Set<ValidationMessage> errors = validate(d);
      assertTrue(
          errors.isEmpty(), d.path("metadata").path("name") + " " + d.path("kind") + ": " + errors);
    }
  }

  @Test
  void spo_schemaCheck_rejectsWhatTheOperatorWould() throws Exception {
    JsonNode good =
        documents(Fixtures.render(Export.Format.SPO, Fixtures.read("with-args"), new ArrayList<>()))
            .get(0);
    ObjectNode badAction = good.deepCopy();
    ((ObjectNode) badAction.get("spec")).put("defaultAction", "SCMP_ACT_MAYBE");
    ObjectNode unknownField = good.deepCopy();
    ((ObjectNode) unknownField.get("spec")).put("defaultErrnoRet", 1);
    ObjectNode negativeIndex = good.deepCopy();
    ((ObjectNode) negativeIndex.at("/spec/syscalls/1/args/0")).put("index", -1);
    for (JsonNode bad : List.of(badAction, unknownField, negativeIndex)) {
      assertFalse(validate(bad).isEmpty(), bad.toString());
    }
  }

  @Test
  void spo_seccompProfile_carriesExactlyTheRulesOfSeccompJson() throws Exception {
    for (ProfileDir p : Fixtures.all()) {
      JsonNode spo =
          documents(Fixtures.render(Export.Format.SPO, List.of(p), new ArrayList<>())).get(0);
      JsonNode file = Yaml.MAPPER.readTree(Files.readString(p.path().resolve("seccomp.json")));
      assertEquals(
          file.get("syscalls"),
          canonical(spo.at("/spec/syscalls"), file.get("syscalls")),
          p.name());
      assertEquals(file.get("architectures"), spo.at("/spec/architectures"), p.name());
      assertEquals(file.get("defaultAction"), spo.at("/spec/defaultAction"), p.name());
    }
  }

  /**
   * The SPO rules with each rule's fields in seccomp.json's order, so the trees compare field by
   * field.
   */
  private static JsonNode canonical(JsonNode spo, JsonNode file) {
    assertEquals(file.size(), spo.size());
    for (int i = 0; i < file.size(); i++) {
      assertEquals(
          iterableSet(file.get(i).fieldNames()), iterableSet(spo.get(i).fieldNames()), "rule " + i);
    }
    return spo;
  }

  private static Set<String> iterableSet(Iterator<String> it) {
    Set<String> s = new java.util.TreeSet<>();
    it.forEachRemaining(s::add);
    return s;
  }

  @Test
  void spo_fieldsTheCrdCannotHold_areRefused(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("errno"));
    Files.writeString(
        dir.resolve("seccomp.json"),
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38}");
    ExportException e =
        assertThrows(
            ExportException.class,
            () ->
                Fixtures.render(
                    Export.Format.SPO, List.of(ProfileDir.read(dir)), new ArrayList<>()));
    assertTrue(e.getMessage().contains("defaultErrnoRet 38"), e.getMessage());
    Files.writeString(
        dir.resolve("seccomp.json"),
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"listenerPath\": \"/x\"}");
    assertThrows(
        ExportException.class,
        () -> Fixtures.render(Export.Format.SPO, List.of(ProfileDir.read(dir)), new ArrayList<>()));
  }

  @Test
  void spo_learnedArgumentRules_validateAndAreCarriedExactly(
      @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    java.util.TreeMap<String, dev.tailor.tracer.SyscallUse> calls = new java.util.TreeMap<>();
    for (String n : List.of("clone3", "execve", "exit_group", "ioctl", "mmap", "prctl", "socket")) {
      calls.put(
          n,
          new dev.tailor.tracer.SyscallUse(
              1, new java.util.TreeMap<>(), new java.util.TreeSet<>(Set.of("r"))));
    }
    java.util.TreeMap<String, dev.tailor.tracer.ArgumentUse> values = new java.util.TreeMap<>();
    for (Object[] v :
        new Object[][] {
          {"clone3", 0, 0x3d0f00L},
          {"ioctl", 1, 0x80045430L},
          {"mmap", 2, 3L},
          {"prctl", 0, 15L},
          {"socket", 0, 10L},
          {"socket", 1, 0x80002L}
        }) {
      dev.tailor.tracer.ArgumentUse u =
          new dev.tailor.tracer.ArgumentUse(
              (String) v[0],
              (Integer) v[1],
              new java.util.TreeMap<>(Map.of((Long) v[2], 1L)),
              new java.util.TreeSet<>(Set.of("r")));
      values.put(u.key(), u);
    }
    dev.tailor.tracer.Recording r =
        new dev.tailor.tracer.Recording(
            dev.tailor.tracer.Recording.VERSION,
            "learned",
            "x86_64",
            new java.util.TreeSet<>(Set.of("r")),
            calls,
            new java.util.TreeMap<>(),
            new java.util.TreeMap<>(),
            new java.util.TreeMap<>(),
            new java.util.TreeMap<>(),
            List.of(),
            List.of(),
            1,
            List.of(),
            0,
            List.of(),
            List.of(),
            values,
            new java.util.TreeMap<>());
    Path dir = Files.createDirectories(tmp.resolve("learned"));
    dev.tailor.generator.seccomp.SeccompJson.write(
        dev.tailor.generator.seccomp.SeccompGenerator.generate(r).profile(),
        dir.resolve("seccomp.json"));
    ProfileDir p = ProfileDir.read(dir);
    JsonNode spo =
        documents(Fixtures.render(Export.Format.SPO, List.of(p), new ArrayList<>())).get(0);
    Set<ValidationMessage> errors = validate(spo);
    assertTrue(errors.isEmpty(), errors.toString());
    JsonNode file = p.seccomp();
    assertEquals(file.get("syscalls"), canonical(spo.at("/spec/syscalls"), file.get("syscalls")));
    // Every kind of rule is there: masked 32-bit values, the clone namespace mask, W^X, clone3's
    // ENOSYS.
    String rules = spo.at("/spec/syscalls").toString();
    for (String part :
        List.of(
            "\"value\":4294967295,\"valueTwo\":2147767344",
            "\"value\":2114060416,\"valueTwo\":0",
            "\"value\":6,\"valueTwo\":4",
            "\"value\":15,\"valueTwo\":2",
            "\"errnoRet\":38")) {
      assertTrue(rules.contains(part), part + " in " + rules);
    }
  }

  @Test
  void spo_argumentAboveInt64_isRefusedInOneLine(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("wide"));
    Files.writeString(
        dir.resolve("seccomp.json"),
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
            + "[\"mmap\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 2, \"value\": 18446744073709551615, "
            + "\"valueTwo\": 1, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}");
    ExportException e =
        assertThrows(
            ExportException.class,
            () ->
                Fixtures.render(
                    Export.Format.SPO, List.of(ProfileDir.read(dir)), new ArrayList<>()));
    assertEquals(
        dir.resolve("seccomp.json")
            + ": syscalls[0]: argument value 18446744073709551615 is above what the "
            + "operator's SeccompProfile holds (int64, at most 9223372036854775807)",
        e.getMessage());
  }
}
