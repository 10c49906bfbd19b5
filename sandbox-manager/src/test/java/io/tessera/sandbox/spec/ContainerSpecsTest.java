package io.tessera.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.ns.NsType;
import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.kernel.oci.spec.SpecJson;
import io.tessera.sandbox.model.Capabilities;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.Device;
import io.tessera.sandbox.model.HugepageLimit;
import io.tessera.sandbox.model.ImageSpec;
import io.tessera.sandbox.model.KeyValue;
import io.tessera.sandbox.model.LinuxContainerConfig;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.LinuxContainerSecurityContext;
import io.tessera.sandbox.model.LinuxPodSandboxConfig;
import io.tessera.sandbox.model.LinuxSandboxSecurityContext;
import io.tessera.sandbox.model.Mount;
import io.tessera.sandbox.model.MountPropagation;
import io.tessera.sandbox.model.NamespaceMode;
import io.tessera.sandbox.model.NamespaceOptions;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxConfig;
import io.tessera.sandbox.model.PodSandboxMetadata;
import io.tessera.sandbox.model.SeLinuxOption;
import io.tessera.sandbox.model.SecurityProfile;
import io.tessera.sandbox.model.SupplementalGroupsPolicy;
import io.tessera.sandbox.seccomp.SeccompProfiles;
import io.tessera.storage.image.ImageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerSpecsTest {
  private static final SeccompProfiles SECCOMP = SeccompProfiles.forHost();
  private static final String POD_ID = "a".repeat(63) + "1";
  private static final String CTR_ID = "c".repeat(63) + "1";

  @TempDir Path tmp;
  private Path rootfs;
  private Path podDir;

  /** Devices the tests pretend the host has: /dev/null, /dev/sda, /dev/fuse. */
  /** A host whose root mount is shared and /mnt/private is a private mount. */
  private static final String SHARED_ROOT =
      "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
          + "40 27 0:50 / /mnt/private rw,relatime - tmpfs tmpfs rw\n"
          + "41 27 0:51 / /mnt/slave rw,relatime master:7 - tmpfs tmpfs rw\n";

  private static final class FakeDevices implements HostDevices {
    final List<HostDevice> devices =
        List.of(
            new HostDevice("/dev/fuse", "c", 10, 229, 0666, 0, 0),
            new HostDevice("/dev/null", "c", 1, 3, 0666, 0, 0),
            new HostDevice("/dev/sda", "b", 8, 0, 0660, 0, 6),
            new HostDevice("/dev/snd/controlC0", "c", 116, 0, 0660, 0, 29),
            new HostDevice("/dev/snd/pcm/p0", "c", 116, 16, 0660, 0, 29));

    @Override
    public Optional<HostDevice> stat(Path hostPath) {
      return devices.stream().filter(d -> d.path().equals(hostPath.toString())).findFirst();
    }

    @Override
    public List<HostDevice> list() {
      return devices;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    rootfs = Files.createDirectories(tmp.resolve("rootfs/etc"));
    rootfs = tmp.resolve("rootfs");
    Files.writeString(
        rootfs.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\n"
            + "app:x:1000:1001:App:/home/app:/bin/sh\n"
            + "nobody:x:65534:65534::/:/bin/false\n");
    Files.writeString(
        rootfs.resolve("etc/group"),
        "root:x:0:\napp:x:1001:\nwheel:x:10:root,app\naudio:x:29:app\nnogroup:x:65534:\n");
    podDir = Files.createDirectories(tmp.resolve("pod"));
    for (String f : List.of("hosts", "resolv.conf", "hostname")) {
      Files.writeString(podDir.resolve(f), "");
    }
    Files.createDirectories(podDir.resolve("shm"));
  }

  // ---- fixtures

  private static ImageConfig image(String user, List<String> entrypoint, List<String> cmd) {
    return new ImageConfig(
        "linux",
        "amd64",
        user,
        List.of("PATH=/app/bin:/usr/bin", "LANG=C.UTF-8", "MODE=image"),
        entrypoint,
        cmd,
        "/app",
        Map.of(),
        List.of("/data"),
        List.of(),
        "",
        List.of());
  }

  private static ImageConfig image() {
    return image("", List.of("/entry"), List.of("serve"));
  }

  private static PodSandbox pod(LinuxSandboxSecurityContext psc, Map<String, String> sysctls) {
    PodSandboxConfig config =
        PodSandboxConfig.builder(new PodSandboxMetadata("web", "uid-web", "prod", 0))
            .hostname("web-host")
            .linux(
                new LinuxPodSandboxConfig(
                    "/kubepods", psc, sysctls, Optional.empty(), Optional.empty()))
            .build();
    return PodSandbox.builder()
        .id(POD_ID)
        .config(config)
        .runtimeHandler("runc")
        .createdAt(1)
        .build();
  }

  private static PodSandbox pod() {
    return pod(LinuxSandboxSecurityContext.DEFAULT, Map.of());
  }

  private static ContainerConfig.Builder config() {
    return ContainerConfig.builder(
        new ContainerMetadata("app", 0),
        new ImageSpec("sha256:" + "e".repeat(64), Map.of(), "busybox:1.36", "", ""));
  }

  private static ContainerConfig withSecurity(
      UnaryOperator<LinuxContainerSecurityContext.Builder> sc) {
    return config()
        .linux(
            new LinuxContainerConfig(
                Optional.empty(), sc.apply(LinuxContainerSecurityContext.builder()).build()))
        .build();
  }

  private ContainerSpecInput.Builder input(ContainerConfig config) {
    return ContainerSpecInput.builder()
        .pod(pod())
        .config(config)
        .image(image())
        .containerId(CTR_ID)
        .rootfs(rootfs)
        .podNamespace(NsType.NET, Path.of("/run/tessera/ns/net/p1"))
        .podNamespace(NsType.IPC, Path.of("/run/tessera/ns/ipc/p1"))
        .podNamespace(NsType.UTS, Path.of("/run/tessera/ns/uts/p1"))
        .podPidSource(OptionalLong.of(4242))
        .cgroupsPath("/kubepods/pod1/" + CTR_ID)
        .hostsFile(podDir.resolve("hosts"))
        .resolvConfFile(podDir.resolve("resolv.conf"))
        .hostnameFile(podDir.resolve("hostname"))
        .shmDir(Optional.of(podDir.resolve("shm")))
        .seccompProfiles(SECCOMP)
        .arch("x86_64")
        .oomScoreAdjFloor(-500)
        .hostDevices(new FakeDevices())
        .hostCapabilities(CapabilitySets.ALL)
        .hostMounts(() -> MountInfo.parse(SHARED_ROOT))
        .hostPathExists(p -> false);
  }

  private static JsonNode json(Spec spec) throws Exception {
    return SpecJson.mapper().readTree(SpecJson.toJson(spec));
  }

  private JsonNode build(ContainerSpecInput.Builder in) throws Exception {
    return json(ContainerSpecs.build(in.build()));
  }

  private JsonNode build(ContainerConfig config) throws Exception {
    return build(input(config));
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static JsonNode mount(JsonNode spec, String destination) {
    for (JsonNode m : spec.at("/mounts")) {
      if (m.path("destination").asText().equals(destination)) {
        return m;
      }
    }
    return null;
  }

  private static String namespacePath(JsonNode spec, String type) {
    for (JsonNode n : spec.at("/linux/namespaces")) {
      if (n.path("type").asText().equals(type)) {
        return n.path("path").asText("");
      }
    }
    return null;
  }

  // ---- process

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/bin/sh -c|echo hi|/bin/sh -c echo hi",
        "/bin/sh||/bin/sh",
        "|--port 80|/entry --port 80",
        "||/entry serve",
      })
  void commandAndArgsCombine(String command, String args, String expected) throws Exception {
    ContainerConfig c = config().command(words(command)).args(words(args)).build();
    assertThat(strings(build(c).at("/process/args"))).isEqualTo(words(expected));
  }

  private static List<String> words(String s) {
    return s == null || s.isEmpty() ? List.of() : List.of(s.split(" "));
  }

  @Test
  void noCommandAnywhereIsRefused() {
    ContainerSpecInput in = input(config().build()).image(image("", List.of(), List.of())).build();
    assertThatThrownBy(() -> ContainerSpecs.build(in))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("no command specified");
  }

  @Test
  void envLayersDefaultsImageAndRequestByName() throws Exception {
    ContainerConfig c =
        config()
            .envs(
                List.of(
                    new KeyValue("MODE", "request"),
                    new KeyValue("EXTRA", "1"),
                    new KeyValue("EXTRA", "2")))
            .tty(true)
            .build();
    JsonNode spec = build(c);
    assertThat(strings(spec.at("/process/env")))
        .containsExactly(
            "PATH=/app/bin:/usr/bin",
            "HOSTNAME=web-host",
            "TERM=xterm",
            "LANG=C.UTF-8",
            "MODE=request",
            "EXTRA=2");
    assertThat(spec.at("/process/terminal").asBoolean()).isTrue();
  }

  @Test
  void defaultPathWhenTheImageHasNone() throws Exception {
    ImageConfig img =
        new ImageConfig(
            "linux",
            "amd64",
            "",
            List.of(),
            List.of("/e"),
            List.of(),
            "",
            Map.of(),
            List.of(),
            List.of(),
            "",
            List.of());
    JsonNode spec = build(input(config().build()).image(img));
    assertThat(strings(spec.at("/process/env")))
        .containsExactly(OciSpecs.DEFAULT_PATH, "HOSTNAME=web-host");
    assertThat(spec.at("/process/cwd").asText()).isEqualTo("/");
  }

  @Test
  void workingDirFromRequestThenImage() throws Exception {
    assertThat(build(config().build()).at("/process/cwd").asText()).isEqualTo("/app");
    assertThat(build(config().workingDir("/work").build()).at("/process/cwd").asText())
        .isEqualTo("/work");
  }

  // ---- user

  @Test
  void rootByDefaultWithItsGroups() throws Exception {
    JsonNode user = build(config().build()).at("/process/user");
    assertThat(user.path("uid").asLong(-1)).isZero();
    assertThat(user.path("gid").asLong(-1)).isZero();
    assertThat(user.path("additionalGids").toString()).isEqualTo("[0,10]");
  }

  @Test
  void runAsUserTakesTheGidFromPasswdAndMergesGroups() throws Exception {
    ContainerConfig c =
        withSecurity(b -> b.runAsUser(OptionalLong.of(1000)).supplementalGroups(List.of(5000L)));
    PodSandbox pod =
        pod(
            LinuxSandboxSecurityContext.builder().supplementalGroups(List.of(4000L)).build(),
            Map.of());
    JsonNode user = build(input(c).pod(pod)).at("/process/user");
    assertThat(user.path("uid").asLong()).isEqualTo(1000);
    assertThat(user.path("gid").asLong()).isEqualTo(1001);
    assertThat(user.path("additionalGids").toString()).isEqualTo("[10,29,1001,4000,5000]");
  }

  @Test
  void strictPolicyKeepsOnlyRequestedGroups() throws Exception {
    ContainerConfig c =
        withSecurity(
            b ->
                b.runAsUser(OptionalLong.of(1000))
                    .runAsGroup(OptionalLong.of(3000))
                    .supplementalGroups(List.of(5000L))
                    .supplementalGroupsPolicy(SupplementalGroupsPolicy.STRICT));
    JsonNode user = build(c).at("/process/user");
    assertThat(user.path("gid").asLong()).isEqualTo(3000);
    assertThat(user.path("additionalGids").toString()).isEqualTo("[3000,5000]");
  }

  @Test
  void numericUidMissingFromPasswdIsFine() throws Exception {
    JsonNode user =
        build(withSecurity(b -> b.runAsUser(OptionalLong.of(4321)))).at("/process/user");
    assertThat(user.path("uid").asLong()).isEqualTo(4321);
    assertThat(user.path("gid").asLong(-1)).isZero();
  }

  @Test
  void runAsUsernameIsLookedUp() throws Exception {
    JsonNode user =
        build(withSecurity(b -> b.runAsUsername(Optional.of("nobody")))).at("/process/user");
    assertThat(user.path("uid").asLong()).isEqualTo(65534);
    assertThat(user.path("gid").asLong()).isEqualTo(65534);
    assertThatThrownBy(
            () ->
                ContainerSpecs.build(
                    input(withSecurity(b -> b.runAsUsername(Optional.of("x")))).build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'x'");
  }

  @ParameterizedTest
  @CsvSource({
    "app,1000,1001",
    "1000,1000,1001",
    "app:audio,1000,29",
    "77:88,77,88",
    "app:5,1000,5"
  })
  void imageUserForms(String imageUser, long uid, long gid) throws Exception {
    JsonNode user =
        build(input(config().build()).image(image(imageUser, List.of("/e"), List.of())))
            .at("/process/user");
    assertThat(user.path("uid").asLong(-1)).isEqualTo(uid);
    assertThat(user.path("gid").asLong(-1)).isEqualTo(gid);
  }

  @Test
  void imageUserWithUnknownGroupIsRefused() {
    ContainerSpecInput in =
        input(config().build()).image(image("app:nope", List.of("/e"), List.of())).build();
    assertThatThrownBy(() -> ContainerSpecs.build(in))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void passwdSymlinkEscapingTheRootfsIsRefused() throws Exception {
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.writeString(tmp.resolve("host-passwd"), "root:x:0:0::/:/bin/sh\n");
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("../../host-passwd"));
    assertThatThrownBy(() -> ContainerSpecs.build(input(config().build()).build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("outside the rootfs");
  }

  // ---- capabilities, privileges, seccomp

  @Test
  void defaultCapabilitiesAndSeccompAbsentByDefault() throws Exception {
    JsonNode spec = build(config().build());
    assertThat(strings(spec.at("/process/capabilities/bounding")))
        .containsExactlyElementsOf(OciSpecs.DEFAULT_CAPABILITIES);
    assertThat(strings(spec.at("/process/capabilities/effective")))
        .containsExactlyElementsOf(OciSpecs.DEFAULT_CAPABILITIES);
    assertThat(strings(spec.at("/process/capabilities/permitted")))
        .containsExactlyElementsOf(OciSpecs.DEFAULT_CAPABILITIES);
    assertThat(spec.at("/process/capabilities/inheritable").isMissingNode()).isTrue();
    assertThat(spec.at("/linux/seccomp").isMissingNode()).isTrue();
    assertThat(spec.at("/process/noNewPrivileges").asBoolean(false)).isFalse();
  }

  @Test
  void capabilityChangesReachEverySet() throws Exception {
    ContainerConfig c =
        withSecurity(
            b ->
                b.capabilities(
                    new Capabilities(List.of("NET_ADMIN"), List.of("ALL"), List.of("SYS_TIME"))));
    JsonNode caps = build(c).at("/process/capabilities");
    assertThat(strings(caps.at("/bounding"))).containsExactly("CAP_NET_ADMIN", "CAP_SYS_TIME");
    assertThat(strings(caps.at("/effective"))).containsExactly("CAP_NET_ADMIN", "CAP_SYS_TIME");
    assertThat(strings(caps.at("/ambient"))).containsExactly("CAP_SYS_TIME");
    assertThat(strings(caps.at("/inheritable"))).containsExactly("CAP_SYS_TIME");
    assertThat(strings(build(config().build()).at("/process/capabilities/inheritable"))).isEmpty();
  }

  @Test
  void runtimeDefaultSeccompFollowsTheCapabilities() throws Exception {
    ContainerConfig c =
        withSecurity(
            b -> b.seccomp(Optional.of(SecurityProfile.runtimeDefault())).noNewPrivs(true));
    JsonNode spec = build(c);
    assertThat(spec.at("/linux/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(spec.at("/linux/seccomp").toString()).doesNotContain("\"mount\"");
    assertThat(spec.at("/process/noNewPrivileges").asBoolean()).isTrue();
    ContainerConfig admin =
        withSecurity(
            b ->
                b.seccomp(Optional.of(SecurityProfile.runtimeDefault()))
                    .capabilities(new Capabilities(List.of("SYS_ADMIN"), List.of(), List.of())));
    assertThat(build(admin).at("/linux/seccomp").toString()).contains("\"mount\"");
  }

  @Test
  void localhostAndUnconfinedSeccomp() throws Exception {
    Path profile = tmp.resolve("profile.json");
    Files.writeString(
        profile,
        "{\"defaultAction\":\"SCMP_ACT_LOG\",\"syscalls\":[{\"names\":[\"read\"],"
            + "\"action\":\"SCMP_ACT_ALLOW\"}]}");
    JsonNode local =
        build(
            withSecurity(
                b -> b.seccomp(Optional.of(SecurityProfile.localhost(profile.toString())))));
    assertThat(local.at("/linux/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_LOG");
    JsonNode unconfined =
        build(withSecurity(b -> b.seccomp(Optional.of(SecurityProfile.unconfined()))));
    assertThat(unconfined.at("/linux/seccomp").isMissingNode()).isTrue();
    assertThatThrownBy(
            () ->
                ContainerSpecs.build(
                    input(
                            withSecurity(
                                b ->
                                    b.seccomp(
                                        Optional.of(
                                            SecurityProfile.localhost(
                                                tmp.resolve("missing.json").toString())))))
                        .build()))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void privilegedGetsEverythingOfTheHost() throws Exception {
    ContainerConfig c =
        withSecurity(
            b ->
                b.privileged(true)
                    .seccomp(Optional.of(SecurityProfile.runtimeDefault()))
                    .apparmor(Optional.of(SecurityProfile.localhost("strict")))
                    .maskedPaths(List.of("/proc/kcore")));
    PodSandbox pod = pod(LinuxSandboxSecurityContext.builder().privileged(true).build(), Map.of());
    JsonNode spec = build(input(c).pod(pod).hostPathExists(p -> true));
    assertThat(spec.at("/process/capabilities/bounding")).hasSize(41);
    JsonNode confined = build(input(c).pod(pod).hostCapabilities(List.of("CAP_CHOWN", "CAP_KILL")));
    assertThat(strings(confined.at("/process/capabilities/effective")))
        .containsExactly("CAP_CHOWN", "CAP_KILL");
    assertThat(spec.at("/linux/maskedPaths").isMissingNode()).isTrue();
    assertThat(spec.at("/linux/readonlyPaths").isMissingNode()).isTrue();
    assertThat(spec.at("/linux/seccomp").isMissingNode()).isTrue();
    assertThat(spec.at("/process/apparmorProfile").isMissingNode()).isTrue();
    assertThat(strings(mount(spec, "/sys").at("/options"))).contains("rw").doesNotContain("ro");
    assertThat(strings(mount(spec, "/sys/fs/cgroup").at("/options")))
        .contains("rw")
        .doesNotContain("ro");
    assertThat(spec.at("/linux/devices")).hasSize(5);
    assertThat(spec.at("/linux/devices/2/path").asText()).isEqualTo("/dev/sda");
    assertThat(spec.at("/linux/devices/2/type").asText()).isEqualTo("b");
    assertThat(spec.at("/linux/resources/devices").toString())
        .isEqualTo("[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"access\":\"rwm\"}]");
  }

  @Test
  void privilegedContainerNeedsAPrivilegedPod() {
    assertThatThrownBy(
            () -> ContainerSpecs.build(input(withSecurity(b -> b.privileged(true))).build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("privileged pod sandbox");
  }

  @Test
  void readonlyRootfsAndPodFiles() throws Exception {
    JsonNode spec = build(withSecurity(b -> b.readonlyRootfs(true)));
    assertThat(spec.at("/root/readonly").asBoolean()).isTrue();
    assertThat(spec.at("/root/path").asText()).isEqualTo(rootfs.toString());
    for (String f : List.of("hosts", "resolv.conf", "hostname")) {
      JsonNode m = mount(spec, "/etc/" + f);
      assertThat(m.path("source").asText()).isEqualTo(podDir.resolve(f).toString());
      assertThat(strings(m.at("/options"))).containsExactly("rbind", "rprivate", "ro");
    }
    assertThat(strings(mount(spec, "/dev/shm").at("/options")))
        .containsExactly("rbind", "rprivate", "rw");
    assertThat(mount(spec, "/dev/shm").path("source").asText())
        .isEqualTo(podDir.resolve("shm").toString());
    JsonNode rw = build(config().build());
    assertThat(rw.at("/root/readonly").asBoolean(false)).isFalse();
    assertThat(strings(mount(rw, "/etc/hosts").at("/options"))).contains("rw");
  }

  @Test
  void maskedAndReadonlyPathsReplaceTheDefaults() throws Exception {
    JsonNode defaults = build(config().build());
    assertThat(strings(defaults.at("/linux/maskedPaths")))
        .containsExactlyElementsOf(OciSpecs.DEFAULT_MASKED_PATHS);
    assertThat(strings(defaults.at("/linux/readonlyPaths")))
        .containsExactlyElementsOf(OciSpecs.DEFAULT_READONLY_PATHS);
    JsonNode spec =
        build(
            withSecurity(
                b -> b.maskedPaths(List.of("/proc/secret")).readonlyPaths(List.of("/proc/ro"))));
    assertThat(strings(spec.at("/linux/maskedPaths"))).containsExactly("/proc/secret");
    assertThat(strings(spec.at("/linux/readonlyPaths"))).containsExactly("/proc/ro");
  }

  @Test
  void oomScoreAdjIsClampedToTheFloor() throws Exception {
    ContainerConfig low =
        config()
            .linux(
                new LinuxContainerConfig(
                    Optional.of(LinuxContainerResources.builder().oomScoreAdj(-998).build()),
                    LinuxContainerSecurityContext.DEFAULT))
            .build();
    assertThat(build(low).at("/process/oomScoreAdj").asInt()).isEqualTo(-500);
    ContainerConfig high =
        config()
            .linux(
                new LinuxContainerConfig(
                    Optional.of(LinuxContainerResources.builder().oomScoreAdj(1000).build()),
                    LinuxContainerSecurityContext.DEFAULT))
            .build();
    assertThat(build(high).at("/process/oomScoreAdj").asInt()).isEqualTo(1000);
    assertThat(build(config().build()).at("/process/oomScoreAdj").isMissingNode()).isTrue();
  }

  // ---- mounts and devices

  @ParameterizedTest
  @CsvSource({
    "PRIVATE,rprivate,",
    "HOST_TO_CONTAINER,rslave,rslave",
    "BIDIRECTIONAL,rshared,rshared"
  })
  void mountPropagation(MountPropagation propagation, String option, String rootfsPropagation)
      throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    ContainerConfig c =
        config()
            .mounts(
                List.of(
                    Mount.hostPath("/data", data.toString())
                        .propagation(propagation)
                        .readonly(true)
                        .build()))
            .build();
    JsonNode spec = build(c);
    JsonNode m = mount(spec, "/data");
    assertThat(m.path("type").asText()).isEqualTo("bind");
    assertThat(strings(m.at("/options"))).containsExactly("rbind", option, "ro");
    assertThat(spec.at("/linux/rootfsPropagation").asText(""))
        .isEqualTo(rootfsPropagation == null ? "" : rootfsPropagation);
  }

  @Test
  void propagationNeedsAHostMountThatPropagates() {
    List<MountInfo> host = MountInfo.parse(SHARED_ROOT);
    SpecMounts.requirePropagating(Path.of("/srv/x"), MountPropagation.BIDIRECTIONAL, "/x", host);
    SpecMounts.requirePropagating(
        Path.of("/mnt/slave/x"), MountPropagation.HOST_TO_CONTAINER, "/x", host);
    assertThatThrownBy(
            () ->
                SpecMounts.requirePropagating(
                    Path.of("/mnt/slave/x"), MountPropagation.BIDIRECTIONAL, "/x", host))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("/mnt/slave is not shared");
    assertThatThrownBy(
            () ->
                SpecMounts.requirePropagating(
                    Path.of("/mnt/private/x"), MountPropagation.HOST_TO_CONTAINER, "/x", host))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("/mnt/private is private");
  }

  @Test
  void mountsResolveSymlinksAndSortParentsFirst() throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    Path cache = Files.createDirectories(tmp.resolve("cache"));
    ContainerConfig c =
        config()
            .mounts(
                List.of(
                    Mount.hostPath("/var/lib/app/cache", cache.toString()).build(),
                    Mount.hostPath("/var/lib/app", link.toString()).build(),
                    Mount.hostPath("/etc/hosts", podDir.resolve("hosts").toString()).build()))
            .build();
    JsonNode spec = build(c);
    assertThat(mount(spec, "/var/lib/app").path("source").asText()).isEqualTo(real.toString());
    List<String> order = new ArrayList<>();
    spec.at("/mounts").forEach(m -> order.add(m.path("destination").asText()));
    assertThat(order.indexOf("/var/lib/app")).isLessThan(order.indexOf("/var/lib/app/cache"));
    assertThat(order.indexOf("/proc")).isLessThan(order.indexOf("/var/lib/app"));
    assertThat(order.stream().filter("/etc/hosts"::equals)).hasSize(1);
    assertThat(strings(mount(spec, "/etc/hosts").at("/options")))
        .containsExactly("rbind", "rprivate", "rw");
  }

  @Test
  void missingHostPathAndBadContainerPathsAreRefused() {
    String missing = tmp.resolve("nope").toString();
    assertThatThrownBy(
            () ->
                ContainerSpecs.build(
                    input(config().mounts(List.of(Mount.hostPath("/x", missing).build())).build())
                        .build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(missing);
    for (String bad : List.of("relative", "/", "/a/..")) {
      assertThatThrownBy(
              () ->
                  ContainerSpecs.build(
                      input(
                              config()
                                  .mounts(List.of(Mount.hostPath(bad, tmp.toString()).build()))
                                  .build())
                          .build()))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("container path");
    }
  }

  @Test
  void devicesAreAddedWithCgroupRules() throws Exception {
    ContainerConfig c =
        config()
            .devices(
                List.of(
                    new Device("/dev/xvda", "/dev/sda", "r"),
                    new Device("/dev/fuse", "/dev/fuse", "")))
            .build();
    JsonNode spec = build(c);
    assertThat(spec.at("/linux/devices/0/path").asText()).isEqualTo("/dev/xvda");
    assertThat(spec.at("/linux/devices/0/type").asText()).isEqualTo("b");
    assertThat(spec.at("/linux/devices/0/major").asLong()).isEqualTo(8);
    assertThat(spec.at("/linux/devices/0/fileMode").asInt()).isEqualTo(0660);
    assertThat(spec.at("/linux/devices/0/gid").asLong()).isEqualTo(6);
    assertThat(spec.at("/linux/resources/devices").toString())
        .isEqualTo(
            "[{\"allow\":false,\"access\":\"rwm\"},"
                + "{\"allow\":true,\"type\":\"b\",\"major\":8,\"minor\":0,\"access\":\"r\"},"
                + "{\"allow\":true,\"type\":\"c\",\"major\":10,\"minor\":229,\"access\":\"rwm\"}]");
    ContainerConfig missing =
        config().devices(List.of(new Device("/dev/x", "/dev/missing", "rw"))).build();
    assertThatThrownBy(() -> ContainerSpecs.build(input(missing).build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("/dev/missing");
  }

  @Test
  void aDeviceDirectoryGrantsEachNodeBelowIt() throws Exception {
    ContainerConfig c =
        config().devices(List.of(new Device("/dev/sound", "/dev/snd", "rw"))).build();
    JsonNode spec = build(c);
    assertThat(spec.at("/linux/devices").findValuesAsText("path"))
        .containsExactly("/dev/sound/controlC0", "/dev/sound/pcm/p0");
    assertThat(spec.at("/linux/resources/devices").toString())
        .isEqualTo(
            "[{\"allow\":false,\"access\":\"rwm\"},"
                + "{\"allow\":true,\"type\":\"c\",\"major\":116,\"minor\":0,\"access\":\"rw\"},"
                + "{\"allow\":true,\"type\":\"c\",\"major\":116,\"minor\":16,"
                + "\"access\":\"rw\"}]");
  }

  @Test
  void systemHostDevicesListsADirectory() throws Exception {
    assertThat(HostDevices.system().under(Path.of("/dev/net")))
        .extracting(HostDevice::path)
        .containsExactly("/dev/net/tun");
    assertThat(HostDevices.system().under(Path.of("/dev/null"))).isEmpty();
    assertThat(HostDevices.system().under(tmp.resolve("absent"))).isEmpty();
  }

  @Test
  void systemHostDevicesStatsRealNodes() {
    HostDevice devNull = HostDevices.system().stat(Path.of("/dev/null")).orElseThrow();
    assertThat(devNull.type()).isEqualTo("c");
    assertThat(devNull.major()).isEqualTo(1);
    assertThat(devNull.minor()).isEqualTo(3);
    assertThat(HostDevices.system().stat(Path.of("/etc/hostname"))).isEmpty();
    assertThat(HostDevices.system().list()).extracting(HostDevice::path).contains("/dev/null");
  }

  // ---- namespaces

  @Test
  void podNamespacesAreJoined() throws Exception {
    JsonNode spec = build(config().build());
    assertThat(namespacePath(spec, "network")).isEqualTo("/run/tessera/ns/net/p1");
    assertThat(namespacePath(spec, "ipc")).isEqualTo("/run/tessera/ns/ipc/p1");
    assertThat(namespacePath(spec, "uts")).isEqualTo("/run/tessera/ns/uts/p1");
    assertThat(namespacePath(spec, "pid")).isEqualTo("/proc/4242/ns/pid");
    assertThat(namespacePath(spec, "mount")).isEmpty();
    assertThat(namespacePath(spec, "cgroup")).isNull();
    assertThat(spec.at("/hostname").asText()).isEqualTo("web-host");
    assertThat(spec.at("/linux/cgroupsPath").asText()).isEqualTo("/kubepods/pod1/" + CTR_ID);
    assertThat(namespacePath(build(input(config().build()).cgroupV2(true)), "cgroup")).isEmpty();
  }

  @Test
  void hostNamespacesAreLeftOut() throws Exception {
    PodSandbox pod =
        pod(
            LinuxSandboxSecurityContext.builder()
                .namespaceOptions(
                    new NamespaceOptions(
                        NamespaceMode.NODE,
                        NamespaceMode.NODE,
                        NamespaceMode.NODE,
                        "",
                        Optional.empty()))
                .build(),
            Map.of());
    ContainerConfig c =
        withSecurity(
            b ->
                b.namespaceOptions(
                    new NamespaceOptions(
                        NamespaceMode.NODE,
                        NamespaceMode.NODE,
                        NamespaceMode.NODE,
                        "",
                        Optional.empty())));
    JsonNode spec = build(input(c).pod(pod).podNamespaces(Map.of()).shmDir(Optional.empty()));
    assertThat(namespacePath(spec, "network")).isNull();
    assertThat(namespacePath(spec, "uts")).isNull();
    assertThat(namespacePath(spec, "ipc")).isNull();
    assertThat(namespacePath(spec, "pid")).isNull();
    assertThat(namespacePath(spec, "mount")).isEmpty();
    assertThat(spec.at("/hostname").isMissingNode()).isTrue();
    assertThat(mount(spec, "/dev/shm").path("source").asText()).isEqualTo("/dev/shm");
    assertThat(mount(spec, "/dev/shm").path("type").asText()).isEqualTo("bind");
  }

  @Test
  void pidModesContainerAndTarget() throws Exception {
    String target = "d".repeat(64);
    ContainerConfig own =
        withSecurity(
            b ->
                b.namespaceOptions(
                    new NamespaceOptions(
                        NamespaceMode.POD,
                        NamespaceMode.CONTAINER,
                        NamespaceMode.POD,
                        "",
                        Optional.empty())));
    assertThat(namespacePath(build(own), "pid")).isEmpty();
    ContainerConfig targeted =
        withSecurity(
            b ->
                b.namespaceOptions(
                    new NamespaceOptions(
                        NamespaceMode.POD,
                        NamespaceMode.TARGET,
                        NamespaceMode.POD,
                        target,
                        Optional.empty())));
    JsonNode spec =
        build(
            input(targeted)
                .targetPid(id -> id.equals(target) ? OptionalLong.of(77) : OptionalLong.empty()));
    assertThat(namespacePath(spec, "pid")).isEqualTo("/proc/77/ns/pid");
    assertThatThrownBy(() -> ContainerSpecs.build(input(targeted).build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(target);
  }

  @Test
  void missingPodNamespacesFailThePrecondition() {
    assertThatThrownBy(
            () ->
                ContainerSpecs.build(
                    input(config().build()).podPidSource(OptionalLong.empty()).build()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("infra process");
    assertThatThrownBy(
            () -> ContainerSpecs.build(input(config().build()).podNamespaces(Map.of()).build()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("network");
  }

  // ---- linux

  @Test
  void namespacedSysctlsPassOthersAreRefused() throws Exception {
    PodSandbox pod =
        pod(
            LinuxSandboxSecurityContext.DEFAULT,
            Map.of("net.ipv4.ip_forward", "1", "kernel.shmmax", "100", "fs.mqueue.msg_max", "5"));
    JsonNode spec = build(input(config().build()).pod(pod));
    assertThat(spec.at("/linux/sysctl").toString())
        .isEqualTo(
            "{\"fs.mqueue.msg_max\":\"5\",\"kernel.shmmax\":\"100\",\"net.ipv4.ip_forward\":\"1\"}");
    PodSandbox bad = pod(LinuxSandboxSecurityContext.DEFAULT, Map.of("vm.swappiness", "1"));
    assertThatThrownBy(() -> ContainerSpecs.build(input(config().build()).pod(bad).build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("vm.swappiness");
  }

  @Test
  void resourcesMapToTheOciTree() throws Exception {
    LinuxContainerResources r =
        LinuxContainerResources.builder()
            .cpuShares(512)
            .cpuQuota(50_000)
            .cpuPeriod(100_000)
            .cpusetCpus("0-1")
            .cpusetMems("0")
            .memoryLimitInBytes(256L << 20)
            .memorySwapLimitInBytes(512L << 20)
            .hugepageLimits(List.of(new HugepageLimit("2MB", 4L << 20)))
            .unified(Map.of("memory.high", "1000000"))
            .build();
    ContainerConfig c =
        config()
            .linux(new LinuxContainerConfig(Optional.of(r), LinuxContainerSecurityContext.DEFAULT))
            .build();
    JsonNode res = build(input(c).cgroupV2(true)).at("/linux/resources");
    assertThat(res.at("/cpu").toString())
        .isEqualTo(
            "{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\",\"mems\":\"0\"}");
    assertThat(res.at("/memory").toString()).isEqualTo("{\"limit\":268435456,\"swap\":536870912}");
    assertThat(res.at("/hugepageLimits").toString())
        .isEqualTo("[{\"pageSize\":\"2MB\",\"limit\":4194304}]");
    assertThat(res.at("/unified/memory.high").asText()).isEqualTo("1000000");
  }

  private static ContainerConfig withResources(LinuxContainerResources r) {
    return config()
        .linux(new LinuxContainerConfig(Optional.of(r), LinuxContainerSecurityContext.DEFAULT))
        .build();
  }

  @Test
  void unifiedPidsMaxBecomesThePidsLimitOnV1AndV2() throws Exception {
    LinuxContainerResources r =
        LinuxContainerResources.builder().unified(Map.of("pids.max", "32")).build();
    for (boolean v2 : List.of(false, true)) {
      JsonNode res = build(input(withResources(r)).cgroupV2(v2)).at("/linux/resources");
      assertThat(res.at("/pids/limit").asLong()).as("v2=%s", v2).isEqualTo(32);
      assertThat(res.at("/unified").isMissingNode()).isTrue();
    }
    LinuxContainerResources max =
        LinuxContainerResources.builder().unified(Map.of("pids.max", "max")).build();
    assertThat(ContainerSpecs.resources(max, false).get("pids")).isEqualTo(Map.of("limit", -1L));
    LinuxContainerResources bad =
        LinuxContainerResources.builder().unified(Map.of("pids.max", "-5")).build();
    assertThatThrownBy(() -> ContainerSpecs.resources(bad, false))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("pids.max");
  }

  @Test
  void hugepagesStayOutOfTheSpecWhereRuncCannotSetThem() throws Exception {
    LinuxContainerResources r =
        LinuxContainerResources.builder()
            .hugepageLimits(List.of(new HugepageLimit("2MB", 0)))
            .build();
    String hybrid =
        "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
            + "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
    JsonNode withoutV1Hugetlb =
        build(
                input(withResources(r))
                    .cgroupV2(false)
                    .hostMounts(() -> io.tessera.kernel.mount.MountInfo.parse(hybrid)))
            .at("/linux/resources");
    assertThat(withoutV1Hugetlb.has("hugepageLimits")).isFalse();
    assertThat(
            ContainerSpecs.runcSetsHugepages(
                false, () -> io.tessera.kernel.mount.MountInfo.parse(hybrid)))
        .isFalse();
    String withHugetlb =
        hybrid + "42 31 0:39 / /sys/fs/cgroup/hugetlb rw,relatime - cgroup cgroup rw,hugetlb\n";
    JsonNode res =
        build(
                input(withResources(r))
                    .cgroupV2(false)
                    .hostMounts(() -> io.tessera.kernel.mount.MountInfo.parse(withHugetlb)))
            .at("/linux/resources/hugepageLimits");
    assertThat(res.toString()).isEqualTo("[{\"pageSize\":\"2MB\",\"limit\":0}]");
    assertThat(ContainerSpecs.runcSetsHugepages(true, List::of)).isTrue();
  }

  @Test
  void v2OnlyUnifiedKeysAreRefusedOnV1() {
    LinuxContainerResources r =
        LinuxContainerResources.builder()
            .unified(Map.of("memory.high", "1000000", "pids.max", "10"))
            .build();
    assertThatThrownBy(() -> ContainerSpecs.build(input(withResources(r)).cgroupV2(false).build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("[memory.high] need cgroup v2");
    assertThatThrownBy(() -> ContainerSpecs.resources(r, false))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(ContainerSpecs.resources(r, true).get("unified"))
        .isEqualTo(Map.of("memory.high", "1000000"));
  }

  @Test
  void lsmLabelsOnlyWhereTheHostHasThem() throws Exception {
    ContainerConfig c =
        withSecurity(
            b ->
                b.apparmor(Optional.of(SecurityProfile.localhost("localhost/my-profile")))
                    .seLinuxOptions(Optional.of(new SeLinuxOption("", "", "spc_t", "s0:c1,c2"))));
    JsonNode absent = build(c);
    assertThat(absent.at("/process/apparmorProfile").isMissingNode()).isTrue();
    assertThat(absent.at("/process/selinuxLabel").isMissingNode()).isTrue();
    JsonNode present = build(input(c).hostPathExists(p -> true));
    assertThat(present.at("/process/apparmorProfile").asText()).isEqualTo("my-profile");
    assertThat(present.at("/process/selinuxLabel").asText())
        .isEqualTo("system_u:system_r:spc_t:s0:c1,c2");
    assertThat(present.at("/linux/mountLabel").asText())
        .isEqualTo("system_u:object_r:container_file_t:s0:c1,c2");
  }

  @Test
  void annotationsNameThePodAndContainer() throws Exception {
    JsonNode a = build(config().build()).at("/annotations");
    assertThat(a.path("io.kubernetes.cri.container-type").asText()).isEqualTo("container");
    assertThat(a.path("io.kubernetes.cri.sandbox-id").asText()).isEqualTo(POD_ID);
    assertThat(a.path("io.kubernetes.cri.container-name").asText()).isEqualTo("app");
    assertThat(a.path("io.kubernetes.cri.sandbox-name").asText()).isEqualTo("web");
    assertThat(a.path("io.kubernetes.cri.sandbox-namespace").asText()).isEqualTo("prod");
    assertThat(a.path("io.kubernetes.cri.sandbox-uid").asText()).isEqualTo("uid-web");
    assertThat(a.path("io.kubernetes.cri.image-name").asText()).isEqualTo("busybox:1.36");
  }

  // ---- infra

  @Test
  void infraRunsCatatonitInThePodNamespaces() throws Exception {
    Path infraRoot = Files.createDirectories(tmp.resolve("infra"));
    Spec infra =
        ContainerSpecs.infra(
            InfraSpecInput.builder()
                .pod(pod())
                .rootfs(infraRoot)
                .podNamespace(NsType.NET, Path.of("/run/tessera/ns/net/p1"))
                .podNamespace(NsType.IPC, Path.of("/run/tessera/ns/ipc/p1"))
                .podNamespace(NsType.UTS, Path.of("/run/tessera/ns/uts/p1"))
                .cgroupsPath("/kubepods/pod1")
                .seccompProfiles(SECCOMP)
                .arch("x86_64")
                .build());
    JsonNode spec = json(infra);
    assertThat(strings(spec.at("/process/args"))).containsExactly("/catatonit", "-P");
    assertThat(spec.at("/process/noNewPrivileges").asBoolean()).isTrue();
    assertThat(spec.at("/process/capabilities/bounding").isMissingNode()).isTrue();
    assertThat(spec.at("/root/readonly").asBoolean()).isTrue();
    assertThat(spec.at("/root/path").asText()).isEqualTo(infraRoot.toString());
    assertThat(mount(spec, "/catatonit").path("source").asText()).isEqualTo("/usr/bin/catatonit");
    assertThat(strings(mount(spec, "/catatonit").at("/options"))).contains("ro");
    assertThat(namespacePath(spec, "network")).isEqualTo("/run/tessera/ns/net/p1");
    assertThat(namespacePath(spec, "pid")).isEmpty();
    assertThat(spec.at("/linux/cgroupsPath").asText()).isEqualTo("/kubepods/pod1");
    assertThat(spec.at("/linux/seccomp/defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
    assertThat(spec.at("/annotations/io.kubernetes.cri.container-type").asText())
        .isEqualTo("sandbox");
  }
}
