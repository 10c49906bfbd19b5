package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.DNSConfig;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.ListPodSandboxRequest;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxStatusRequest;
import io.tessera.cri.v1.PortMapping;
import io.tessera.cri.v1.Protocol;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeCondition;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StatusRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pod networking through CNI with the default network the daemon installs (bridge, host-local,
 * portmap, bandwidth from /usr/lib/cni). The daemon's {@code [cni] conf_dir} names a dir under its
 * own root that does not exist, so the host's /etc/cni/net.d is never read and the default network
 * is written into {@code <root>/cni/net.d}; the subnet is the first candidate no host route uses.
 */
class NetworkIT {
  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon =
      new TesseraDaemonExtension(List.of(), NetworkIT::config);

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  static String config(DaemonDirs dirs) {
    return "metrics_address = \"\"\n[cni]\nconf_dir = \""
        + dirs.root().resolve("cni/admin.d")
        + "\"\n";
  }

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private static String runPod(PodSandboxConfig config) {
    return rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
        .getPodSandboxId();
  }

  private static String podIp(String pod) {
    return rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).build())
        .getStatus()
        .getNetwork()
        .getIp();
  }

  /** A started container running {@code sh -c script}. */
  private static String startContainer(String pod, PodSandboxConfig podConfig, String script) {
    String id =
        rt().createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(pod)
                    .setConfig(CriRequests.container("c", busybox.image(), "sh", "-c", script))
                    .setSandboxConfig(podConfig)
                    .build())
            .getContainerId();
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  private static ExecSyncResponse exec(String id, String... cmd) {
    return rt().execSync(
            ExecSyncRequest.newBuilder()
                .setContainerId(id)
                .addAllCmd(List.of(cmd))
                .setTimeout(20)
                .build());
  }

  private static String out(String id, String... cmd) {
    ExecSyncResponse r = exec(id, cmd);
    assertThat(r.getExitCode()).as("exit of %s: %s", List.of(cmd), r.getStderr()).isZero();
    return r.getStdout().toStringUtf8();
  }

  private static void removePod(String pod) {
    rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
  }

  /** Answers "hi" on each TCP connection to port 8080, forever. */
  private static final String SERVE_HI = "while true; do busybox nc -l -p 8080 -e echo hi; done";

  private static String readFrom(String host, int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 2000);
      s.setSoTimeout(5000);
      try (InputStream in = s.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  private static RuntimeCondition networkCondition(
      RuntimeServiceGrpc.RuntimeServiceBlockingStub s) {
    return s.status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList().stream()
        .filter(c -> c.getType().equals("NetworkReady"))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void networkIsReadyWithTheDefaultNetwork() throws Exception {
    RuntimeCondition c = networkCondition(rt());
    assertThat(c.getStatus()).as(c.getMessage()).isTrue();
    assertThat(daemon.dirs().root().resolve("cni/net.d/10-tessera.conflist")).exists();
    assertThat(daemon.dirs().root().resolve("cni/admin.d")).doesNotExist();
  }

  @Test
  void podGetsAnIpv4AddressItsContainerSeesAndOthersReach() throws Exception {
    PodSandboxConfig aConfig = CriRequests.podSandbox("net-a", busybox.logs()).build();
    PodSandboxConfig bConfig = CriRequests.podSandbox("net-b", busybox.logs()).build();
    String a = runPod(aConfig);
    String b = runPod(bConfig);
    try {
      String ipA = podIp(a);
      String ipB = podIp(b);
      assertThat(ipA).matches("\\d+\\.\\d+\\.\\d+\\.\\d+").isNotEqualTo(ipB);
      String server = startContainer(a, aConfig, SERVE_HI);
      String client = startContainer(b, bConfig, "exec sleep 1000");

      assertThat(out(server, "cat", "/proc/net/fib_trie")).contains(ipA);
      assertThat(out(server, "busybox", "ip", "-4", "-o", "addr", "show", "eth0"))
          .contains("inet " + ipA + "/");
      assertThat(out(server, "cat", "/etc/hosts")).contains(ipA + "\tnet-a");

      // Pod to pod.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(out(client, "busybox", "nc", "-w", "3", ipA, "8080"))
                      .isEqualTo("hi\n"));
      // Host to pod.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(readFrom(ipA, 8080)).isEqualTo("hi\n"));
    } finally {
      removePod(a);
      removePod(b);
    }
  }

  /**
   * portmap DNATs in PREROUTING and, for connections from the host itself, in OUTPUT for local
   * destination addresses; 127.0.0.1 would need route_localnet, so the host's own non-loopback
   * address is used.
   */
  @Test
  void hostPortIsPublishedOnTheHostsAddress() throws Exception {
    int hostPort = 31000 + (int) (ProcessHandle.current().pid() % 1000);
    PodSandboxConfig config =
        CriRequests.podSandbox("net-hostport", busybox.logs()).build().toBuilder()
            .addPortMappings(
                PortMapping.newBuilder()
                    .setProtocol(Protocol.TCP)
                    .setContainerPort(8080)
                    .setHostPort(hostPort))
            .build();
    String pod = runPod(config);
    try {
      startContainer(pod, config, SERVE_HI);
      String hostIp = hostAddress();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(readFrom(hostIp, hostPort)).isEqualTo("hi\n"));
    } finally {
      removePod(pod);
    }
    assertThat(natRules()).doesNotContain("--dport " + hostPort + " ");
  }

  /**
   * UDP hostPort. The test image's busybox has no UDP listener, so the echo server runs in the
   * pod's network namespace (which its containers share) as a small Java program under nsenter.
   */
  @Test
  void udpHostPortIsPublishedOnTheHostsAddress() throws Exception {
    int hostPort = 32000 + (int) (ProcessHandle.current().pid() % 1000);
    PodSandboxConfig config =
        CriRequests.podSandbox("net-udp", busybox.logs()).build().toBuilder()
            .addPortMappings(
                PortMapping.newBuilder()
                    .setProtocol(Protocol.UDP)
                    .setContainerPort(9999)
                    .setHostPort(hostPort))
            .build();
    String pod = runPod(config);
    Path echo = Files.createTempDirectory("udp-echo").resolve("UdpEcho.java");
    Files.writeString(
        echo,
        """
        public class UdpEcho {
          public static void main(String[] a) throws Exception {
            try (var s = new java.net.DatagramSocket(9999)) {
              var p = new java.net.DatagramPacket(new byte[512], 512);
              while (true) {
                s.receive(p);
                s.send(new java.net.DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
              }
            }
          }
        }
        """);
    String java = ProcessHandle.current().info().command().orElse("java");
    Process server =
        new ProcessBuilder("nsenter", "--net=" + netnsOf(pod), java, echo.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String hostIp = hostAddress();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () -> assertThat(udpRoundTrip(hostIp, hostPort, "ping")).isEqualTo("ping"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      server.destroyForcibly().waitFor();
      throw new AssertionError(
          "no UDP echo; server said: "
              + new String(server.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
              + "\nnat:\n"
              + natRules(),
          e);
    } finally {
      server.destroyForcibly().waitFor();
      Files.delete(echo);
      Files.delete(echo.getParent());
      removePod(pod);
    }
    assertThat(natRules()).doesNotContain("--dport " + hostPort + " ");
  }

  private static String udpRoundTrip(String host, int port, String text) throws IOException {
    try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
      s.setSoTimeout(1000);
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      s.send(new java.net.DatagramPacket(b, b.length, InetAddress.getByName(host), port));
      java.net.DatagramPacket r = new java.net.DatagramPacket(new byte[512], 512);
      s.receive(r);
      return new String(r.getData(), 0, r.getLength(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void dnsConfigLandsInResolvConf() {
    PodSandboxConfig config =
        CriRequests.podSandbox("net-dns", busybox.logs()).build().toBuilder()
            .setDnsConfig(
                DNSConfig.newBuilder()
                    .addServers("10.96.0.10")
                    .addSearches("e2e.svc.cluster.local")
                    .addOptions("ndots:5"))
            .build();
    String pod = runPod(config);
    try {
      String ctr = startContainer(pod, config, "exec sleep 1000");
      assertThat(out(ctr, "cat", "/etc/resolv.conf"))
          .contains("nameserver 10.96.0.10")
          .contains("search e2e.svc.cluster.local")
          .contains("options ndots:5");
    } finally {
      removePod(pod);
    }
  }

  @Test
  void hostNetworkPodSeesTheHostsInterfacesAndGetsNoCni() throws Exception {
    PodSandboxConfig config =
        CriRequests.podSandbox("net-host", busybox.logs()).withHostNetwork().build();
    Set<String> vethsBefore = linkNames();
    String pod = runPod(config);
    try {
      assertThat(podIp(pod)).isEmpty();
      String ctr = startContainer(pod, config, "exec sleep 1000");
      Set<String> inside =
          new TreeSet<>(List.of(out(ctr, "ls", "/sys/class/net").trim().split("\\s+")));
      try (Stream<Path> s = Files.list(Path.of("/sys/class/net"))) {
        assertThat(inside)
            .isEqualTo(
                s.map(p -> p.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new)));
      }
      assertThat(linkNames()).isEqualTo(vethsBefore);
    } finally {
      removePod(pod);
    }
  }

  @Test
  void bandwidthAnnotationsShapeTheHostVeth() throws Exception {
    PodSandboxConfig config =
        CriRequests.podSandbox("net-bw", busybox.logs()).build().toBuilder()
            .putAnnotations("kubernetes.io/ingress-bandwidth", "1M")
            .putAnnotations("kubernetes.io/egress-bandwidth", "1M")
            .build();
    String pod = runPod(config);
    try {
      String link = sh("nsenter", "--net=" + netnsOf(pod), "ip", "-o", "link", "show", "eth0");
      String peer = link.replaceAll("(?s)^\\d+: eth0@if(\\d+):.*", "$1");
      assertThat(peer).as(link).matches("\\d+");
      String hostLink = sh("ip", "-o", "link");
      String veth =
          hostLink
              .lines()
              .filter(l -> l.startsWith(peer + ": "))
              .map(l -> l.split(":\\s+")[1].replaceAll("@.*", ""))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no host link " + peer + " in " + hostLink));
      assertThat(sh("tc", "qdisc", "show", "dev", veth)).contains("tbf");
    } finally {
      removePod(pod);
    }
  }

  @Test
  void fiftyPodsLeaveNoAddressesLinksOrNatRules() throws Exception {
    // One pod first, so that the bridge and portmap's base chains exist in both snapshots.
    removePod(runPod(CriRequests.podSandbox("net-warm", busybox.logs()).build()));
    Path store = daemon.dirs().root().resolve("cni/networks");
    Set<String> storeBefore = listing(store);
    Set<String> linksBefore = linkNames();
    String natBefore = natRules();

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String name = "net-many-" + i;
        done.add(
            pool.submit(
                () -> {
                  String pod = runPod(CriRequests.podSandbox(name, busybox.logs()).build());
                  assertThat(podIp(pod)).isNotEmpty();
                  removePod(pod);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(listing(store)).isEqualTo(storeBefore);
    assertThat(linkNames()).isEqualTo(linksBefore);
    assertThat(natRules()).isEqualTo(natBefore);
    assertThat(rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
        .isEmpty();
  }

  @Test
  void brokenCniConfigMakesNetworkNotReadyAndPodsFailCleanly() throws Exception {
    DaemonDirs dirs = DaemonDirs.create();
    Path confDir = Files.createDirectories(dirs.root().resolve("cni/admin.d"));
    Files.writeString(confDir.resolve("10-broken.conflist"), "{ \"cniVersion\": \"1.0.0\", ");
    Files.writeString(dirs.config(), config(dirs));
    TesseraProcess p = TesseraProcess.start(dirs, List.of()).awaitServing();
    List<String> problems = new ArrayList<>();
    try (CriClient client = CriClient.connect(dirs.socket())) {
      RuntimeCondition c = networkCondition(client.runtime());
      assertThat(c.getStatus()).isFalse();
      assertThat(c.getReason()).isEqualTo("NetworkPluginNotReady");
      assertThat(c.getMessage()).contains("10-broken.conflist");

      assertThatThrownBy(
              () ->
                  client
                      .runtime()
                      .runPodSandbox(
                          RunPodSandboxRequest.newBuilder()
                              .setConfig(
                                  CriRequests.podSandbox("net-broken", busybox.logs()).build())
                              .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                assertThat(e.getStatus().getDescription()).contains("net-broken");
              });
      assertThat(
              client
                  .runtime()
                  .listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                  .getItemsList())
          .isEmpty();
      problems.addAll(Leaks.mountsUnder(dirs.base()));
      assertThat(listing(dirs.state().resolve("pods"))).isEmpty();
      assertThat(confDir.resolve("10-broken.conflist")).exists();
      assertThat(dirs.root().resolve("cni/net.d")).doesNotExist();
    } finally {
      int code = p.terminate();
      assertThat(code).isZero();
      problems.addAll(Leaks.mountsUnder(dirs.base()));
      problems.addAll(Leaks.processesMentioning(dirs.base()));
      problems.addAll(p.errorLines());
      if (problems.isEmpty()) {
        dirs.delete();
      }
    }
    assertThat(problems).isEmpty();
  }

  // ---- host facts

  private static Path netnsOf(String pod) throws IOException {
    try (Stream<Path> s = Files.walk(daemon.dirs().state())) {
      return s.filter(p -> p.toString().contains(pod) && p.getFileName().toString().equals("net"))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no pinned netns for pod " + pod));
    }
  }

  private static Set<String> listing(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Collections.emptySet();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.map(p -> dir.relativize(p).toString())
          .filter(n -> !n.isEmpty())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Set<String> linkNames() throws Exception {
    return sh("ip", "-o", "link")
        .lines()
        .map(l -> l.split(":\\s+")[1].replaceAll("@.*", ""))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The nat table without counters, so that two snapshots compare by rules only. */
  private static String natRules() throws Exception {
    return sh("iptables-save", "-t", "nat")
        .lines()
        .filter(l -> !l.startsWith("#"))
        .map(l -> l.replaceAll("\\[\\d+:\\d+\\]", ""))
        .collect(Collectors.joining("\n"));
  }

  /** An IPv4 address of this host that is not loopback nor on a pod bridge or veth. */
  private static String hostAddress() throws Exception {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp()
          || nif.isLoopback()
          || nif.getName().startsWith("veth")
          || nif.getName().startsWith("tessera")) {
        continue;
      }
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return a.getHostAddress();
        }
      }
    }
    throw new AssertionError("no non-loopback IPv4 address on this host");
  }

  private static String sh(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("%s: %s", List.of(cmd), out).isZero();
    return out;
  }
}
