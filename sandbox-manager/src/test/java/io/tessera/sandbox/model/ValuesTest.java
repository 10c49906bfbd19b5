package io.tessera.sandbox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The validating constructors of the small value records. */
class ValuesTest {

  @Test
  void namespaceTargetNeedsATargetId() {
    assertThatThrownBy(
            () ->
                new NamespaceOptions(
                    NamespaceMode.POD,
                    NamespaceMode.TARGET,
                    NamespaceMode.POD,
                    "",
                    Optional.empty()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("TARGET");
    assertThat(NamespaceOptions.DEFAULT.pid()).isEqualTo(NamespaceMode.POD);
  }

  @Test
  void userNamespaceIsPodOrNode() {
    assertThatThrownBy(() -> new UserNamespace(NamespaceMode.CONTAINER, List.of(), List.of()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(new UserNamespace(NamespaceMode.NODE, List.of(), List.of()).mode())
        .isEqualTo(NamespaceMode.NODE);
  }

  @Test
  void idMappingsAreUint32() {
    assertThatThrownBy(() -> new IdMapping(-1, 0, 1)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new IdMapping(0, 0, 1L << 32))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(new IdMapping(0xFFFF_FFFFL, 0, 1).hostId()).isEqualTo(4294967295L);
  }

  @Test
  void securityProfileRefOnlyForLocalhost() {
    assertThatThrownBy(() -> SecurityProfile.localhost(""))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new SecurityProfile(SecurityProfile.Type.UNCONFINED, "/x"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(SecurityProfile.localhost("/p.json").localhostRef()).isEqualTo("/p.json");
  }

  @Test
  void containerUserAndUsernameAreExclusiveAndGroupNeedsOne() {
    assertThatThrownBy(
            () ->
                LinuxContainerSecurityContext.builder()
                    .runAsUser(OptionalLong.of(1))
                    .runAsUsername(Optional.of("nobody"))
                    .build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("mutually exclusive");
    assertThatThrownBy(
            () -> LinuxContainerSecurityContext.builder().runAsGroup(OptionalLong.of(1)).build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(
            LinuxContainerSecurityContext.builder()
                .runAsUser(OptionalLong.of(0))
                .runAsGroup(OptionalLong.of(0))
                .build()
                .runAsGroup())
        .hasValue(0);
  }

  @Test
  void sandboxGroupNeedsUser() {
    assertThatThrownBy(
            () -> LinuxSandboxSecurityContext.builder().runAsGroup(OptionalLong.of(1)).build())
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void buildersRoundTripThroughToBuilder() {
    LinuxContainerSecurityContext c = Fixtures.containerSecurity();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    LinuxSandboxSecurityContext s = Fixtures.podConfig("x").linux().securityContext();
    assertThat(s.toBuilder().build()).isEqualTo(s);
    assertThat(Fixtures.resources(3).toBuilder().build()).isEqualTo(Fixtures.resources(3));
    assertThat(Fixtures.podConfig("x").toBuilder().build()).isEqualTo(Fixtures.podConfig("x"));
    assertThat(Fixtures.containerConfig("x").toBuilder().build())
        .isEqualTo(Fixtures.containerConfig("x"));
    assertThat(Fixtures.podFacts(Fixtures.POD_ID).toBuilder().build())
        .isEqualTo(Fixtures.podFacts(Fixtures.POD_ID));
    assertThat(Fixtures.containerFacts(Fixtures.CONTAINER_ID).toBuilder().build())
        .isEqualTo(Fixtures.containerFacts(Fixtures.CONTAINER_ID));
  }

  @Test
  void resourcesOomScoreAdjRange() {
    assertThatThrownBy(() -> LinuxContainerResources.builder().oomScoreAdj(1001).build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(LinuxContainerResources.builder().oomScoreAdj(-1000).build().oomScoreAdj())
        .isEqualTo(-1000);
    assertThat(LinuxContainerResources.NONE.cpuShares()).isZero();
  }

  @Test
  void podIpsRules() {
    assertThatThrownBy(() -> new PodIps(Optional.empty(), List.of("10.0.0.1")))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> PodIps.of("10.0.0.1", "10.0.0.1"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("repeat");
    assertThat(PodIps.of("10.0.0.1", "fd00::1").additional()).containsExactly("fd00::1");
  }

  @Test
  void portsAndAttempts() {
    assertThatThrownBy(() -> new PortMapping(Protocol.TCP, 70000, 0, ""))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new PodSandboxMetadata("", "u", "n", 0))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new PodSandboxMetadata("p", "u", "n", -1))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new ContainerMetadata("c", 1L << 32))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void devicePermissionsAreRwm() {
    assertThatThrownBy(() -> new Device("/dev/a", "/dev/b", "rx"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(new Device("/dev/a", "/dev/b", "").permissions()).isEmpty();
  }

  @Test
  void containerConfigRules() {
    ContainerConfig.Builder b =
        ContainerConfig.builder(new ContainerMetadata("c", 0), ImageSpec.of("busybox"));
    assertThatThrownBy(() -> b.logPath("/abs.log").build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("relative");
    assertThatThrownBy(() -> b.logPath("").stopSignal(Optional.of("TERM")).build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ImageSpec.of("")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> new KeyValue("", "v")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void factsWantAbsolutePathsAndPositivePids() {
    assertThatThrownBy(
            () -> PodSandboxRuntimeFacts.builder().hostsPath(Optional.of(Path.of("rel"))).build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> PodSandboxRuntimeFacts.builder().infraPid(OptionalLong.of(0)).build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                Fixtures.containerFacts(Fixtures.CONTAINER_ID).toBuilder()
                    .bundleDir(Path.of("b"))
                    .build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                Fixtures.containerFacts(Fixtures.CONTAINER_ID).toBuilder()
                    .conmonPid(OptionalLong.of(-3))
                    .build())
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void mapsAndListsAreImmutableCopies() {
    Map<String, String> labels = new java.util.HashMap<>(Map.of("a", "1"));
    PodSandboxConfig c =
        PodSandboxConfig.builder(new PodSandboxMetadata("p", "", "", 0)).labels(labels).build();
    labels.put("b", "2");
    assertThat(c.labels()).containsOnlyKeys("a");
    assertThatThrownBy(() -> c.labels().put("c", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
