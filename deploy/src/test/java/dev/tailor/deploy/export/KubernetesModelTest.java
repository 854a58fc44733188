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
  private static final ObjectMapper YAML =
      Yaml.MAPPER.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static List<HasMetadata> parse(String yaml) throws IOException {
    List<HasMetadata> out = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        Class<? extends HasMetadata> type =
            switch (doc.path("apiVersion").asText() + " " + doc.path("kind").asText()) {
              case "v1 Pod" -> Pod.class;
              case "v1 ConfigMap" -> ConfigMap.class;
              case "apps/v1 DaemonSet" -> DaemonSet.class;
              default ->
                  throw new AssertionError(
                      "unexpected object " + doc.path("apiVersion") + " " + doc.path("kind"));
            };
        HasMetadata m = YAML.treeToValue(doc, type);
        assertNoUnknownFields(m, type.getSimpleName());
        // Written back, the model gives the same tree: nothing was dropped or renamed on the way
        // in.
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
    Pod pod =
        YAML.readValue(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: x\n"
                + "    securityContext: {seccompProfil: {type: Localhost}}\n",
            Pod.class);
    AssertionError e =
        org.junit.jupiter.api.Assertions.assertThrows(
            AssertionError.class, () -> assertNoUnknownFields(pod, "pod"));
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
      assertTrue(
          props == null || props.isEmpty(),
          where + ": unknown fields " + props + " in " + o.getClass().getSimpleName());
    } catch (NoSuchMethodException e) {
      // a model without the catch-all has nowhere to hide unknown fields
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    for (java.lang.reflect.Method getter : o.getClass().getMethods()) {
      if (getter.getName().startsWith("get")
          && getter.getParameterCount() == 0
          && !getter.getName().equals("getAdditionalProperties")
          && !getter.getName().equals("getClass")) {
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
    List<HasMetadata> objects =
        parse(Fixtures.render(Export.Format.KUBERNETES, dirs, new ArrayList<>()));
    assertEquals(dirs.size(), objects.size());
    for (int i = 0; i < dirs.size(); i++) {
      ProfileDir p = dirs.get(i);
      Pod pod = (Pod) objects.get(i);
      Container c = pod.getSpec().getContainers().get(0);
      assertEquals("Localhost", c.getSecurityContext().getSeccompProfile().getType());
      assertEquals(
          "profiles/" + p.name() + ".json",
          c.getSecurityContext().getSeccompProfile().getLocalhostProfile());
      if (p.apparmorName().isPresent()) {
        assertEquals("Localhost", c.getSecurityContext().getAppArmorProfile().getType());
        assertEquals(
            p.apparmorName().get(),
            c.getSecurityContext().getAppArmorProfile().getLocalhostProfile());
        assertEquals(
            "localhost/" + p.apparmorName().get(),
            pod.getMetadata()
                .getAnnotations()
                .get("container.apparmor.security.beta.kubernetes.io/" + c.getName()));
      } else {
        assertEquals(null, c.getSecurityContext().getAppArmorProfile());
      }
    }
  }

  @Test
  void daemonset_configMapHoldsTheFilesAndTheDaemonSetInstallsThem() throws Exception {
    List<ProfileDir> dirs = Fixtures.all();
    List<HasMetadata> objects =
        parse(Fixtures.render(Export.Format.DAEMONSET, dirs, new ArrayList<>()));
    ConfigMap cm = (ConfigMap) objects.get(0);
    DaemonSet ds = (DaemonSet) objects.get(1);
    for (ProfileDir p : dirs) {
      assertEquals(
          Files.readString(p.path().resolve("seccomp.json")), cm.getData().get(p.name() + ".json"));
      if (p.apparmorText().isPresent()) {
        assertEquals(
            Files.readString(p.path().resolve("apparmor.profile")),
            cm.getData().get(p.name() + ".apparmor"));
      }
    }
    assertEquals(5, cm.getData().size());
    PodSpec spec = ds.getSpec().getTemplate().getSpec();
    Volume profiles =
        spec.getVolumes().stream()
            .filter(v -> v.getName().equals("profiles"))
            .findFirst()
            .orElseThrow();
    assertEquals(cm.getMetadata().getName(), profiles.getConfigMap().getName());
    assertEquals(cm.getMetadata().getNamespace(), ds.getMetadata().getNamespace());
    assertEquals(
        ds.getSpec().getSelector().getMatchLabels(),
        ds.getSpec().getTemplate().getMetadata().getLabels());
    Container install = spec.getInitContainers().get(0);
    assertTrue(install.getCommand().get(2).contains("/var/lib/kubelet/seccomp/profiles"));
    assertEquals("Exists", spec.getTolerations().get(0).getOperator());
  }

  @Test
  void daemonset_newProfiles_changeThePodTemplate() throws Exception {
    DaemonSet all =
        (DaemonSet)
            parse(Fixtures.render(Export.Format.DAEMONSET, Fixtures.all(), new ArrayList<>()))
                .get(1);
    DaemonSet one =
        (DaemonSet)
            parse(
                    Fixtures.render(
                        Export.Format.DAEMONSET, Fixtures.read("with-args"), new ArrayList<>()))
                .get(1);
    String key = "tailor.dev/profiles-sha256";
    assertTrue(
        !all.getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(key)
            .equals(one.getSpec().getTemplate().getMetadata().getAnnotations().get(key)));
  }

  private static Export.Options with(
      Export.Install install, String image, String namespace, List<String> command, String pause) {
    return new Export.Options(
        image, namespace, "/var/lib/tailor/profiles", install, command, pause);
  }

  @Test
  void kubernetes_spoInstall_namesWhereTheOperatorPutsEachProfile() throws Exception {
    // Issue #18 item 13: the Pod said profiles/NAME.json whatever installed the profiles.
    List<ProfileDir> dirs = Fixtures.all();
    List<String> notes = new ArrayList<>();
    List<HasMetadata> pods =
        parse(
            Fixtures.render(
                Export.Format.KUBERNETES,
                dirs,
                with(Export.Install.SPO, "", "", List.of(), ""),
                notes));
    // What the spo export writes: cluster-scoped resources, so the operator's path has no namespace
    // part.
    List<JsonNode> spo = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        YAML.readerFor(JsonNode.class)
            .readValues(Fixtures.render(Export.Format.SPO, dirs, new ArrayList<>()))) {
      it.forEachRemaining(spo::add);
    }
    for (int i = 0; i < dirs.size(); i++) {
      ProfileDir p = dirs.get(i);
      Pod pod = (Pod) pods.get(i);
      Container c = pod.getSpec().getContainers().get(0);
      JsonNode seccomp =
          spo.stream()
              .filter(
                  d ->
                      d.path("kind").asText().equals("SeccompProfile")
                          && d.at("/metadata/name").asText().equals(pod.getMetadata().getName()))
              .findFirst()
              .orElseThrow();
      assertTrue(
          seccomp.at("/metadata/namespace").isMissingNode(), "SPO resources are cluster-scoped");
      assertEquals(
          "operator/" + seccomp.at("/metadata/name").asText() + ".json",
          c.getSecurityContext().getSeccompProfile().getLocalhostProfile());
      var apparmor =
          spo.stream()
              .filter(
                  d ->
                      d.path("kind").asText().equals("AppArmorProfile")
                          && d.at("/metadata/name").asText().equals(pod.getMetadata().getName()))
              .findFirst();
      if (apparmor.isPresent()) {
        // The operator loads the profile under the resource's name.
        String name = apparmor.get().at("/metadata/name").asText();
        assertEquals(name, c.getSecurityContext().getAppArmorProfile().getLocalhostProfile());
        assertEquals(
            "localhost/" + name,
            pod.getMetadata()
                .getAnnotations()
                .get(KubernetesExport.APPARMOR_ANNOTATION + c.getName()));
      } else {
        assertEquals(null, c.getSecurityContext().getAppArmorProfile());
      }
    }
    assertEquals(
        2, spo.stream().filter(d -> d.path("kind").asText().equals("AppArmorProfile")).count());
  }

  @Test
  void kubernetes_spoInstall_profileWithoutRecording_namesNoAppArmorProfileAndSaysWhy(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    java.nio.file.Path dir = Files.createDirectories(tmp.resolve("Web_App"));
    Files.copy(Fixtures.DIR.resolve("hostile/seccomp.json"), dir.resolve("seccomp.json"));
    Files.copy(Fixtures.DIR.resolve("hostile/apparmor.profile"), dir.resolve("apparmor.profile"));
    List<String> notes = new ArrayList<>();
    Pod pod =
        (Pod)
            parse(
                    Fixtures.render(
                        Export.Format.KUBERNETES,
                        List.of(ProfileDir.read(dir)),
                        with(Export.Install.SPO, "", "", List.of(), ""),
                        notes))
                .get(0);
    Container c = pod.getSpec().getContainers().get(0);
    // The resource name, not the folder name: the operator's file is named after the object.
    assertEquals(
        "operator/web-app.json", c.getSecurityContext().getSeccompProfile().getLocalhostProfile());
    assertEquals(null, c.getSecurityContext().getAppArmorProfile());
    assertTrue(
        pod.getMetadata().getAnnotations() == null || pod.getMetadata().getAnnotations().isEmpty());
    assertTrue(
        notes.contains(
            "Web_App: no recording.json, so the spo export writes no AppArmorProfile and the Pod "
                + "names no AppArmor profile"),
        notes.toString());
    // With the daemonset, the same folder's AppArmor profile is loaded under its own profile line.
    Pod ds =
        (Pod)
            parse(
                    Fixtures.render(
                        Export.Format.KUBERNETES, List.of(ProfileDir.read(dir)), new ArrayList<>()))
                .get(0);
    assertEquals(
        "profiles/Web_App.json",
        ds.getSpec()
            .getContainers()
            .get(0)
            .getSecurityContext()
            .getSeccompProfile()
            .getLocalhostProfile());
    assertEquals(
        "hostile",
        ds.getSpec()
            .getContainers()
            .get(0)
            .getSecurityContext()
            .getAppArmorProfile()
            .getLocalhostProfile());
  }

  @Test
  void kubernetes_namespaceImageAndCommand_areThePodsOwn() throws Exception {
    List<ProfileDir> dirs = Fixtures.read("with-args");
    List<String> notes = new ArrayList<>();
    Pod pod =
        (Pod)
            parse(
                    Fixtures.render(
                        Export.Format.KUBERNETES,
                        dirs,
                        with(
                            Export.Install.DAEMONSET,
                            "registry.example/web@sha256:" + "a".repeat(64),
                            "shop",
                            List.of("python3", "/app/main.py"),
                            ""),
                        notes))
                .get(0);
    assertEquals("shop", pod.getMetadata().getNamespace());
    Container c = pod.getSpec().getContainers().get(0);
    assertEquals("registry.example/web@sha256:" + "a".repeat(64), c.getImage());
    assertEquals(List.of("python3", "/app/main.py"), c.getCommand());
    assertEquals(List.of(), notes);
    // Without them: no namespace (kubectl's current one) and the image's own entrypoint, said on
    // stderr.
    Pod plain = (Pod) parse(Fixtures.render(Export.Format.KUBERNETES, dirs, notes)).get(0);
    assertEquals(null, plain.getMetadata().getNamespace());
    assertTrue(plain.getSpec().getContainers().get(0).getCommand().isEmpty());
    assertTrue(
        notes.contains(
            "with-args: no command known; the Pod runs the image's own entrypoint, or pass --command"),
        notes.toString());
  }

  @Test
  void kubernetes_commandAndImage_comeFromTheRecordedContainer() throws Exception {
    ProfileDir base = Fixtures.read("python3-app").get(0);
    dev.tailor.tracer.Recording r = base.recording().orElseThrow();
    dev.tailor.tracer.Recording withContainer =
        new dev.tailor.tracer.Recording(
            r.version(),
            r.name(),
            r.arch(),
            r.runs(),
            r.syscalls(),
            r.files(),
            r.sockets(),
            r.execs(),
            r.capabilities(),
            r.targets(),
            r.warnings(),
            r.processes(),
            r.diagnostics(),
            r.unusedLines(),
            r.runtimeBases(),
            List.of(
                new dev.tailor.tracer.ContainerInfo(
                    "c0ffee",
                    "registry.example/app:2",
                    List.of("python3", "-u", "/srv/app.py"),
                    "runc 1.1.5")),
            r.arguments(),
            r.inherited());
    ProfileDir p =
        new ProfileDir(
            base.path(),
            base.name(),
            base.seccomp(),
            base.seccompText(),
            base.apparmorText(),
            base.apparmorName(),
            java.util.Optional.of(withContainer),
            base.seccompFile(),
            base.trialOf());
    List<String> notes = new ArrayList<>();
    Pod pod = (Pod) parse(Fixtures.render(Export.Format.KUBERNETES, List.of(p), notes)).get(0);
    Container c = pod.getSpec().getContainers().get(0);
    assertEquals("registry.example/app:2", c.getImage());
    assertEquals(List.of("python3", "-u", "/srv/app.py"), c.getCommand());
    assertEquals(List.of(), notes);
    // --command wins over the recording's.
    Pod given =
        (Pod)
            parse(
                    Fixtures.render(
                        Export.Format.KUBERNETES,
                        List.of(p),
                        with(Export.Install.DAEMONSET, "", "", List.of("/bin/true"), ""),
                        notes))
                .get(0);
    assertEquals(List.of("/bin/true"), given.getSpec().getContainers().get(0).getCommand());
  }

  @Test
  void daemonset_mountsOnlyTheSeccompFolderAppArmorAndSecurityfs_withRequestsAndLimits()
      throws Exception {
    // Issue #18 item 14: the host's / was mounted read-write, no resources, unpinned images.
    List<HasMetadata> objects =
        parse(Fixtures.render(Export.Format.DAEMONSET, Fixtures.all(), new ArrayList<>()));
    PodSpec spec = ((DaemonSet) objects.get(1)).getSpec().getTemplate().getSpec();
    assertEquals(
        List.of("/var/lib/kubelet/seccomp", "/etc/apparmor.d", "/sys/kernel/security"),
        spec.getVolumes().stream()
            .filter(v -> v.getHostPath() != null)
            .map(v -> v.getHostPath().getPath())
            .toList());
    Container install = spec.getInitContainers().get(0);
    for (var m : install.getVolumeMounts()) {
      Volume v =
          spec.getVolumes().stream()
              .filter(x -> x.getName().equals(m.getName()))
              .findFirst()
              .orElseThrow();
      if (v.getHostPath() != null) {
        // Mounted where the node has it, so the script's paths are the node's.
        assertEquals(v.getHostPath().getPath(), m.getMountPath());
      }
    }
    assertTrue(install.getSecurityContext().getReadOnlyRootFilesystem());
    assertTrue(
        !install.getCommand().get(2).contains("chroot"),
        "no chroot into a host that is not mounted");
    List<Container> all = new ArrayList<>(spec.getInitContainers());
    all.addAll(spec.getContainers());
    for (Container c : all) {
      for (String r : List.of("cpu", "memory")) {
        assertTrue(c.getResources().getRequests().containsKey(r), c.getName() + " requests " + r);
        assertTrue(c.getResources().getLimits().containsKey(r), c.getName() + " limits " + r);
      }
      assertTrue(
          c.getVolumeMounts().stream().noneMatch(m -> m.getMountPath().equals("/host")),
          c.getName());
    }
    Container pause = spec.getContainers().get(0);
    assertEquals(List.of("ALL"), pause.getSecurityContext().getCapabilities().getDrop());
    assertEquals(false, pause.getSecurityContext().getAllowPrivilegeEscalation());
  }

  @Test
  void daemonset_imagesAndNamespace_areTheUsers() throws Exception {
    List<String> notes = new ArrayList<>();
    String installer = "registry.example/tailor-installer@sha256:" + "b".repeat(64);
    String pause = "registry.k8s.io/pause@sha256:" + "c".repeat(64);
    List<HasMetadata> objects =
        parse(
            Fixtures.render(
                Export.Format.DAEMONSET,
                Fixtures.all(),
                with(Export.Install.DAEMONSET, installer, "tailor", List.of(), pause),
                notes));
    DaemonSet ds = (DaemonSet) objects.get(1);
    assertEquals("tailor", objects.get(0).getMetadata().getNamespace());
    assertEquals("tailor", ds.getMetadata().getNamespace());
    assertEquals(
        installer, ds.getSpec().getTemplate().getSpec().getInitContainers().get(0).getImage());
    assertEquals(pause, ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals(List.of(), notes, "an installer image of the user's own is not warned about");
    // The defaults: kube-system, and a warning that busybox cannot load AppArmor profiles.
    List<String> defaultNotes = new ArrayList<>();
    DaemonSet plain =
        (DaemonSet)
            parse(Fixtures.render(Export.Format.DAEMONSET, Fixtures.all(), defaultNotes)).get(1);
    assertEquals("kube-system", plain.getMetadata().getNamespace());
    assertTrue(
        defaultNotes.get(0).startsWith("the installer image busybox:1.36 has no apparmor_parser"),
        defaultNotes.toString());
    List<String> seccompOnly = new ArrayList<>();
    Fixtures.render(Export.Format.DAEMONSET, Fixtures.read("with-args"), seccompOnly);
    assertEquals(List.of(), seccompOnly, "no AppArmor profiles, nothing to warn of");
  }
}
