package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.ContainerStats;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.ListPodSandboxStatsRequest;
import io.tessera.cri.v1.NetworkInterfaceUsage;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxStats;
import io.tessera.cri.v1.PodSandboxStatsFilter;
import io.tessera.cri.v1.PodSandboxStatsRequest;
import io.tessera.cri.v1.PodSandboxStatusRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StopPodSandboxRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PodSandboxStats and ListPodSandboxStats through the real daemon (sampling every second), checked
 * against the pod's cgroup v1 files and the kernel's interface counters of its network namespace.
 */
class PodSandboxStatsIT {
  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  private static final long MIB = 1 << 20;

  /** Holds a 16 MiB shell variable, then idles (see StatsIT for why the echo is there). */
  private static final String[] HOLD_16_MIB = {
    "sh", "-c", "x=$(head -c 16777216 /dev/zero | tr '\\0' a); sleep 1000; echo ${#x}"
  };

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private record Pod(String id, PodSandboxConfig config) {}

  private Pod runPod(CriRequests.PodBuilder builder) {
    PodSandboxConfig config = builder.build();
    String id = busybox.runPod(config);
    return new Pod(id, config);
  }

  private Pod runPod(String name) {
    return runPod(CriRequests.podSandbox(name, busybox.logs()).withLabel("stats-it", name));
  }

  private static String runContainer(Pod pod, String name, String... cmd) {
    return busybox.runContainer(
        pod.id(),
        pod.config(),
        CriRequests.container(name, busybox.image(), cmd).putLabels("app", name));
  }

  private static PodSandboxStats stats(String podId) {
    return rt().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(podId).build())
        .getStats();
  }

  private static List<String> listIds(PodSandboxStatsFilter.Builder filter) {
    return rt()
        .listPodSandboxStats(ListPodSandboxStatsRequest.newBuilder().setFilter(filter).build())
        .getStatsList()
        .stream()
        .map(s -> s.getAttributes().getId())
        .toList();
  }

  /** The pod's cgroup path, from its verbose status. */
  private static String podCgroup(String podId) {
    String info =
        rt().podSandboxStatus(
                PodSandboxStatusRequest.newBuilder()
                    .setPodSandboxId(podId)
                    .setVerbose(true)
                    .build())
            .getInfoMap()
            .get("info");
    return info.replaceAll("(?s).*\"cgroupPath\":\"([^\"]+)\".*", "$1");
  }

  private static Path cgroupDir(String controller, String cgroup) {
    return Path.of("/sys/fs/cgroup/" + controller + cgroup);
  }

  private static long cgroupValue(String controller, String cgroup, String file)
      throws IOException {
    return Long.parseLong(Files.readString(cgroupDir(controller, cgroup).resolve(file)).trim());
  }

  private static Map<String, Long> memoryStat(String cgroup) throws IOException {
    Map<String, Long> m = new HashMap<>();
    for (String line : Files.readAllLines(cgroupDir("memory", cgroup).resolve("memory.stat"))) {
      String[] f = line.split(" ");
      m.put(f[0], Long.parseLong(f[1]));
    }
    return m;
  }

  /** Processes listed in the cgroup.procs files of the pod's pids cgroup and below. */
  private static long procsInSubtree(String cgroup) throws IOException {
    long n = 0;
    try (Stream<Path> dirs = Files.walk(cgroupDir("pids", cgroup))) {
      for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
        n +=
            Files.readAllLines(d.resolve("cgroup.procs")).stream()
                .filter(l -> !l.isBlank())
                .count();
      }
    }
    return n;
  }

  private static void assertWithinTenPercent(String what, long actual, long expected) {
    assertThat((double) actual).as(what).isBetween(expected * 0.9, expected * 1.1);
  }

  @Test
  void twoContainerPodMatchesItsCgroupFiles() throws Exception {
    Pod pod = runPod("pstats-two");
    String hold = runContainer(pod, "hold", HOLD_16_MIB);
    String idle = runContainer(pod, "idle", "sleep", "1000");
    String cgroup = podCgroup(pod.id());

    // Until the holder has its 16 MiB and only sh + sleep + sleep are left; the sampler then
    // catches up with the files within a round.
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              PodSandboxStats s = stats(pod.id());
              var linux = s.getLinux();
              assertThat(linux.getMemory().getRssBytes().getValue()).isGreaterThan(16 * MIB);
              long pidsFile = cgroupValue("pids", cgroup, "pids.current");
              assertThat(pidsFile).isEqualTo(3);
              assertThat(linux.getProcess().getProcessCount().getValue()).isEqualTo(pidsFile);
              assertThat(procsInSubtree(cgroup)).isEqualTo(pidsFile);
              assertThat(linux.getCpu().hasUsageNanoCores()).isTrue();
            });

    // Counters that hold still now that the pod only sleeps; retried in case a round was between.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var linux = stats(pod.id()).getLinux();
              long usage = cgroupValue("memory", cgroup, "memory.usage_in_bytes");
              Map<String, Long> stat = memoryStat(cgroup);
              assertWithinTenPercent(
                  "cpu",
                  linux.getCpu().getUsageCoreNanoSeconds().getValue(),
                  cgroupValue("cpuacct", cgroup, "cpuacct.usage"));
              assertWithinTenPercent("usage", linux.getMemory().getUsageBytes().getValue(), usage);
              assertWithinTenPercent(
                  "working set",
                  linux.getMemory().getWorkingSetBytes().getValue(),
                  usage - stat.get("total_inactive_file"));
              assertWithinTenPercent(
                  "rss", linux.getMemory().getRssBytes().getValue(), stat.get("total_rss"));
              assertWithinTenPercent(
                  "page faults",
                  linux.getMemory().getPageFaults().getValue(),
                  stat.get("total_pgfault"));
              assertThat(linux.getMemory().getMajorPageFaults().getValue())
                  .isLessThanOrEqualTo(stat.get("total_pgmajfault"));
            });

    PodSandboxStats s = stats(pod.id());
    assertThat(s.getAttributes().getId()).isEqualTo(pod.id());
    assertThat(s.getAttributes().getMetadata().getName()).isEqualTo("pstats-two");
    assertThat(s.getAttributes().getMetadata().getNamespace()).isEqualTo("e2e");
    assertThat(s.getAttributes().getLabelsMap()).containsEntry("stats-it", "pstats-two");
    assertThat(s.getLinux().getCpu().getTimestamp()).isPositive();
    assertThat(s.getLinux().getMemory().hasAvailableBytes()).as("no pod memory limit").isFalse();
    assertThat(s.getLinux().getContainersList())
        .extracting(c -> c.getAttributes().getId())
        .containsExactlyInAnyOrder(hold, idle);
    ContainerStats holdStats =
        s.getLinux().getContainersList().stream()
            .filter(c -> c.getAttributes().getId().equals(hold))
            .findFirst()
            .orElseThrow();
    assertThat(holdStats.getAttributes().getMetadata().getName()).isEqualTo("hold");
    assertThat(holdStats.getMemory().getWorkingSetBytes().getValue()).isGreaterThan(16 * MIB);
    assertThat(holdStats.getMemory().getPageFaults().getValue()).isPositive();

    // A limit on the pod cgroup makes available = limit - working set.
    long limit = 256 * MIB;
    Files.writeString(cgroupDir("memory", cgroup).resolve("memory.limit_in_bytes"), "" + limit);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var memory = stats(pod.id()).getLinux().getMemory();
              assertThat(memory.hasAvailableBytes()).isTrue();
              assertThat(memory.getAvailableBytes().getValue())
                  .isEqualTo(limit - memory.getWorkingSetBytes().getValue());
            });
  }

  private static long hostPid(String ctr) {
    String info =
        rt().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(ctr).setVerbose(true).build())
            .getInfoMap()
            .get("info");
    return Long.parseLong(info.replaceAll("(?s).*\"pid\":(\\d+).*", "$1"));
  }

  /** eth0's rx and tx bytes as the container's own /proc/PID/net/dev shows them. */
  private static long[] eth0FromProc(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/net/dev"))) {
      if (line.trim().startsWith("eth0:")) {
        String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[8])};
      }
    }
    throw new AssertionError("no eth0 in /proc/" + pid + "/net/dev");
  }

  @Test
  void networkCountersComeFromThePodsNetnsAndGrowWithTraffic() throws Exception {
    Pod pod = runPod("pstats-net");
    String ctr = runContainer(pod, "pinger", "sleep", "1000");

    await().atMost(Duration.ofSeconds(30)).until(() -> stats(pod.id()).getLinux().hasNetwork());
    var before = stats(pod.id()).getLinux().getNetwork();
    assertThat(before.getTimestamp()).isPositive();
    NetworkInterfaceUsage eth0Before = before.getDefaultInterface();
    assertThat(eth0Before.getName()).isEqualTo("eth0");
    assertThat(before.getInterfacesList())
        .extracting(NetworkInterfaceUsage::getName)
        .doesNotContain("lo", "eth0");
    long[] kernel = eth0FromProc(hostPid(ctr));
    assertThat(eth0Before.getRxBytes().getValue()).isLessThanOrEqualTo(kernel[0]);
    assertThat(eth0Before.getTxBytes().getValue()).isLessThanOrEqualTo(kernel[1]);

    // Five 1400-byte pings to the bridge (the pod's default gateway), answered by the host.
    ExecSyncResponse ping =
        rt().execSync(
                ExecSyncRequest.newBuilder()
                    .setContainerId(ctr)
                    .addAllCmd(
                        List.of(
                            "sh",
                            "-c",
                            "ping -c 5 -i 0.2 -s 1400 $(ip route | awk '/^default/ {print $3}')"))
                    .setTimeout(30)
                    .build());
    assertThat(ping.getExitCode()).as(ping.getStderr().toStringUtf8()).isZero();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              NetworkInterfaceUsage eth0 =
                  stats(pod.id()).getLinux().getNetwork().getDefaultInterface();
              assertThat(eth0.getTxBytes().getValue())
                  .isGreaterThanOrEqualTo(eth0Before.getTxBytes().getValue() + 5 * 1400);
              assertThat(eth0.getRxBytes().getValue())
                  .isGreaterThanOrEqualTo(eth0Before.getRxBytes().getValue() + 5 * 1400);
              assertThat(eth0.getRxErrors().getValue()).isZero();
              assertThat(eth0.getTxErrors().getValue()).isZero();
            });
    NetworkInterfaceUsage eth0 = stats(pod.id()).getLinux().getNetwork().getDefaultInterface();
    long[] after = eth0FromProc(hostPid(ctr));
    assertThat(eth0.getRxBytes().getValue()).isLessThanOrEqualTo(after[0]);
    assertThat(eth0.getTxBytes().getValue()).isLessThanOrEqualTo(after[1]);
  }

  @Test
  void aHostNetworkPodHasNoNetworkStats() {
    Pod pod = runPod(CriRequests.podSandbox("pstats-host", busybox.logs()).withHostNetwork());
    runContainer(pod, "idle", "sleep", "1000");

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var linux = stats(pod.id()).getLinux();
              assertThat(linux.getProcess().getProcessCount().getValue()).isEqualTo(1);
              assertThat(linux.hasCpu()).isTrue();
            });
    assertThat(stats(pod.id()).getLinux().hasNetwork()).isFalse();
  }

  @Test
  void listFiltersByIdAndLabelKeepsOnlyReadyPodsAndUnknownIdIsNotFound() {
    Pod a = runPod(CriRequests.podSandbox("pstats-a", busybox.logs()).withLabel("group", "x"));
    Pod b = runPod(CriRequests.podSandbox("pstats-b", busybox.logs()).withLabel("group", "y"));
    Pod c = runPod(CriRequests.podSandbox("pstats-c", busybox.logs()).withLabel("group", "x"));
    rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(c.id()).build());

    List<String> all = listIds(PodSandboxStatsFilter.newBuilder());
    assertThat(all).contains(a.id(), b.id()).doesNotContain(c.id());
    assertThat(listIds(PodSandboxStatsFilter.newBuilder().setId(b.id()))).containsExactly(b.id());
    assertThat(listIds(PodSandboxStatsFilter.newBuilder().putLabelSelector("group", "x")))
        .containsExactly(a.id());
    assertThat(
            listIds(
                PodSandboxStatsFilter.newBuilder().setId(b.id()).putLabelSelector("group", "x")))
        .isEmpty();

    PodSandboxStats stopped = stats(c.id());
    assertThat(stopped.getAttributes().getId()).isEqualTo(c.id());
    assertThat(stopped.getAttributes().getLabelsMap()).containsEntry("group", "x");
    assertThat(stopped.getLinux().hasCpu()).isFalse();
    assertThat(stopped.getLinux().hasNetwork()).isFalse();

    String unknown = "0".repeat(64);
    try {
      stats(unknown);
      throw new AssertionError("PodSandboxStats of an unknown id succeeded");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
  }

  @Test
  void theDaemonSamplesOnAThreadOfItsOwn() throws IOException {
    assertThat(DaemonThreads.names(daemon.process().pid())).contains("stats-sampler");
  }
}
