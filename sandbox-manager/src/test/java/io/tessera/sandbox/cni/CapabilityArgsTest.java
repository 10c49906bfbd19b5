package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CapabilityArgsTest {
  static PodNetworkRequest.Builder req() {
    return PodNetworkRequest.builder("sb1").netns(Path.of("/run/netns/x")).pod("ns", "web", "u-1");
  }

  @Test
  void portMappingsInCniSpelling() {
    PodNetworkRequest r =
        req()
            .portMapping(PortMapping.tcp(8080, 80))
            .portMapping(new PortMapping(5353, 53, PortMapping.Protocol.UDP, "127.0.0.1"))
            .portMapping(new PortMapping(0, 9090, PortMapping.Protocol.SCTP, ""))
            .build();

    ObjectNode all = CapabilityArgs.build(r, List.of());

    assertThat(all.path("portMappings").toString())
        .isEqualTo(
            "[{\"hostPort\":8080,\"containerPort\":80,\"protocol\":\"tcp\"},"
                + "{\"hostPort\":5353,\"containerPort\":53,\"protocol\":\"udp\",\"hostIP\":\"127.0.0.1\"}]");
    assertThat(all.has("bandwidth")).isFalse();
    assertThat(all.has("ipRanges")).isFalse();
    assertThat(all.has("dns")).isFalse();
  }

  @Test
  void bandwidthFromAnnotationsInBitsPerSecond() {
    PodNetworkRequest r =
        req()
            .annotation("kubernetes.io/ingress-bandwidth", "10M")
            .annotation("kubernetes.io/egress-bandwidth", "1.5Mi")
            .build();

    ObjectNode bw = (ObjectNode) CapabilityArgs.build(r, List.of()).path("bandwidth");

    assertThat(bw.path("ingressRate").asLong()).isEqualTo(10_000_000L);
    assertThat(bw.path("ingressBurst").asLong()).isEqualTo(4_294_967_295L);
    assertThat(bw.path("egressRate").asLong()).isEqualTo(1_572_864L);
    assertThat(bw.path("egressBurst").asLong()).isEqualTo(4_294_967_295L);
  }

  @Test
  void onlyTheAnnotatedDirectionIsLimited() {
    ObjectNode bw =
        (ObjectNode)
            CapabilityArgs.build(
                    req().annotation("kubernetes.io/egress-bandwidth", "1M").build(), List.of())
                .path("bandwidth");
    assertThat(bw.has("ingressRate")).isFalse();
    assertThat(bw.path("egressRate").asLong()).isEqualTo(1_000_000L);
  }

  @Test
  void unreasonableOrMalformedBandwidthIsRefused() {
    assertThatThrownBy(
            () ->
                CapabilityArgs.build(
                    req().annotation("kubernetes.io/ingress-bandwidth", "999").build(), List.of()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unreasonably small");
    assertThatThrownBy(
            () ->
                CapabilityArgs.build(
                    req().annotation("kubernetes.io/egress-bandwidth", "2P").build(), List.of()))
        .hasMessageContaining("unreasonably large");
    assertThatThrownBy(
            () ->
                CapabilityArgs.build(
                    req().annotation("kubernetes.io/egress-bandwidth", "10 Mbit").build(),
                    List.of()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("kubernetes.io/egress-bandwidth")
        .hasMessageContaining("not a Kubernetes quantity");
  }

  @Test
  void ipRangesOneRangeSetPerPodCidr() {
    ObjectNode all = CapabilityArgs.build(req().build(), List.of("10.244.1.0/24", "fd00:1::/64"));
    assertThat(all.path("ipRanges").toString())
        .isEqualTo("[[{\"subnet\":\"10.244.1.0/24\"}],[{\"subnet\":\"fd00:1::/64\"}]]");
  }

  @Test
  void dns() {
    ObjectNode all =
        CapabilityArgs.build(
            req()
                .dns(
                    new DnsConfig(
                        List.of("10.96.0.10"), List.of("ns.svc.cluster.local"), List.of("ndots:5")))
                .build(),
            List.of());
    assertThat(all.path("dns").toString())
        .isEqualTo(
            "{\"servers\":[\"10.96.0.10\"],\"searches\":[\"ns.svc.cluster.local\"],\"options\":[\"ndots:5\"]}");
  }

  @Test
  void eachPluginSeesOnlyTheCapabilitiesItDeclares() {
    ObjectNode all =
        CapabilityArgs.build(
            req()
                .portMapping(PortMapping.tcp(8080, 80))
                .annotation("kubernetes.io/ingress-bandwidth", "1M")
                .build(),
            List.of("10.244.1.0/24"));

    assertThat(CapabilityArgs.forPlugin(all, Set.of("portMappings")).fieldNames())
        .toIterable()
        .containsExactly("portMappings");
    assertThat(CapabilityArgs.forPlugin(all, Set.of("bandwidth", "ipRanges", "dns")).fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("bandwidth", "ipRanges");
    assertThat(CapabilityArgs.forPlugin(all, Set.of()).isEmpty()).isTrue();
  }

  @Test
  void cniArgsAsKubeletPassesThem() {
    assertThat(CapabilityArgs.cniArgs(req().build()))
        .isEqualTo(
            "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns;K8S_POD_NAME=web;"
                + "K8S_POD_INFRA_CONTAINER_ID=sb1;K8S_POD_UID=u-1");
  }
}
