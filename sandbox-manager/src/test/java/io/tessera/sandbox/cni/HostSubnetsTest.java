package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostSubnetsTest {
  /** /proc/net/route of a host with a default route, its LAN, docker0 and a 10.88/16 bridge. */
  static final String ROUTES =
      """
      Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
      eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
      eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
      docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
      cni0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
      tun0\t0080590A\t00000000\t0001\t0\t0\t0\t0080FFFF\t0\t0\t0
      """;

  @Test
  void parsesProcNetRouteSkippingTheDefaultRoute() {
    List<HostSubnets.Ipv4Net> r = HostSubnets.parseProcNetRoute(ROUTES, ByteOrder.LITTLE_ENDIAN);
    assertThat(r)
        .extracting(HostSubnets.Ipv4Net::toString)
        .containsExactly("192.0.2.0/24", "172.17.0.0/16", "10.88.0.0/16", "10.89.128.0/17");
  }

  @Test
  void routesThroughTheNetworksOwnBridgeDoNotCount() {
    assertThat(HostSubnets.parseProcNetRoute(ROUTES, ByteOrder.LITTLE_ENDIAN, "cni0"))
        .extracting(HostSubnets.Ipv4Net::toString)
        .containsExactly("192.0.2.0/24", "172.17.0.0/16", "10.89.128.0/17");
  }

  @Test
  void bigEndianHostsPrintInOrder() {
    String text =
        "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\n"
            + "eth0\tC0000200\t00000000\t0001\t0\t0\t0\tFFFFFF00\n";
    assertThat(HostSubnets.parseProcNetRoute(text, ByteOrder.BIG_ENDIAN))
        .extracting(HostSubnets.Ipv4Net::toString)
        .containsExactly("192.0.2.0/24");
  }

  @Test
  void picksTheFirstCandidateNoRouteOverlaps() {
    List<HostSubnets.Ipv4Net> inUse =
        HostSubnets.parseProcNetRoute(ROUTES, ByteOrder.LITTLE_ENDIAN);
    List<HostSubnets.Ipv4Net> candidates =
        DefaultCniConfig.DEFAULT_SUBNET_CANDIDATES.stream()
            .map(HostSubnets.Ipv4Net::parse)
            .toList();

    // 10.88/16 is routed, 10.89.128/17 overlaps 10.89/16.
    assertThat(HostSubnets.pickFree(candidates, inUse)).get().hasToString("10.90.0.0/16");
  }

  @Test
  void aWideRouteBlocksEveryCandidateInside() {
    List<HostSubnets.Ipv4Net> inUse =
        List.of(
            HostSubnets.Ipv4Net.parse("10.0.0.0/8"), HostSubnets.Ipv4Net.parse("172.16.0.0/12"));
    List<HostSubnets.Ipv4Net> candidates =
        DefaultCniConfig.DEFAULT_SUBNET_CANDIDATES.stream()
            .map(HostSubnets.Ipv4Net::parse)
            .toList();
    assertThat(HostSubnets.pickFree(candidates, inUse)).get().hasToString("192.168.250.0/24");

    assertThat(
            HostSubnets.pickFree(
                List.of(HostSubnets.Ipv4Net.parse("10.1.2.0/24")),
                List.of(HostSubnets.Ipv4Net.parse("10.1.2.128/25"))))
        .isEmpty();
  }

  @Test
  void ipv4NetMasksTheBase() {
    assertThat(HostSubnets.Ipv4Net.parse("10.88.7.9/16")).hasToString("10.88.0.0/16");
    assertThat(
            HostSubnets.Ipv4Net.parse("10.1.0.0/24")
                .overlaps(HostSubnets.Ipv4Net.parse("10.1.1.0/24")))
        .isFalse();
  }
}
