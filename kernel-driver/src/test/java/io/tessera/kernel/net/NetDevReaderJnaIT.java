package io.tessera.kernel.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.ns.NamespacePinner;
import io.tessera.kernel.ns.NamespacePinnerJna;
import io.tessera.kernel.ns.NsType;
import io.tessera.kernel.ns.PinnedNamespaces;
import io.tessera.kernel.proc.Leaks;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetDevReaderJnaIT {
  @TempDir Path tmp;

  private final NamespacePinner pinner = new NamespacePinnerJna();
  private final NetDevReader reader = new NetDevReaderJna();

  @AfterEach
  void nothingLeftMounted() {
    assertThat(Leaks.mountsUnder(tmp)).isEmpty();
  }

  private static InterfaceCounters lo(List<InterfaceCounters> ifs) {
    return ifs.stream().filter(i -> i.name().equals("lo")).findFirst().orElseThrow();
  }

  /** Sends {@code bytes} of UDP payload over loopback from a thread inside {@code netns}. */
  private void sendOverLoopback(Path netns, int bytes) {
    pinner.callInNamespace(
        netns,
        NsType.NET,
        () -> {
          try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.send(
                new DatagramPacket(
                    new byte[bytes], bytes, InetAddress.getLoopbackAddress(), s.getLocalPort()));
          }
          return null;
        });
  }

  @Test
  void readsTheCountersOfEachNamespaceNotTheDaemons() throws Exception {
    PinnedNamespaces a = pinner.pin(tmp.resolve("a"), Set.of(NsType.NET), null);
    PinnedNamespaces b = pinner.pin(tmp.resolve("b"), Set.of(NsType.NET), null);
    try {
      Path netA = a.path(NsType.NET).orElseThrow();
      Path netB = b.path(NsType.NET).orElseThrow();

      Map<Path, List<InterfaceCounters>> before = reader.read(List.of(netA, netB));
      // A fresh netns holds only loopback; the host's own list has more (its uplink at least).
      assertThat(before.get(netA)).extracting(InterfaceCounters::name).containsExactly("lo");
      assertThat(before.get(netB)).extracting(InterfaceCounters::name).containsExactly("lo");
      assertThat(NetDev.parse(Files.readString(Path.of("/proc/self/net/dev"))))
          .extracting(InterfaceCounters::name)
          .contains("lo")
          .hasSizeGreaterThan(1);

      sendOverLoopback(netA, 5000);

      Map<Path, List<InterfaceCounters>> after = reader.read(List.of(netA, netB));
      InterfaceCounters loA = lo(after.get(netA));
      assertThat(loA.txBytes()).isGreaterThanOrEqualTo(lo(before.get(netA)).txBytes() + 5000);
      assertThat(loA.rxBytes()).isGreaterThanOrEqualTo(lo(before.get(netA)).rxBytes() + 5000);
      assertThat(lo(after.get(netB))).isEqualTo(lo(before.get(netB)));
    } finally {
      pinner.unpin(a);
      pinner.unpin(b);
    }
  }

  @Test
  void aNamespaceThatIsGoneIsLeftOutAndTheOthersAreRead() {
    PinnedNamespaces a = pinner.pin(tmp.resolve("a"), Set.of(NsType.NET), null);
    try {
      Path netA = a.path(NsType.NET).orElseThrow();
      Path gone = tmp.resolve("gone/net");

      Map<Path, List<InterfaceCounters>> read = reader.read(List.of(gone, netA));

      assertThat(read).containsOnlyKeys(netA);
    } finally {
      pinner.unpin(a);
    }
  }
}
