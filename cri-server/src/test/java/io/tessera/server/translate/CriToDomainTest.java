package io.tessera.server.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.cri.v1.ContainerStateValue;
import io.tessera.cri.v1.Int64Value;
import io.tessera.cri.v1.PodSandboxStateValue;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.filter.ContainerFilter;
import io.tessera.sandbox.filter.PodSandboxFilter;
import io.tessera.sandbox.model.Capabilities;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.Device;
import io.tessera.sandbox.model.DnsConfig;
import io.tessera.sandbox.model.HugepageLimit;
import io.tessera.sandbox.model.IdMapping;
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
import io.tessera.sandbox.model.PodSandboxConfig;
import io.tessera.sandbox.model.PodSandboxMetadata;
import io.tessera.sandbox.model.PodSandboxState;
import io.tessera.sandbox.model.PortMapping;
import io.tessera.sandbox.model.Protocol;
import io.tessera.sandbox.model.SeLinuxOption;
import io.tessera.sandbox.model.SecurityProfile;
import io.tessera.sandbox.model.SupplementalGroupsPolicy;
import io.tessera.sandbox.model.UserNamespace;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CriToDomainTest {

  static final NamespaceOptions NAMESPACES =
      new NamespaceOptions(
          NamespaceMode.NODE,
          NamespaceMode.TARGET,
          NamespaceMode.CONTAINER,
          FullProtos.TARGET_ID,
          Optional.of(
              new UserNamespace(
                  NamespaceMode.NODE,
                  List.of(new IdMapping(100000, 1, 65536)),
                  List.of(new IdMapping(200000, 2, 65535)))));

  static final SeLinuxOption SELINUX =
      new SeLinuxOption("system_u", "system_r", "container_t", "s0:c1,c2");

  static LinuxContainerResources resources(long cpuShares) {
    return LinuxContainerResources.builder()
        .cpuPeriod(100000)
        .cpuQuota(50000)
        .cpuShares(cpuShares)
        .memoryLimitInBytes(256L << 20)
        .oomScoreAdj(-500)
        .cpusetCpus("0-3,6")
        .cpusetMems("0")
        .hugepageLimits(List.of(new HugepageLimit("2MB", 4L << 20)))
        .unified(Map.of("memory.high", "1073741824"))
        .memorySwapLimitInBytes(512L << 20)
        .build();
  }

  static ImageSpec imageSpec(String image) {
    return new ImageSpec(
        image, Map.of("image.note", "y"), "busybox", "runc", "sha256:" + "c".repeat(64));
  }

  @Test
  void fixturesSetEveryCarriedField() {
    assertThat(ProtoCoverage.unsetFields(FullProtos.podSandboxConfig(), FullProtos.NOT_CARRIED))
        .isEmpty();
    assertThat(ProtoCoverage.unsetFields(FullProtos.containerConfig(), FullProtos.NOT_CARRIED))
        .isEmpty();
  }

  @Test
  void everyPodSandboxConfigFieldLandsInTheDomain() {
    PodSandboxConfig expected =
        PodSandboxConfig.builder(new PodSandboxMetadata("web", "uid-1", "default", 3))
            .hostname("web-host")
            .logDirectory("/var/log/pods/default_web_uid-1")
            .dnsConfig(
                Optional.of(
                    new DnsConfig(
                        List.of("10.0.0.10"),
                        List.of("default.svc.cluster.local"),
                        List.of("ndots:5"))))
            .portMappings(List.of(new PortMapping(Protocol.UDP, 53, 5353, "127.0.0.1")))
            .labels(Map.of("app", "web"))
            .annotations(Map.of("note", "x"))
            .linux(
                new LinuxPodSandboxConfig(
                    "/kubepods/besteffort/poduid-1",
                    LinuxSandboxSecurityContext.builder()
                        .namespaceOptions(NAMESPACES)
                        .seLinuxOptions(Optional.of(SELINUX))
                        .runAsUser(OptionalLong.of(1000))
                        .runAsGroup(OptionalLong.of(2000))
                        .readonlyRootfs(true)
                        .supplementalGroups(List.of(3000L))
                        .supplementalGroupsPolicy(SupplementalGroupsPolicy.STRICT)
                        .privileged(true)
                        .seccomp(
                            Optional.of(
                                SecurityProfile.localhost("/var/lib/kubelet/seccomp/pod.json")))
                        .apparmor(Optional.of(SecurityProfile.unconfined()))
                        .build(),
                    Map.of("net.ipv4.ip_forward", "1"),
                    Optional.of(resources(2)),
                    Optional.of(resources(1024))))
            .build();

    assertThat(CriToDomain.podSandboxConfig(FullProtos.podSandboxConfig())).isEqualTo(expected);
  }

  @Test
  void everyContainerConfigFieldLandsInTheDomain() {
    ContainerConfig expected =
        ContainerConfig.builder(
                new ContainerMetadata("app", 2), imageSpec("docker.io/library/busybox:1.36"))
            .command(List.of("/bin/sh"))
            .args(List.of("-c", "sleep 1"))
            .workingDir("/work")
            .envs(List.of(new KeyValue("A", "1"), new KeyValue("A", "2")))
            .mounts(
                List.of(
                    Mount.hostPath("/data", "/srv/data")
                        .readonly(true)
                        .selinuxRelabel(true)
                        .propagation(MountPropagation.BIDIRECTIONAL)
                        .uidMappings(List.of(new IdMapping(100000, 1, 1000)))
                        .gidMappings(List.of(new IdMapping(100000, 1, 1001)))
                        .build(),
                    Mount.image("/models", imageSpec("registry.local/models:v1"))
                        .recursiveReadOnly(true)
                        .imageSubPath("weights")
                        .build()))
            .devices(List.of(new Device("/dev/fuse", "/dev/fuse", "rwm")))
            .labels(Map.of("io.kubernetes.container.name", "app"))
            .annotations(Map.of("io.kubernetes.container.hash", "abc"))
            .logPath("app/2.log")
            .stdin(true)
            .stdinOnce(true)
            .tty(true)
            .linux(
                new LinuxContainerConfig(
                    Optional.of(resources(512)),
                    LinuxContainerSecurityContext.builder()
                        .capabilities(
                            new Capabilities(
                                List.of("NET_ADMIN"),
                                List.of("ALL"),
                                List.of("CAP_NET_BIND_SERVICE")))
                        .privileged(true)
                        .namespaceOptions(NAMESPACES)
                        .seLinuxOptions(Optional.of(SELINUX))
                        .runAsUser(OptionalLong.of(1001))
                        .runAsGroup(OptionalLong.of(1002))
                        .readonlyRootfs(true)
                        .supplementalGroups(List.of(1003L))
                        .supplementalGroupsPolicy(SupplementalGroupsPolicy.STRICT)
                        .noNewPrivs(true)
                        .maskedPaths(List.of("/proc/kcore"))
                        .readonlyPaths(List.of("/proc/sys"))
                        .seccomp(
                            Optional.of(
                                SecurityProfile.localhost("/var/lib/kubelet/seccomp/app.json")))
                        .apparmor(Optional.of(SecurityProfile.localhost("k8s-app")))
                        .build()))
            .cdiDevices(List.of("vendor.com/gpu=0"))
            .stopSignal(Optional.of("SIGRTMINPLUS1"))
            .build();

    assertThat(CriToDomain.containerConfig(FullProtos.containerConfig())).isEqualTo(expected);
  }

  @Test
  void emptyConfigsGetTheDomainDefaults() {
    PodSandboxConfig pod =
        CriToDomain.podSandboxConfig(
            FullProtos.podSandboxConfig().toBuilder()
                .clearLinux()
                .clearDnsConfig()
                .clearPortMappings()
                .build());
    assertThat(pod.linux()).isEqualTo(LinuxPodSandboxConfig.DEFAULT);
    assertThat(pod.dnsConfig()).isEmpty();

    ContainerConfig c =
        CriToDomain.containerConfig(
            io.tessera.cri.v1.ContainerConfig.newBuilder()
                .setMetadata(io.tessera.cri.v1.ContainerMetadata.newBuilder().setName("a"))
                .setImage(io.tessera.cri.v1.ImageSpec.newBuilder().setImage("busybox"))
                .build());
    assertThat(c)
        .isEqualTo(
            ContainerConfig.builder(new ContainerMetadata("a", 0), ImageSpec.of("busybox"))
                .build());
    assertThat(c.linux()).isEqualTo(LinuxContainerConfig.DEFAULT);
    assertThat(c.stopSignal()).isEmpty();
  }

  @Test
  void runAsUsernameIsCarriedAndEmptyMeansAbsent() {
    io.tessera.cri.v1.ContainerConfig proto = FullProtos.containerConfig();
    io.tessera.cri.v1.ContainerConfig.Builder b = proto.toBuilder();
    b.getLinuxBuilder().getSecurityContextBuilder().clearRunAsUser().setRunAsUsername("nobody");
    assertThat(CriToDomain.containerConfig(b.build()).linux().securityContext().runAsUsername())
        .contains("nobody");
    assertThat(CriToDomain.containerConfig(proto).linux().securityContext().runAsUsername())
        .isEmpty();
  }

  @Test
  void unsignedFieldsKeepTheirUpperRange() {
    io.tessera.cri.v1.PodSandboxConfig.Builder b = FullProtos.podSandboxConfig().toBuilder();
    b.getMetadataBuilder().setAttempt(-1);
    b.getLinuxBuilder()
        .getSecurityContextBuilder()
        .getNamespaceOptionsBuilder()
        .getUsernsOptionsBuilder()
        .setUids(0, FullProtos.idMapping(-1, 0, 1));
    PodSandboxConfig pod = CriToDomain.podSandboxConfig(b.build());
    assertThat(pod.metadata().attempt()).isEqualTo(0xFFFF_FFFFL);
    assertThat(pod.linux().securityContext().namespaceOptions().userNamespace().get().uids().get(0))
        .isEqualTo(new IdMapping(0xFFFF_FFFFL, 0, 1));
  }

  static Stream<Arguments> missingPodFields() {
    io.tessera.cri.v1.PodSandboxConfig full = FullProtos.podSandboxConfig();
    return Stream.of(
        Arguments.of(full.toBuilder().clearMetadata().build(), "config.metadata"),
        Arguments.of(
            full.toBuilder().setMetadata(full.getMetadata().toBuilder().clearName()).build(),
            "config.metadata.name"),
        Arguments.of(
            full.toBuilder().setMetadata(full.getMetadata().toBuilder().clearUid()).build(),
            "config.metadata.uid"),
        Arguments.of(
            full.toBuilder().setMetadata(full.getMetadata().toBuilder().clearNamespace()).build(),
            "config.metadata.namespace"));
  }

  @ParameterizedTest
  @MethodSource("missingPodFields")
  void podSandboxRequiredFieldsAreNamed(io.tessera.cri.v1.PodSandboxConfig config, String field) {
    assertThatThrownBy(() -> CriToDomain.podSandboxConfig(config))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("RunPodSandbox: " + field + " is required");
  }

  static Stream<Arguments> missingContainerFields() {
    io.tessera.cri.v1.ContainerConfig full = FullProtos.containerConfig();
    return Stream.of(
        Arguments.of(full.toBuilder().clearMetadata().build(), "config.metadata"),
        Arguments.of(
            full.toBuilder().setMetadata(full.getMetadata().toBuilder().clearName()).build(),
            "config.metadata.name"),
        Arguments.of(full.toBuilder().clearImage().build(), "config.image.image"));
  }

  @ParameterizedTest
  @MethodSource("missingContainerFields")
  void containerRequiredFieldsAreNamed(io.tessera.cri.v1.ContainerConfig config, String field) {
    assertThatThrownBy(() -> CriToDomain.containerConfig(config))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("CreateContainer: " + field + " is required");
  }

  @Test
  void domainValidationErrorsPropagate() {
    io.tessera.cri.v1.PodSandboxConfig.Builder pod = FullProtos.podSandboxConfig().toBuilder();
    pod.getLinuxBuilder().getSecurityContextBuilder().clearRunAsUser();
    assertThatThrownBy(() -> CriToDomain.podSandboxConfig(pod.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("run_as_group needs run_as_user");

    io.tessera.cri.v1.PodSandboxConfig.Builder port = FullProtos.podSandboxConfig().toBuilder();
    port.getPortMappingsBuilder(0).setHostPort(70000);
    assertThatThrownBy(() -> CriToDomain.podSandboxConfig(port.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("70000");

    io.tessera.cri.v1.ContainerConfig.Builder c = FullProtos.containerConfig().toBuilder();
    c.getLinuxBuilder().getResourcesBuilder().setOomScoreAdj(2000);
    assertThatThrownBy(() -> CriToDomain.containerConfig(c.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("oom_score_adj 2000");

    io.tessera.cri.v1.ContainerConfig.Builder both = FullProtos.containerConfig().toBuilder();
    both.getLinuxBuilder()
        .getSecurityContextBuilder()
        .setRunAsUser(Int64Value.newBuilder().setValue(1))
        .setRunAsUsername("nobody");
    assertThatThrownBy(() -> CriToDomain.containerConfig(both.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("mutually exclusive");
  }

  @Test
  void mountsNeedExactlyOneSource() {
    io.tessera.cri.v1.ContainerConfig.Builder both = FullProtos.containerConfig().toBuilder();
    both.getMountsBuilder(1).setHostPath("/srv/models");
    assertThatThrownBy(() -> CriToDomain.containerConfig(both.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage(
            "CreateContainer: mount at /models names both host_path /srv/models and image"
                + " registry.local/models:v1");

    io.tessera.cri.v1.ContainerConfig.Builder neither = FullProtos.containerConfig().toBuilder();
    neither.getMountsBuilder(0).clearHostPath();
    assertThatThrownBy(() -> CriToDomain.containerConfig(neither.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("mount at /data must have exactly one of a host path and an image");
  }

  static Stream<Arguments> deprecatedProfiles() {
    return Stream.of(
        Arguments.of("", Optional.empty()),
        Arguments.of("runtime/default", Optional.of(SecurityProfile.runtimeDefault())),
        Arguments.of("docker/default", Optional.of(SecurityProfile.runtimeDefault())),
        Arguments.of("unconfined", Optional.of(SecurityProfile.unconfined())),
        Arguments.of(
            "localhost//var/lib/kubelet/seccomp/a.json",
            Optional.of(SecurityProfile.localhost("/var/lib/kubelet/seccomp/a.json"))),
        Arguments.of("localhost/k8s-app", Optional.of(SecurityProfile.localhost("k8s-app"))));
  }

  @ParameterizedTest
  @MethodSource("deprecatedProfiles")
  @SuppressWarnings("deprecation") // the deprecated strings are what is under test
  void deprecatedProfileStringsAreFoldedIn(String value, Optional<SecurityProfile> expected) {
    io.tessera.cri.v1.PodSandboxConfig.Builder pod = FullProtos.podSandboxConfig().toBuilder();
    pod.getLinuxBuilder().getSecurityContextBuilder().clearSeccomp().setSeccompProfilePath(value);
    assertThat(CriToDomain.podSandboxConfig(pod.build()).linux().securityContext().seccomp())
        .isEqualTo(expected);

    io.tessera.cri.v1.ContainerConfig.Builder c = FullProtos.containerConfig().toBuilder();
    c.getLinuxBuilder()
        .getSecurityContextBuilder()
        .clearSeccomp()
        .clearApparmor()
        .setSeccompProfilePath(value)
        .setApparmorProfile(value);
    LinuxContainerSecurityContext sc =
        CriToDomain.containerConfig(c.build()).linux().securityContext();
    assertThat(sc.seccomp()).isEqualTo(expected);
    assertThat(sc.apparmor()).isEqualTo(expected);
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"bogus", "localhost/", "Unconfined"})
  @SuppressWarnings("deprecation")
  void unknownDeprecatedProfileStringsAreRefused(String value) {
    io.tessera.cri.v1.ContainerConfig.Builder seccomp = FullProtos.containerConfig().toBuilder();
    seccomp
        .getLinuxBuilder()
        .getSecurityContextBuilder()
        .clearSeccomp()
        .setSeccompProfilePath(value);
    assertThatThrownBy(() -> CriToDomain.containerConfig(seccomp.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith(
            "CreateContainer: config.linux.security_context.seccomp_profile_path '" + value + "'");

    io.tessera.cri.v1.ContainerConfig.Builder apparmor = FullProtos.containerConfig().toBuilder();
    apparmor
        .getLinuxBuilder()
        .getSecurityContextBuilder()
        .clearApparmor()
        .setApparmorProfile(value);
    assertThatThrownBy(() -> CriToDomain.containerConfig(apparmor.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith(
            "CreateContainer: config.linux.security_context.apparmor_profile '" + value + "'");

    io.tessera.cri.v1.PodSandboxConfig.Builder pod = FullProtos.podSandboxConfig().toBuilder();
    pod.getLinuxBuilder().getSecurityContextBuilder().clearSeccomp().setSeccompProfilePath(value);
    assertThatThrownBy(() -> CriToDomain.podSandboxConfig(pod.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageStartingWith(
            "RunPodSandbox: config.linux.security_context.seccomp_profile_path '" + value + "'");
  }

  @Test
  void filtersTranslateEveryField() {
    assertThat(
            CriToDomain.podSandboxFilter(io.tessera.cri.v1.PodSandboxFilter.getDefaultInstance()))
        .isEqualTo(PodSandboxFilter.ALL);
    assertThat(CriToDomain.containerFilter(io.tessera.cri.v1.ContainerFilter.getDefaultInstance()))
        .isEqualTo(ContainerFilter.ALL);

    io.tessera.cri.v1.PodSandboxFilter pod =
        io.tessera.cri.v1.PodSandboxFilter.newBuilder()
            .setId("3f2a")
            .setState(
                PodSandboxStateValue.newBuilder()
                    .setState(io.tessera.cri.v1.PodSandboxState.SANDBOX_NOTREADY))
            .putLabelSelector("app", "web")
            .build();
    assertThat(ProtoCoverage.unsetFields(pod, java.util.Set.of())).isEmpty();
    assertThat(CriToDomain.podSandboxFilter(pod))
        .isEqualTo(
            new PodSandboxFilter(
                Optional.of("3f2a"), Optional.of(PodSandboxState.NOTREADY), Map.of("app", "web")));

    io.tessera.cri.v1.ContainerFilter c =
        io.tessera.cri.v1.ContainerFilter.newBuilder()
            .setId("9c")
            .setState(
                ContainerStateValue.newBuilder()
                    .setState(io.tessera.cri.v1.ContainerState.CONTAINER_EXITED))
            .setPodSandboxId("3f2a")
            .putLabelSelector("app", "web")
            .build();
    assertThat(ProtoCoverage.unsetFields(c, java.util.Set.of())).isEmpty();
    assertThat(CriToDomain.containerFilter(c))
        .isEqualTo(
            new ContainerFilter(
                Optional.of("9c"),
                Optional.of(ContainerState.EXITED),
                Optional.of("3f2a"),
                Map.of("app", "web")));

    // A state value sent with CRI's zero value still filters: presence, not the number, counts.
    io.tessera.cri.v1.ContainerFilter created =
        io.tessera.cri.v1.ContainerFilter.newBuilder()
            .setState(ContainerStateValue.getDefaultInstance())
            .build();
    assertThat(CriToDomain.containerFilter(created).state()).contains(ContainerState.CREATED);
  }

  static <P extends Enum<P>> void assertUnrecognizedRefused(P unrecognized, Function<P, ?> map) {
    assertThat(unrecognized.name()).isEqualTo("UNRECOGNIZED");
    assertThatThrownBy(() -> map.apply(unrecognized))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not one CRI v1 defines");
  }

  @Test
  void unrecognizedEnumValuesAreRefused() {
    assertUnrecognizedRefused(
        io.tessera.cri.v1.NamespaceMode.UNRECOGNIZED, CriToDomain::namespaceMode);
    assertUnrecognizedRefused(
        io.tessera.cri.v1.MountPropagation.UNRECOGNIZED, CriToDomain::mountPropagation);
    assertUnrecognizedRefused(
        io.tessera.cri.v1.PodSandboxState.UNRECOGNIZED, CriToDomain::podSandboxState);
    assertUnrecognizedRefused(
        io.tessera.cri.v1.ContainerState.UNRECOGNIZED, CriToDomain::containerState);
    assertUnrecognizedRefused(io.tessera.cri.v1.Protocol.UNRECOGNIZED, CriToDomain::protocol);
    assertUnrecognizedRefused(
        io.tessera.cri.v1.SupplementalGroupsPolicy.UNRECOGNIZED,
        CriToDomain::supplementalGroupsPolicy);
    assertUnrecognizedRefused(
        io.tessera.cri.v1.SecurityProfile.ProfileType.UNRECOGNIZED, CriToDomain::profileType);
    assertUnrecognizedRefused(io.tessera.cri.v1.Signal.UNRECOGNIZED, CriToDomain::stopSignal);
  }

  @Test
  void anUnrecognizedEnumOnTheWireIsRefused() {
    io.tessera.cri.v1.ContainerConfig.Builder c = FullProtos.containerConfig().toBuilder();
    c.getMountsBuilder(0).setPropagationValue(42);
    assertThatThrownBy(() -> CriToDomain.containerConfig(c.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessage("a mount propagation value is not one CRI v1 defines");
  }

  @Test
  void everyProtoOnlyEnumValueMaps() {
    // Enums without a DomainToCri direction: each defined value maps to a distinct domain value.
    assertThat(
            Stream.of(io.tessera.cri.v1.Protocol.values())
                .filter(v -> v != io.tessera.cri.v1.Protocol.UNRECOGNIZED)
                .map(CriToDomain::protocol))
        .containsExactly(Protocol.values());
    assertThat(
            Stream.of(io.tessera.cri.v1.SupplementalGroupsPolicy.values())
                .filter(v -> v != io.tessera.cri.v1.SupplementalGroupsPolicy.UNRECOGNIZED)
                .map(CriToDomain::supplementalGroupsPolicy))
        .containsExactly(SupplementalGroupsPolicy.values());
    assertThat(
            Stream.of(io.tessera.cri.v1.SecurityProfile.ProfileType.values())
                .filter(v -> v != io.tessera.cri.v1.SecurityProfile.ProfileType.UNRECOGNIZED)
                .map(CriToDomain::profileType))
        .containsExactly(SecurityProfile.Type.values());
  }

  @Test
  void defaultPidsLimitFillsOnlyAMissingPidsMax() {
    io.tessera.cri.v1.ContainerConfig none = io.tessera.cri.v1.ContainerConfig.getDefaultInstance();
    assertThat(CriToDomain.withDefaultPidsLimit(none, 0)).isSameAs(none);
    assertThat(
            CriToDomain.withDefaultPidsLimit(none, 1024).getLinux().getResources().getUnifiedMap())
        .containsEntry("pids.max", "1024");
    io.tessera.cri.v1.LinuxContainerResources own =
        io.tessera.cri.v1.LinuxContainerResources.newBuilder()
            .setMemoryLimitInBytes(1 << 20)
            .putUnified("pids.max", "32")
            .build();
    assertThat(CriToDomain.withDefaultPidsLimit(own, 1024)).isSameAs(own);
    io.tessera.cri.v1.LinuxContainerResources update =
        io.tessera.cri.v1.LinuxContainerResources.newBuilder().setCpuShares(2).build();
    io.tessera.cri.v1.LinuxContainerResources filled = CriToDomain.withDefaultPidsLimit(update, 64);
    assertThat(filled.getUnifiedMap()).containsEntry("pids.max", "64");
    assertThat(filled.getCpuShares()).isEqualTo(2);
    assertThat(CriToDomain.linuxContainerResources(filled).unified())
        .containsEntry("pids.max", "64");
  }

  @Test
  void rootfsSizeComesFromWindowsResourcesWhenSent() {
    io.tessera.cri.v1.ContainerConfig.Builder c = io.tessera.cri.v1.ContainerConfig.newBuilder();
    assertThat(CriToDomain.rootfsSizeBytes(c.build())).isEmpty();
    c.getWindowsBuilder().getResourcesBuilder().setRootfsSizeInBytes(0);
    assertThat(CriToDomain.rootfsSizeBytes(c.build())).isEmpty();
    c.getWindowsBuilder().getResourcesBuilder().setRootfsSizeInBytes(20L << 20);
    assertThat(CriToDomain.rootfsSizeBytes(c.build())).isEqualTo(OptionalLong.of(20L << 20));
    c.getWindowsBuilder().getResourcesBuilder().setRootfsSizeInBytes(-1);
    assertThatThrownBy(() -> CriToDomain.rootfsSizeBytes(c.build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("rootfs_size_in_bytes must not be negative");
  }
}
