package io.tessera.sandbox.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.UnavailableException;
import io.tessera.sandbox.cni.PodNetworkRequest;
import io.tessera.sandbox.cni.PortMapping;
import io.tessera.sandbox.model.DnsConfig;
import io.tessera.sandbox.model.PodIps;
import io.tessera.sandbox.model.PodSandboxConfig;
import io.tessera.sandbox.model.PodSandboxMetadata;
import io.tessera.sandbox.model.Protocol;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodNetworkingTest {
  private static final PodSandboxConfig CONFIG =
      PodSandboxConfig.builder(new PodSandboxMetadata("web", "uid-1", "prod", 0))
          .portMappings(
              List.of(
                  new io.tessera.sandbox.model.PortMapping(Protocol.UDP, 53, 5353, "192.0.2.1"),
                  new io.tessera.sandbox.model.PortMapping(Protocol.TCP, 80, 8080, "")))
          .annotations(Map.of("kubernetes.io/ingress-bandwidth", "1M"))
          .dnsConfig(
              Optional.of(new DnsConfig(List.of("10.96.0.10"), List.of("svc"), List.of("ndots:5"))))
          .build();

  @Test
  void requestCarriesPodIdentityPortsAnnotationsAndDns() {
    PodNetworkRequest r = PodNetworking.request("abc123", CONFIG, Path.of("/run/x/net"));
    assertThat(r.sandboxId()).isEqualTo("abc123");
    assertThat(r.netnsPath()).isEqualTo(Path.of("/run/x/net"));
    assertThat(r.podNamespace()).isEqualTo("prod");
    assertThat(r.podName()).isEqualTo("web");
    assertThat(r.podUid()).isEqualTo("uid-1");
    assertThat(r.interfaceName()).isEqualTo("eth0");
    assertThat(r.portMappings())
        .containsExactly(
            new PortMapping(5353, 53, PortMapping.Protocol.UDP, "192.0.2.1"),
            new PortMapping(8080, 80, PortMapping.Protocol.TCP, ""));
    assertThat(r.annotations()).containsEntry("kubernetes.io/ingress-bandwidth", "1M");
    assertThat(r.dns()).get().satisfies(d -> assertThat(d.servers()).containsExactly("10.96.0.10"));
  }

  @Test
  void withoutANetworkAttachIsUnavailableAndDetachANoOp() {
    PodNetworking n = new PodNetworking();
    assertThatThrownBy(() -> n.attach("abc123", CONFIG, Path.of("/run/x/net")))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("abc123");
    n.detach("abc123", CONFIG, Path.of("/run/x/net"));
  }

  @Test
  void allListsThePrimaryFirst() {
    assertThat(PodNetworking.all(PodIps.of("10.88.0.2", "fd00::2")))
        .containsExactly("10.88.0.2", "fd00::2");
    assertThat(PodNetworking.all(PodIps.NONE)).isEmpty();
  }
}
