package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ResultParserTest {
  /** What bridge + host-local (plugins 1.1.1) printed for a dual-stack 1.0.0 config. */
  static final String RESULT_1_0 =
      """
      {
          "cniVersion": "1.0.0",
          "interfaces": [
              {"name": "tsty0", "mac": "3e:a7:9a:e6:fe:1c"},
              {"name": "veth2b3349b4", "mac": "e2:df:24:4b:ba:89"},
              {"name": "eth0", "mac": "8e:dd:d6:17:ab:a5", "sandbox": "/run/netns/tsty"}
          ],
          "ips": [
              {"interface": 2, "address": "fd00:202::3/64", "gateway": "fd00:202::1"},
              {"interface": 2, "address": "10.202.0.3/24", "gateway": "10.202.0.1"}
          ],
          "routes": [{"dst": "0.0.0.0/0"}, {"dst": "::/0"}],
          "dns": {}
      }
      """;

  /** The same for 0.4.0: IPs carry a "version". */
  static final String RESULT_0_4 =
      """
      {
          "cniVersion": "0.4.0",
          "interfaces": [
              {"name": "tsty0", "mac": "3e:a7:9a:e6:fe:1c"},
              {"name": "vethf1d90fde", "mac": "2e:83:60:5f:a9:f5"},
              {"name": "eth0", "mac": "42:bc:fd:55:7e:71", "sandbox": "/run/netns/tsty"}
          ],
          "ips": [
              {"version": "4", "interface": 2, "address": "10.202.0.2/24", "gateway": "10.202.0.1"},
              {"version": "6", "interface": 2, "address": "fd00:202::2/64", "gateway": "fd00:202::1"}
          ],
          "routes": [{"dst": "0.0.0.0/0", "gw": "10.202.0.1"}, {"dst": "::/0"}],
          "dns": {"nameservers": ["10.0.0.10"], "domain": "cluster.local",
                  "search": ["svc.cluster.local"], "options": ["ndots:5"]}
      }
      """;

  static CniResult parse(String s) throws Exception {
    return ResultParser.parse(ConfigParser.JSON.readTree(s));
  }

  @Test
  void parses10Result() throws Exception {
    CniResult r = parse(RESULT_1_0);

    assertThat(r.cniVersion()).isEqualTo("1.0.0");
    assertThat(r.interfaces())
        .extracting(CniResult.Interface::name)
        .containsExactly("tsty0", "veth2b3349b4", "eth0");
    assertThat(r.interfaces().get(2).sandbox()).isEqualTo("/run/netns/tsty");
    assertThat(r.hostInterfaces())
        .extracting(CniResult.Interface::name)
        .containsExactly("tsty0", "veth2b3349b4");
    CniResult.IpConfig v6 = r.ips().get(0);
    assertThat(v6.address()).isEqualTo("fd00:202::3/64");
    assertThat(v6.ip()).isEqualTo("fd00:202:0:0:0:0:0:3");
    assertThat(v6.ipv6()).isTrue();
    assertThat(v6.gateway()).contains("fd00:202::1");
    assertThat(v6.interfaceIndex()).hasValue(2);
    assertThat(r.routes()).extracting(CniResult.Route::dst).containsExactly("0.0.0.0/0", "::/0");
    assertThat(r.dns().nameservers()).isEmpty();
    // Primary is the first IPv4 address even when IPv6 is listed first.
    assertThat(ResultParser.podIps(r)).containsExactly("10.202.0.3", "fd00:202:0:0:0:0:0:3");
  }

  @Test
  void parses04Result() throws Exception {
    CniResult r = parse(RESULT_0_4);

    assertThat(r.cniVersion()).isEqualTo("0.4.0");
    assertThat(r.ips()).extracting(CniResult.IpConfig::ipv6).containsExactly(false, true);
    assertThat(r.routes().get(0).gw()).contains("10.202.0.1");
    assertThat(r.routes().get(1).gw()).isEmpty();
    assertThat(r.dns().nameservers()).containsExactly("10.0.0.10");
    assertThat(r.dns().domain()).isEqualTo("cluster.local");
    assertThat(r.dns().search()).containsExactly("svc.cluster.local");
    assertThat(r.dns().options()).containsExactly("ndots:5");
    assertThat(ResultParser.podIps(r)).containsExactly("10.202.0.2", "fd00:202:0:0:0:0:0:2");
  }

  @Test
  void podIpsPreferTheSandboxInterface() throws Exception {
    String r =
        """
        {"cniVersion": "1.0.0",
         "interfaces": [{"name": "br0"}, {"name": "eth0", "sandbox": "/run/netns/x"}],
         "ips": [{"interface": 0, "address": "10.1.0.1/24"},
                 {"interface": 1, "address": "10.1.0.7/24"},
                 {"address": "10.1.0.8/24"}]}
        """;
    assertThat(ResultParser.podIps(parse(r))).containsExactly("10.1.0.7");
  }

  @Test
  void podIpsFallBackToAllAddressesWhenNoneIsTiedToAnInterface() throws Exception {
    String r =
        """
        {"cniVersion": "1.0.0", "ips": [{"address": "fd00::5/64"}, {"address": "10.1.0.9/24"}]}
        """;
    assertThat(ResultParser.podIps(parse(r))).containsExactly("10.1.0.9", "fd00:0:0:0:0:0:0:5");
  }

  @Test
  void ipv6OnlyResultHasAnIpv6Primary() throws Exception {
    String r =
        """
        {"cniVersion": "1.0.0", "interfaces": [{"name": "eth0", "sandbox": "/n"}],
         "ips": [{"interface": 0, "address": "fd00::5/64"}]}
        """;
    assertThat(ResultParser.podIps(parse(r))).containsExactly("fd00:0:0:0:0:0:0:5");
  }

  @Test
  void refusesBrokenResults() {
    assertThatThrownBy(
            () -> parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.300/24\"}]}"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("invalid address");
    assertThatThrownBy(
            () -> parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"example.com/24\"}]}"))
        .hasMessageContaining("invalid address");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"interface\":3,\"address\":\"10.0.0.3/24\"}]}"))
        .hasMessageContaining("names interface 3");
    assertThatThrownBy(() -> parse("{\"cniVersion\":\"1.0.0\",\"ips\":{}}"))
        .hasMessageContaining("not an array");
    assertThatThrownBy(() -> parse("[]")).hasMessageContaining("not a JSON object");
  }
}
