package io.tessera.sandbox.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.net.InterfaceCounters;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodSandboxStatsSampleTest {
  private static InterfaceCounters iface(String name, long rx) {
    return new InterfaceCounters(name, rx, 0, rx / 2, 0);
  }

  @Test
  void eth0IsTheDefaultInterfaceAndLoopbackIsLeftOut() {
    var n =
        PodSandboxStatsSample.Network.of(
            7, List.of(iface("lo", 1), iface("net1", 2), iface("eth0", 3), iface("net2", 4)));

    assertThat(n.timestamp()).isEqualTo(7);
    assertThat(n.defaultInterface()).contains(iface("eth0", 3));
    assertThat(n.interfaces()).containsExactly(iface("net1", 2), iface("net2", 4));
  }

  @Test
  void withoutEth0ThereIsNoDefaultInterfaceButTheOthersAreKept() {
    var n = PodSandboxStatsSample.Network.of(1, List.of(iface("lo", 1), iface("net1", 2)));

    assertThat(n.defaultInterface()).isEmpty();
    assertThat(n.interfaces()).containsExactly(iface("net1", 2));
  }
}
