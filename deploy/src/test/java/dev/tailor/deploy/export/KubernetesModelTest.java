package dev.tailor.deploy.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kubernetes and daemonset exports read back into fabric8's typed Kubernetes models (as a
 * client or kubectl would), with no field the models do not know.
 */
class KubernetesModelTest {
  private static final ObjectMapper YAML = Yaml.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static List<HasMetadata> parse(String yaml) throws IOException {
    List<HasMetadata> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        Class<? extends HasMetadata> type = switch (doc.path("apiVersion").asText() + " " + doc.path("kind").asText()) {
          case "v1 Pod" -> Pod.class;
          case "v1 ConfigMap" -> ConfigMap.class;
          case "apps/v1 DaemonSet" -> DaemonSet.class;
          default -> throw new AssertionError("unexpected object " + doc.path("apiVersion") + " " + doc.path("kind"));
        };
        HasMetadata m = YAML.treeToValue(doc, type);
        assertNoUnknownFields(m, type.getSimpleName());
        // Written back, the model gives the same tree: nothing was dropped or renamed on the way in.
        assertEquals(doc, YAML.valueToTree(m));
        out.add(m);
      }
    }
    return out;
  }

  /** fabric8 keeps fields it does not model in additionalProperties; there must be none. */
  private static void assertNoUnknownFields(Object model, String where) {
    walk(model, where);
  }

  @Test
  void unknownFieldCheck_findsAMisspelledField() throws Exception {
    Pod pod = YAML.readValue("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: x\n"
        + "    securityContext: {seccompProfil: {type: Localhost}}\n", Pod.class);
    AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
        () -> assertNoUnknownFields(pod, "pod"));
    assertTrue(e.getMessage().contains("seccompProfil"), e.getMessage());
  }

  private static void walk(Object o, String where) {
    if (o == null || o instanceof String || o instanceof Number || o instanceof Boolean) {
      return;
    }
    if (o instanceof Iterable<?> it) {
      it.forEach(x -> walk(x, where));
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.values().forEach(x -> walk(x, where));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    try {
      java.lang.reflect.Method extra = o.getClass().getMethod("getAdditionalProperties");
      Map<?, ?> props = (Map<?, ?>) extra.invoke(o);
      assertTrue(props == null || props.isEmpty(), where + ": unknown fields " + props + " in " + o.getClass().getSimpleName());
    } catch (NoSuchMethodException e) {
      // a model without the catch-all has nowhere to hide unknown fields
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    for (java.lang.reflect.Method getter : o.getClass().getMethods()) {
      if (getter.getName().startsWith("get") && getter.getParameterCount() == 0
          && !getter.getName().equals("getAdditionalProperties") && !getter.getName().equals("getClass")) {
        try {
          walk(getter.invoke(o), where);
        } catch (ReflectiveOperationException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  @Test
  void kubernetes_podsParseIntoTheTypedModel_withLocalhostProfiles() throws Exception {
    List<ProfileDir> dirs = Fixtures.all();
    List<HasMetadata> objects = parse(Fixtures.render(Export.Format.KUBERNETES, dirs, new ArrayList<>()));
    assertEquals(dirs.size(), objects.size());
    for (int i = 0; i < dirs.size(); i++) {
      ProfileDir p = dirs.get(i);
      Pod pod = (Pod) objects.get(i);
      Container c = pod.getSpec().getContainers().get(0);
      assertEquals("Localhost", c.getSecurityContext().getSeccompProfile().getType());
      assertEquals("profiles/" + p.name() + ".json", c.getSecurityContext().getSeccompProfile().getLocalhostProfile());
      if (p.apparmorName().isPresent()) {
        assertEquals("Localhost", c.getSecurityContext().getAppArmorProfile().getType());
        assertEquals(p.apparmorName().get(), c.getSecurityContext().getAppArmorProfile().getLocalhostProfile());
        assertEquals("localhost/" + p.apparmorName().get(), pod.getMetadata().getAnnotations()
            .get("container.apparmor.security.beta.kubernetes.io/" + c.getName()));
      } else {
        assertEquals(null, c.getSecurityContext().getAppArmorProfile());
      }
    }
  }

  @Test
  void daemonset_configMapHoldsTheFilesAndTheDaemonSetInstallsThem() throws Exception {
    List<ProfileDir> dirs = Fixtures.all();
    List<HasMetadata> objects = parse(Fixtures.render(Export.Format.DAEMONSET, dirs, new ArrayList<>()));
    ConfigMap cm = (ConfigMap) objects.get(0);
    DaemonSet ds = (DaemonSet) objects.get(1);
    for (ProfileDir p : dirs) {
      assertEquals(Files.readString(p.path().resolve("seccomp.json")), cm.getData().get(p.name() + ".json"));
      if (p.apparmorText().isPresent()) {
        assertEquals(Files.readString(p.path().resolve("apparmor.profile")), cm.getData().get(p.name() + ".apparmor"));
      }
    }
    assertEquals(5, cm.getData().size());
    PodSpec spec = ds.getSpec().getTemplate().getSpec();
    Volume profiles = spec.getVolumes().stream().filter(v -> v.getName().equals("profiles")).findFirst().orElseThrow();
    assertEquals(cm.getMetadata().getName(), profiles.getConfigMap().getName());
    assertEquals(cm.getMetadata().getNamespace(), ds.getMetadata().getNamespace());
    assertEquals(ds.getSpec().getSelector().getMatchLabels(), ds.getSpec().getTemplate().getMetadata().getLabels());
    Container install = spec.getInitContainers().get(0);
    assertTrue(install.getCommand().get(2).contains("/host/var/lib/kubelet/seccomp/profiles"));
    assertEquals("Exists", spec.getTolerations().get(0).getOperator());
  }

  @Test
  void daemonset_newProfiles_changeThePodTemplate() throws Exception {
    DaemonSet all = (DaemonSet) parse(Fixtures.render(Export.Format.DAEMONSET, Fixtures.all(), new ArrayList<>())).get(1);
    DaemonSet one = (DaemonSet) parse(Fixtures.render(Export.Format.DAEMONSET, Fixtures.read("with-args"),
        new ArrayList<>())).get(1);
    String key = "tailor.dev/profiles-sha256";
    assertTrue(!all.getSpec().getTemplate().getMetadata().getAnnotations().get(key)
        .equals(one.getSpec().getTemplate().getMetadata().getAnnotations().get(key)));
  }

}
