package io.tessera.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.model.DnsConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodFilesTest {
  @Test
  void hostsListsLoopbackAndPodIps() {
    assertThat(PodFiles.hosts(List.of("10.88.0.5", "fd00::5"), "web"))
        .isEqualTo(
            "127.0.0.1\tlocalhost\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n"
                + "fe00::0\tip6-localnet\n"
                + "fe00::0\tip6-mcastprefix\n"
                + "fe00::1\tip6-allnodes\n"
                + "fe00::2\tip6-allrouters\n"
                + "10.88.0.5\tweb\n"
                + "fd00::5\tweb\n");
  }

  @Test
  void hostsWithoutIpsHasOnlyLoopback() {
    assertThat(PodFiles.hosts(List.of(), "web"))
        .startsWith("127.0.0.1\tlocalhost\n")
        .doesNotContain("web");
    assertThat(PodFiles.hostsForHostNetwork("1.2.3.4 node\n")).isEqualTo("1.2.3.4 node\n");
  }

  @Test
  void resolvConfFromDnsConfig() {
    DnsConfig dns =
        new DnsConfig(
            List.of("10.96.0.10", "fd00::a"),
            List.of("default.svc.cluster.local", "cluster.local"),
            List.of("ndots:5"));
    assertThat(PodFiles.resolvConf(Optional.of(dns), "nameserver 1.1.1.1\n"))
        .isEqualTo(
            "search default.svc.cluster.local cluster.local\n"
                + "nameserver 10.96.0.10\n"
                + "nameserver fd00::a\n"
                + "options ndots:5\n");
  }

  @Test
  void resolvConfFallsBackToTheHosts() {
    String host = "nameserver 192.168.1.1\n";
    assertThat(PodFiles.resolvConf(Optional.empty(), host)).isEqualTo(host);
    assertThat(
            PodFiles.resolvConf(Optional.of(new DnsConfig(List.of(), List.of(), List.of())), host))
        .isEqualTo(host);
  }

  @Test
  void hostnameEndsWithNewline() {
    assertThat(PodFiles.hostname("web")).isEqualTo("web\n");
  }
}
