package io.tessera.kernel.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InternalException;
import org.junit.jupiter.api.Test;

class NetDevTest {
  private static final String SAMPLE =
      "Inter-|   Receive                                                |  Transmit\n"
          + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets"
          + " errs drop fifo colls carrier compressed\n"
          + "    lo:    6720      80    0    0    0     0          0         0     6720      80"
          + "    0    0    0     0       0          0\n"
          + "  eth0: 189712755    5877    3    1    0     0          0         0   663118    4826"
          + "    7    0    0     0       0          0\n"
          + "tessera0:240674    3499    0    0    0     0          0      3302   103772     808"
          + "    0   26    0     0       0          0\n";

  @Test
  void readsBytesAndErrorsOfEveryInterfaceInOrder() {
    assertThat(NetDev.parse(SAMPLE))
        .containsExactly(
            new InterfaceCounters("lo", 6720, 0, 6720, 0),
            new InterfaceCounters("eth0", 189712755, 3, 663118, 7),
            new InterfaceCounters("tessera0", 240674, 0, 103772, 0));
  }

  @Test
  void countersAboveLongMaxAreKeptAsUnsigned() {
    String line = "eth0: 18446744073709551615 1 0 0 0 0 0 0 5 1 0 0 0 0 0 0\n";
    assertThat(NetDev.parse(line).get(0).rxBytes()).isEqualTo(-1L);
  }

  @Test
  void onlyHeadersIsNoInterfaces() {
    assertThat(NetDev.parse(SAMPLE.substring(0, SAMPLE.indexOf("    lo:")))).isEmpty();
    assertThat(NetDev.parse("")).isEmpty();
  }

  @Test
  void aShortOrGarbledLineFailsQuotingIt() {
    assertThatThrownBy(() -> NetDev.parse("eth0: 1 2 3\n"))
        .isInstanceOf(InternalException.class)
        .hasMessageContaining("eth0: 1 2 3");
    assertThatThrownBy(() -> NetDev.parse("eth0: 1 2 x 0 0 0 0 0 5 1 0 0 0 0 0 0\n"))
        .isInstanceOf(InternalException.class)
        .hasMessageContaining("not a number");
  }
}
