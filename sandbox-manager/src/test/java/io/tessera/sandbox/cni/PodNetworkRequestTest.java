package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class PodNetworkRequestTest {
  @Test
  void defaults() {
    PodNetworkRequest r = PodNetworkRequest.builder("abc-1.2_x").build();
    assertThat(r.interfaceName()).isEqualTo("eth0");
    assertThat(r.netnsPath()).isNull();
    assertThat(r.podName()).isEmpty();
    assertThat(r.portMappings()).isEmpty();
    assertThat(r.dns()).isEmpty();
  }

  @Test
  void validatesWhatGoesIntoCniEnvironment() {
    assertThatThrownBy(() -> PodNetworkRequest.builder("-abc").build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not a valid CNI container id");
    assertThatThrownBy(() -> PodNetworkRequest.builder("a").interfaceName("eth/0").build())
        .hasMessageContaining("invalid interface name");
    assertThatThrownBy(
            () -> PodNetworkRequest.builder("a").interfaceName("a-very-long-ifname").build())
        .hasMessageContaining("invalid interface name");
    assertThatThrownBy(() -> PodNetworkRequest.builder("a").pod("ns", "web;X=1", "u").build())
        .hasMessageContaining("CNI_ARGS");
  }

  @Test
  void portMappingValidation() {
    assertThatThrownBy(() -> PortMapping.tcp(70000, 80)).hasMessageContaining("host port");
    assertThatThrownBy(() -> PortMapping.tcp(80, 0)).hasMessageContaining("container port");
    assertThatThrownBy(() -> new PortMapping(80, 80, PortMapping.Protocol.TCP, "localhost"))
        .hasMessageContaining("not an IP address");
    assertThat(new PortMapping(80, 80, PortMapping.Protocol.TCP, null).hostIpIfSet()).isEmpty();
  }
}
