package io.tessera.kernel.oci.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.kernel.ns.NsType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecJsonTest {

  private static JsonNode tree(Object document) throws Exception {
    return SpecJson.mapper().readTree(SpecJson.toJson(document));
  }

  @Test
  void defaultSpecLooksLikeRuncSpec() throws Exception {
    JsonNode json = tree(OciSpecs.defaultLinuxSpec());
    assertThat(json.path("ociVersion").asText()).isEqualTo(OciSpecs.OCI_VERSION);
    JsonNode process = json.path("process");
    assertThat(process.path("terminal").asBoolean(true)).isFalse();
    // Root's ids are zero and must still be written: runc reads a missing uid as 0 but crun
    // and readers of the spec need the field.
    assertThat(process.path("user").has("uid")).isTrue();
    assertThat(process.path("user").path("uid").asLong(-1)).isZero();
    assertThat(process.path("args").get(0).asText()).isEqualTo("sh");
    assertThat(process.path("cwd").asText()).isEqualTo("/");
    assertThat(process.path("noNewPrivileges").asBoolean()).isTrue();
    assertThat(process.path("capabilities").path("bounding").size()).isEqualTo(14);
    assertThat(process.path("capabilities").has("inheritable")).isFalse();
    assertThat(process.path("rlimits").get(0).path("type").asText()).isEqualTo("RLIMIT_NOFILE");
    assertThat(json.path("root").path("path").asText()).isEqualTo("rootfs");
    assertThat(json.path("root").path("readonly").asBoolean()).isTrue();
    List<String> destinations = new ArrayList<>();
    json.path("mounts").forEach(m -> destinations.add(m.path("destination").asText()));
    assertThat(destinations)
        .containsExactly(
            "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup");
    assertThat(json.path("mounts").get(0).has("options")).as("empty lists are left out").isFalse();
    JsonNode linux = json.path("linux");
    List<String> namespaces = new ArrayList<>();
    linux.path("namespaces").forEach(n -> namespaces.add(n.path("type").asText()));
    assertThat(namespaces).containsExactly("pid", "network", "ipc", "uts", "mount");
    assertThat(linux.path("namespaces").get(0).has("path")).isFalse();
    assertThat(linux.path("maskedPaths").toString()).contains("/proc/kcore");
    assertThat(linux.path("readonlyPaths").toString()).contains("/proc/sys");
    assertThat(linux.path("resources").path("devices").get(0).path("allow").asBoolean(true))
        .isFalse();
    assertThat(json.has("hostname")).isFalse();
    assertThat(json.has("annotations")).isFalse();
    assertThat(linux.has("cgroupsPath")).isFalse();
  }

  @Test
  void joinsNamespacesByPathAndKeepsOneEntryPerType() throws Exception {
    Spec spec = OciSpecs.defaultLinuxSpec();
    spec.linux().namespace(NsType.NET, Path.of("/run/t/pods/p/ns/net"));
    spec.linux().withoutNamespace(NsType.IPC);
    JsonNode namespaces = tree(spec).path("linux").path("namespaces");
    assertThat(namespaces.toString())
        .contains("{\"type\":\"network\",\"path\":\"/run/t/pods/p/ns/net\"}")
        .doesNotContain("\"ipc\"");
    assertThat(namespaces.size()).isEqualTo(4);
  }

  @Test
  void unlimitedRlimitIsUnsigned() throws Exception {
    Process p =
        new Process()
            .args("x")
            .rlimits(List.of(new Rlimit("RLIMIT_CORE", Rlimit.UNLIMITED, Rlimit.UNLIMITED)));
    String json = SpecJson.toJson(p);
    assertThat(json).contains("\"hard\" : 18446744073709551615");
    Process back = SpecJson.fromJson(json, Process.class);
    assertThat(back.rlimits().get(0).hard()).isEqualTo(Rlimit.UNLIMITED);
  }

  @Test
  void roundTripsEverythingItModels() throws Exception {
    Spec spec = OciSpecs.defaultLinuxSpec();
    spec.hostname("web")
        .annotation("io.kubernetes.cri.container-type", "container")
        .addMount(Mount.bind("/host/data", "/data", List.of("ro")));
    spec.process()
        .env("PATH", "/bin")
        .oomScoreAdj(-998)
        .apparmorProfile("unconfined")
        .selinuxLabel("system_u:system_r:container_t:s0")
        .user(new User(1000, 1000).umask(0022).additionalGids(List.of(10L, 20L)));
    spec.linux()
        .cgroupsPath("/tessera/pod/ctr")
        .uidMappings(List.of(new IdMapping(0, 100000, 65536)))
        .devices(List.of(new LinuxDevice("/dev/fuse", "c", 10, 229).fileMode(0666)))
        .seccomp(SpecJson.mapper().readTree("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}"))
        .sysctl(java.util.Map.of("net.ipv4.ip_forward", "1"))
        .rootfsPropagation("rprivate")
        .mountLabel("system_u:object_r:container_file_t:s0");
    String json = SpecJson.toJson(spec);
    Spec back = SpecJson.fromJson(json, Spec.class);
    assertThat(SpecJson.toJson(back)).isEqualTo(json);
    assertThat(back.process().env()).contains("PATH=/bin").doesNotContain(OciSpecs.DEFAULT_PATH);
    assertThat(back.process().user().additionalGids()).containsExactly(10L, 20L);
    assertThat(back.linux().uidMappings().get(0).hostId()).isEqualTo(100000);
    assertThat(json).contains("\"containerID\" : 0").contains("\"hostID\" : 100000");
    assertThat(back.linux().seccomp().path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(back.mounts()).last().extracting(Mount::type).isEqualTo("bind");
  }

  @Test
  void readsUnknownFieldsWithoutFailing() {
    Spec spec =
        SpecJson.fromJson(
            "{\"ociVersion\":\"1.1.0\",\"process\":{\"args\":[\"a\"],\"ioPriority\":{}},"
                + "\"linux\":{\"intelRdt\":{}}}",
            Spec.class);
    assertThat(spec.process().args()).containsExactly("a");
  }

  @Test
  void writesAtomically(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    SpecJson.write(OciSpecs.defaultLinuxSpec(), file);
    SpecJson.write(OciSpecs.defaultLinuxSpec().hostname("again"), file);
    assertThat(SpecJson.read(file, Spec.class).hostname()).isEqualTo("again");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void copiesAreIndependent() {
    Spec original = OciSpecs.defaultLinuxSpec();
    Spec copy = SpecJson.copy(original, Spec.class);
    copy.process().args("other");
    assertThat(original.process().args()).containsExactly("sh");
  }
}
