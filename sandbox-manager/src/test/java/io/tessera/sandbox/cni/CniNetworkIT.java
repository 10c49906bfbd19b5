package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnavailableException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CNI networking with the real plugins of containernetworking-plugins (/usr/lib/cni), as root:
 * loopback + bridge + host-local + portmap + bandwidth, in network namespaces made for the test.
 *
 * <p>Everything is named with a random suffix (bridges "tsit…"/"tsic…", network "tsit-…",
 * namespaces "tessera-it-…") and host-local keeps its store in a temp dir, so nothing collides with
 * other networks on the host. portmap creates shared chains (CNI-HOSTPORT-*) once and never removes
 * them, and bridge keeps its bridge: a warm-up ADD/DEL creates both before the baseline is taken,
 * and {@link #cleanUp()} removes them.
 */
class CniNetworkIT {
  static final Path PLUGINS = Path.of("/usr/lib/cni");

  static final String SUFFIX =
      HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);
  static final String BRIDGE = "tsit" + SUFFIX;
  static final String CIDR_BRIDGE = "tsic" + SUFFIX;
  static final String NETWORK = "tsit-" + SUFFIX;

  static Path tmp;
  static Path confDir;
  static Path cacheDir;
  static Path ipamDir;
  static String subnet;
  static String podCidrSubnet;
  static CniNetwork net;
  static boolean hostportChainsExisted;
  static HostState baseline;
  static final List<String> namespaces = new ArrayList<>();
  static final List<Process> processes = new ArrayList<>();

  @BeforeAll
  static void setUp() throws IOException {
    assertThat(Host.isRoot()).as("CniNetworkIT needs root").isTrue();
    for (String p : List.of("bridge", "host-local", "portmap", "bandwidth", "loopback")) {
      assertThat(PLUGINS.resolve(p)).as("containernetworking-plugins installs " + p).isExecutable();
    }
    tmp = Files.createTempDirectory("tessera-cni-it");
    confDir = tmp.resolve("net.d");
    cacheDir = tmp.resolve("results");
    ipamDir = tmp.resolve("ipam");
    List<String> free = freeSubnets(2);
    subnet = free.get(0);
    podCidrSubnet = free.get(1);
    Files.createDirectories(confDir);
    Files.writeString(confDir.resolve("10-it.conflist"), conflist(BRIDGE, "", ""));
    hostportChainsExisted = Host.run("iptables-save", "-t", "nat").contains(":CNI-HOSTPORT-DNAT");
    net = network(confDir);
    assertThat(net.status().ready()).as(net.status().message()).isTrue();

    PodNetworkRequest warm =
        request("warmup", newNetns()).portMapping(PortMapping.tcp(freePort(), 80)).build();
    net.add(warm);
    net.del(warm);
    baseline = HostState.take();
  }

  @AfterEach
  void stopProcesses() {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    processes.clear();
  }

  @AfterAll
  static void cleanUp() throws IOException {
    if (net != null) {
      net.close();
    }
    for (String ns : namespaces) {
      Host.exec("ip", "netns", "del", ns);
    }
    Host.exec("ip", "link", "del", BRIDGE);
    Host.exec("ip", "link", "del", CIDR_BRIDGE);
    dropRules("POSTROUTING", "");
    dropRules("CNI-HOSTPORT-DNAT", "");
    dropOrphanedDnatChains();
    if (!hostportChainsExisted) {
      dropSharedPortmapChains();
    }
    if (tmp != null) {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---- tests

  @Test
  void addGivesEth0AnAddressAndDelFreesIt() {
    String ns = newNetns();
    PodNetworkRequest req = request("addel", ns).build();

    PodNetworkResult r = net.add(req);
    try {
      assertThat(r.networkName()).isEqualTo(NETWORK);
      assertThat(r.primaryIp()).startsWith(prefixOf(subnet));
      assertThat(r.additionalIps()).isEmpty();
      assertThat(Host.run("ip", "-n", ns, "-o", "-4", "addr", "show", "dev", "eth0"))
          .contains("inet " + r.primaryIp() + "/24");
      assertThat(Host.run("ip", "-n", ns, "-o", "link", "show", "lo")).contains("LOOPBACK,UP");
      assertThat(ipamDir.resolve(NETWORK).resolve(r.primaryIp())).exists();
      assertThat(cacheDir.resolve(NETWORK + "-addel-eth0")).exists();
    } finally {
      net.del(req);
    }

    assertThat(ipamDir.resolve(NETWORK).resolve(r.primaryIp())).doesNotExist();
    assertThat(cacheDir.resolve(NETWORK + "-addel-eth0")).doesNotExist();
    assertThat(Host.run("ip", "-n", ns, "-o", "link")).doesNotContain("eth0");
    // DEL is idempotent.
    net.del(req);
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void twoPodsTalkOverTheBridge() throws Exception {
    String ns1 = newNetns();
    String ns2 = newNetns();
    PodNetworkRequest a = request("talk1", ns1).build();
    PodNetworkRequest b = request("talk2", ns2).build();
    PodNetworkResult ra = net.add(a);
    try {
      PodNetworkResult rb = net.add(b);
      try {
        assertThat(ra.primaryIp()).isNotEqualTo(rb.primaryIp());
        String token = serveToken(ns2, 8080);
        await()
            .atMost(Duration.ofSeconds(15))
            .untilAsserted(
                () -> assertThat(httpGet(ns1, rb.primaryIp(), 8080)).endsWith("\r\n\r\n" + token));
      } finally {
        net.del(b);
      }
    } finally {
      net.del(a);
    }
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void portMappingAddsDnatRulesThatForwardAndDelRemovesThem() throws Exception {
    String ns = newNetns();
    int hostPort = freePort();
    PodNetworkRequest req =
        request("ports", ns).portMapping(PortMapping.tcp(hostPort, 8080)).build();

    PodNetworkResult r = net.add(req);
    try {
      List<String> nat = Host.lines(Host.run("iptables", "-t", "nat", "-S"));
      assertThat(nat)
          .anySatisfy(
              l ->
                  assertThat(l)
                      .startsWith("-A CNI-HOSTPORT-DNAT")
                      .contains("--dports " + hostPort)
                      .contains("id: \\\"ports\\\""));
      assertThat(nat)
          .anySatisfy(
              l ->
                  assertThat(l)
                      .contains("--dport " + hostPort)
                      .contains("DNAT --to-destination " + r.primaryIp() + ":8080"));
      // The rules forward: the bridge's gateway address is a local address of this host.
      String gateway = r.result().ips().get(0).gateway().orElseThrow();
      String token = serveToken(ns, 8080);
      await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () -> assertThat(httpGet(null, gateway, hostPort)).endsWith("\r\n\r\n" + token));
    } finally {
      net.del(req);
    }

    assertThat(Host.run("iptables", "-t", "nat", "-S")).doesNotContain(String.valueOf(hostPort));
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void bandwidthAnnotationsShapeTheHostVethAndIfb() {
    String ns = newNetns();
    PodNetworkRequest req =
        request("bw", ns)
            .annotation("kubernetes.io/ingress-bandwidth", "10M")
            .annotation("kubernetes.io/egress-bandwidth", "20M")
            .build();

    PodNetworkResult r = net.add(req);
    String veth = hostInterface(r, "veth");
    String ifb = hostInterface(r, "bwp");
    try {
      // Ingress to the pod is egress of the host veth; the pod's egress is shaped on an ifb.
      assertThat(Host.run("tc", "qdisc", "show", "dev", veth))
          .contains("tbf")
          .contains("rate 10Mbit");
      assertThat(Host.run("tc", "qdisc", "show", "dev", ifb))
          .contains("tbf")
          .contains("rate 20Mbit");
    } finally {
      net.del(req);
    }

    assertThat(Host.exec("ip", "link", "show", ifb).exit()).isNotZero();
    assertThat(Host.exec("ip", "link", "show", veth).exit()).isNotZero();
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void delAfterTheNetnsIsGoneStillFreesTheAddressAndPortmapAndIfb() {
    String ns = newNetns();
    int hostPort = freePort();
    PodNetworkRequest req =
        request("gone", ns)
            .portMapping(PortMapping.tcp(hostPort, 80))
            .annotation("kubernetes.io/egress-bandwidth", "5M")
            .build();
    PodNetworkResult r = net.add(req);
    String ifb = hostInterface(r, "bwp");
    assertThat(ipamDir.resolve(NETWORK).resolve(r.primaryIp())).exists();

    Host.run("ip", "netns", "del", ns);
    try {
      net.del(req);

      assertThat(ipamDir.resolve(NETWORK).resolve(r.primaryIp())).doesNotExist();
      assertThat(Host.run("iptables", "-t", "nat", "-S")).doesNotContain(String.valueOf(hostPort));
      assertThat(Host.exec("ip", "link", "show", ifb).exit()).isNotZero();
      assertThat(cacheDir.resolve(NETWORK + "-gone-eth0")).doesNotExist();
      // bridge (plugins 1.1.1, still so in 1.9) skips its ipMasq teardown when CNI_NETNS is empty
      // (containernetworking/plugins#810): its per-pod masquerade chain is all that may remain.
      HostState now = HostState.take();
      assertThat(now.links()).isEqualTo(baseline.links());
      assertThat(now.ipam()).isEqualTo(baseline.ipam());
      assertThat(now.filter()).isEqualTo(baseline.filter());
      List<String> extra = new ArrayList<>(now.nat());
      extra.removeAll(baseline.nat());
      String chain = "CNI-" + masqChainHash(extra);
      assertThat(extra).allSatisfy(l -> assertThat(l).contains(chain));
    } finally {
      dropBridgeMasqRules("gone");
    }
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void delWithoutCacheUsesTheCurrentConfig() throws IOException {
    String ns = newNetns();
    PodNetworkRequest req = request("nocache", ns).build();
    PodNetworkResult r = net.add(req);
    Files.delete(cacheDir.resolve(NETWORK + "-nocache-eth0"));

    net.del(req);

    assertThat(ipamDir.resolve(NETWORK).resolve(r.primaryIp())).doesNotExist();
    assertThat(Host.run("ip", "-n", ns, "-o", "link")).doesNotContain("eth0");
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void failingAddRollsBackEverything() throws IOException {
    // portmap fails after creating its per-pod chain, when bridge and host-local have done their
    // part: all three must be undone.
    Path badConf = Files.createDirectories(tmp.resolve("net.d-bad"));
    Files.writeString(
        badConf.resolve("10-bad.conflist"),
        conflist(BRIDGE, ", \"conditionsV4\": [\"-m\", \"tesseranosuchmatch\"]", ""));
    String ns = newNetns();
    PodNetworkRequest req =
        request("failing", ns).portMapping(PortMapping.tcp(freePort(), 80)).build();
    try (CniNetwork bad = network(badConf)) {
      assertThatThrownBy(() -> bad.add(req))
          .isInstanceOf(InternalException.class)
          .hasMessageContaining("plugin portmap ADD")
          .hasMessageContaining("tesseranosuchmatch")
          .hasCauseInstanceOf(CniPluginException.class);
    }

    assertThat(HostState.take()).isEqualTo(baseline);
    assertThat(Host.run("ip", "-n", ns, "-o", "link")).doesNotContain("eth0");
    assertThat(cacheDir.resolve(NETWORK + "-failing-eth0")).doesNotExist();
  }

  @Test
  void missingPluginBinaryMeansNotReadyAndAddTouchesNothing() throws IOException {
    Path conf = Files.createDirectories(tmp.resolve("net.d-missing"));
    Files.writeString(
        conf.resolve("10-missing.conflist"),
        conflist(BRIDGE, "", ", {\"type\": \"tessera-no-such-plugin\"}"));
    String ns = newNetns();
    try (CniNetwork missing = network(conf)) {
      NetworkStatus s = missing.status();
      assertThat(s.ready()).isFalse();
      assertThat(s.reason()).isEqualTo("NetworkPluginNotReady");
      assertThat(s.message()).contains("tessera-no-such-plugin");

      assertThatThrownBy(() -> missing.add(request("missing", ns).build()))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("tessera-no-such-plugin");
    }
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void checkPassesOnAHealthyPodAndFailsWhenItsDefaultRouteIsGone() {
    String ns = newNetns();
    // bandwidth 1.1.1 CHECK dereferences its limits unconditionally: it panics without them.
    PodNetworkRequest req =
        request("check", ns).annotation("kubernetes.io/ingress-bandwidth", "100M").build();
    assertThatThrownBy(() -> net.check(req)).isInstanceOf(NotFoundException.class);
    net.add(req);
    try {
      net.check(req);

      // Not eth0 itself: without it bridge's DEL cannot find the pod's address to unmasquerade.
      Host.run("ip", "-n", ns, "route", "del", "default");
      assertThatThrownBy(() -> net.check(req))
          .isInstanceOf(InternalException.class)
          .hasMessageContaining("plugin bridge CHECK")
          .hasCauseInstanceOf(CniPluginException.class);
    } finally {
      net.del(req);
    }
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void podCidrOverridesTheConfiguredSubnet() throws IOException {
    // host-local adds runtime ipRanges to static ranges, so this config has none; and bridge
    // refuses a second gateway subnet on a bridge in use, so it gets its own bridge.
    Path conf = Files.createDirectories(tmp.resolve("net.d-cidr"));
    String noRanges =
        conflist(CIDR_BRIDGE, "", "")
            .replace("\"ranges\": [[{\"subnet\": \"" + subnet + "\"}]],", "");
    assertThat(noRanges).doesNotContain(subnet);
    Files.writeString(conf.resolve("10-cidr.conflist"), noRanges);
    String ns = newNetns();
    PodNetworkRequest req = request("cidr", ns).build();
    try (CniNetwork cidrNet = network(conf)) {
      cidrNet.setPodCidr(podCidrSubnet);
      assertThat(cidrNet.podCidrs()).containsExactly(podCidrSubnet);
      PodNetworkResult r = cidrNet.add(req);
      try {
        assertThat(r.primaryIp()).startsWith(prefixOf(podCidrSubnet));
      } finally {
        cidrNet.del(req);
      }
      assertThat(ipamDir.resolve(NETWORK).resolve(r.primaryIp())).doesNotExist();
    } finally {
      Host.exec("ip", "link", "del", CIDR_BRIDGE);
    }
    assertThat(HostState.take()).isEqualTo(baseline);
  }

  @Test
  void twentyAddDelCyclesLeaveTheHostAsBefore() throws IOException {
    String ns = newNetns();
    for (int i = 0; i < 20; i++) {
      PodNetworkRequest req =
          request("cycle" + i, ns)
              .portMapping(PortMapping.tcp(freePort(), 80))
              .portMapping(new PortMapping(freePort(), 53, PortMapping.Protocol.UDP, ""))
              .annotation("kubernetes.io/ingress-bandwidth", "50M")
              .annotation("kubernetes.io/egress-bandwidth", "50M")
              .build();
      net.add(req);
      net.del(req);
    }
    assertThat(HostState.take()).isEqualTo(baseline);
    try (Stream<Path> s = Files.list(cacheDir)) {
      assertThat(s).isEmpty();
    }
  }

  // ---- helpers

  /** What the tests must leave as they found it. */
  record HostState(List<String> links, List<String> nat, List<String> filter, List<String> ipam) {
    static HostState take() {
      // Only what CNI plugins create, so unrelated activity on the host cannot fail the test.
      List<String> links =
          Host.lines(Host.run("ip", "-o", "link")).stream()
              .map(l -> l.split(":\\s+", 3)[1].replaceAll("@.*", ""))
              .filter(
                  n ->
                      n.startsWith("veth")
                          || n.startsWith("bwp")
                          || n.startsWith("tsit")
                          || n.startsWith("tsic"))
              .sorted()
              .toList();
      Path store = ipamDir.resolve(NETWORK);
      List<String> ipam;
      try (Stream<Path> s = Files.exists(store) ? Files.list(store) : Stream.empty()) {
        ipam =
            s.map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("lock") && !n.startsWith("last_reserved_ip"))
                .sorted()
                .toList();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      return new HostState(links, rules("nat"), rules("filter"), ipam);
    }

    private static List<String> rules(String table) {
      return Host.lines(Host.run("iptables-save", "-t", table)).stream()
          .filter(l -> !l.startsWith("#") && l.contains("CNI"))
          .map(l -> l.replaceAll("\\[\\d+:\\d+]", ""))
          .sorted()
          .toList();
    }
  }

  static CniNetwork network(Path conf) {
    CniNetwork n =
        CniNetwork.builder()
            .confDir(conf)
            .binDirs(List.of(PLUGINS))
            .cacheDir(cacheDir)
            .pluginTimeout(Duration.ofSeconds(30))
            .build();
    n.start();
    return n;
  }

  static PodNetworkRequest.Builder request(String id, String ns) {
    return PodNetworkRequest.builder(id)
        .netns(Path.of("/run/netns", ns))
        .pod("it", "pod-" + id, "uid-" + id);
  }

  static String conflist(String bridge, String portmapExtra, String extraPlugins) {
    return """
        {
          "cniVersion": "1.0.0",
          "name": "%s",
          "plugins": [
            {"type": "bridge", "bridge": "%s", "isGateway": true, "ipMasq": true,
             "hairpinMode": true, "capabilities": {"ipRanges": true},
             "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s"}]],
                      "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}},
            {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true%s},
            {"type": "bandwidth", "capabilities": {"bandwidth": true}}%s
          ]
        }
        """
        .formatted(NETWORK, bridge, subnet, ipamDir, portmapExtra, extraPlugins);
  }

  static String prefixOf(String cidr24) {
    return cidr24.substring(0, cidr24.lastIndexOf('.') + 1);
  }

  /** /24s in 10.231.0.0/16 that no host route or address touches, from a random start. */
  static List<String> freeSubnets(int n) throws IOException {
    List<HostSubnets.Ipv4Net> inUse = new ArrayList<>();
    inUse.addAll(
        HostSubnets.parseProcNetRoute(
            Files.readString(Path.of("/proc/net/route")), ByteOrder.nativeOrder()));
    inUse.addAll(HostSubnets.interfaceNetworks(""));
    List<String> out = new ArrayList<>();
    int start = ThreadLocalRandom.current().nextInt(256);
    for (int i = 0; i < 256 && out.size() < n; i++) {
      HostSubnets.Ipv4Net c = HostSubnets.Ipv4Net.parse("10.231." + ((start + i) % 256) + ".0/24");
      if (HostSubnets.pickFree(List.of(c), inUse).isPresent()) {
        out.add(c.toString());
      }
    }
    assertThat(out).as("free /24s in 10.231.0.0/16").hasSize(n);
    return out;
  }

  static String newNetns() {
    String name = "tessera-it-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Host.run("ip", "netns", "add", name);
    namespaces.add(name);
    return name;
  }

  static int freePort() {
    return 20000 + ThreadLocalRandom.current().nextInt(20000);
  }

  /** Serves a random token over HTTP from inside {@code ns}; stopped after the test. */
  static String serveToken(String ns, int port) throws IOException {
    String token = "tessera-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    Path www = Files.createDirectories(tmp.resolve("www-" + ns));
    Files.writeString(www.resolve("token"), token);
    Process p =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                ns,
                "/bin/busybox",
                "httpd",
                "-f",
                "-p",
                String.valueOf(port),
                "-h",
                www.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    processes.add(p);
    return token;
  }

  /** A raw HTTP/1.0 GET with busybox nc (busybox wget crashes on these hosts); null ns = host. */
  static String httpGet(String ns, String ip, int port) {
    List<String> cmd = new ArrayList<>();
    if (ns != null) {
      cmd.addAll(List.of("ip", "netns", "exec", ns));
    }
    cmd.addAll(List.of("/bin/busybox", "nc", "-w", "2", ip, String.valueOf(port)));
    return Host.execWithInput("GET /token HTTP/1.0\r\n\r\n", cmd.toArray(String[]::new)).out();
  }

  static String hostInterface(PodNetworkResult r, String prefix) {
    return r.hostInterfaces().stream()
        .map(CniResult.Interface::name)
        .filter(n -> n.startsWith(prefix))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no host interface " + prefix + "* in " + r));
  }

  static String masqChainHash(List<String> natLines) {
    return natLines.stream()
        .filter(l -> l.startsWith("-A POSTROUTING"))
        .map(l -> l.replaceAll(".*-j CNI-([0-9a-f]+).*", "$1"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no masquerade jump in " + natLines));
  }

  /** Removes bridge's per-pod masquerade rules, which it leaves when DEL runs without netns. */
  static void dropBridgeMasqRules(String containerId) {
    dropRules("POSTROUTING", "id: \\\"" + containerId + "\\\"");
  }

  /**
   * Deletes the rules of {@code chain} whose printed form mentions this run's network and {@code
   * needle}, and the per-pod chains they jump to: what a test that died mid-way leaves.
   */
  static void dropRules(String chain, String needle) {
    if (Host.exec("iptables", "-t", "nat", "-S", chain).exit() != 0) {
      return;
    }
    for (String l : Host.lines(Host.run("iptables", "-t", "nat", "-S", chain))) {
      if (!l.startsWith("-A ") || !l.contains(NETWORK) || !l.contains(needle)) {
        continue;
      }
      List<String> args = new ArrayList<>(List.of("iptables", "-t", "nat", "-D"));
      List<String> words = iptablesWords(l);
      args.addAll(words.subList(1, words.size()));
      Host.run(args.toArray(String[]::new));
      String target = words.get(words.indexOf("-j") + 1);
      if (target.startsWith("CNI-") && !target.startsWith("CNI-HOSTPORT")) {
        Host.exec("iptables", "-t", "nat", "-F", target);
        Host.exec("iptables", "-t", "nat", "-X", target);
      }
    }
  }

  /** portmap chains whose jump was never added (it failed first) DNAT into this run's subnets. */
  static void dropOrphanedDnatChains() {
    for (String l : Host.lines(Host.run("iptables-save", "-t", "nat"))) {
      if (!l.startsWith(":CNI-DN-")) {
        continue;
      }
      String chain = l.substring(1, l.indexOf(' '));
      String rules = Host.run("iptables", "-t", "nat", "-S", chain);
      if (rules.contains("--to-destination " + prefixOf(subnet))
          || rules.contains("--to-destination " + prefixOf(podCidrSubnet))) {
        Host.exec("iptables", "-t", "nat", "-F", chain);
        Host.exec("iptables", "-t", "nat", "-X", chain);
      }
    }
  }

  /** Splits a line of {@code iptables -S} into arguments: words, and "..." with \" escapes. */
  static List<String> iptablesWords(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '\\' && i + 1 < line.length()) {
        w.append(line.charAt(++i));
      } else if (c == '"') {
        quoted = !quoted;
        inWord = true;
      } else if (c == ' ' && !quoted) {
        if (inWord) {
          out.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(w.toString());
    }
    return out;
  }

  static void dropSharedPortmapChains() {
    Host.exec(
        "iptables",
        "-t",
        "nat",
        "-D",
        "PREROUTING",
        "-m",
        "addrtype",
        "--dst-type",
        "LOCAL",
        "-j",
        "CNI-HOSTPORT-DNAT");
    Host.exec(
        "iptables",
        "-t",
        "nat",
        "-D",
        "OUTPUT",
        "-m",
        "addrtype",
        "--dst-type",
        "LOCAL",
        "-j",
        "CNI-HOSTPORT-DNAT");
    Host.exec(
        "iptables",
        "-t",
        "nat",
        "-D",
        "POSTROUTING",
        "-m",
        "comment",
        "--comment",
        "CNI portfwd requiring masquerade",
        "-j",
        "CNI-HOSTPORT-MASQ");
    for (String c : List.of("CNI-HOSTPORT-DNAT", "CNI-HOSTPORT-MASQ", "CNI-HOSTPORT-SETMARK")) {
      Host.exec("iptables", "-t", "nat", "-F", c);
      Host.exec("iptables", "-t", "nat", "-X", c);
    }
  }
}
