package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.ContainerStats;
import io.tessera.cri.v1.ContainerStatsFilter;
import io.tessera.cri.v1.ContainerStatsRequest;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.ListContainerStatsRequest;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ContainerStats and ListContainerStats through the real daemon and runc, checked against the
 * cgroup v1 files of the containers.
 */
class StatsIT {
  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  private static final long MIB = 1 << 20;

  /**
   * Holds a 64 MiB shell variable, then idles. The command after sleep keeps the shell alive:
   * busybox sh execs the last command of -c in its own place, which would drop the variable.
   */
  private static final String[] HOLD_64_MIB = {
    "sh", "-c", "x=$(head -c 67108864 /dev/zero | tr '\\0' a); sleep 1000; echo ${#x}"
  };

  private static final String[] BURN_CPU = {"sh", "-c", "while :; do :; done"};

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private record Pod(String id, PodSandboxConfig config) {}

  private Pod runPod(String name) {
    PodSandboxConfig config = CriRequests.podSandbox(name, busybox.logs()).build();
    String id = busybox.runPod(config);
    return new Pod(id, config);
  }

  private static String runContainer(Pod pod, String name, String... cmd) {
    return busybox.runContainer(
        pod.id(),
        pod.config(),
        CriRequests.container(name, busybox.image(), cmd).putLabels("app", name));
  }

  private static ContainerStats stats(String id) {
    return rt().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build())
        .getStats();
  }

  private static long hostPid(String id) {
    String info =
        rt().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build())
            .getInfoMap()
            .get("info");
    return Long.parseLong(info.replaceAll("(?s).*\"pid\":(\\d+).*", "$1"));
  }

  /** A cgroup v1 file of {@code controller} for the container's init process, as a number. */
  private static long cgroupValue(String id, String controller, String file) throws Exception {
    String path =
        Files.readAllLines(Path.of("/proc/" + hostPid(id) + "/cgroup")).stream()
            .map(l -> l.split(":", 3))
            .filter(f -> Arrays.asList(f[1].split(",")).contains(controller))
            .map(f -> f[2])
            .findFirst()
            .orElseThrow();
    return Long.parseLong(
        Files.readString(Path.of("/sys/fs/cgroup/" + controller + path, file)).trim());
  }

  @Test
  void memoryHeldByAContainerShowsInItsWorkingSetAndMatchesItsCgroup() throws Exception {
    Pod pod = runPod("stats-mem");
    String ctr = runContainer(pod, "hold", HOLD_64_MIB);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(stats(ctr).getMemory().getWorkingSetBytes().getValue())
                    .isBetween(60 * MIB, 200 * MIB));

    ContainerStats s = stats(ctr);
    assertThat(s.getAttributes().getId()).isEqualTo(ctr);
    assertThat(s.getAttributes().getMetadata().getName()).isEqualTo("hold");
    assertThat(s.getAttributes().getLabelsMap()).containsEntry("app", "hold");
    assertThat(s.getMemory().getUsageBytes().getValue())
        .isGreaterThanOrEqualTo(s.getMemory().getWorkingSetBytes().getValue());
    assertThat(s.getMemory().getRssBytes().getValue()).isGreaterThan(60 * MIB);
    assertThat(s.getMemory().getPageFaults().getValue()).isPositive();
    assertThat(s.getMemory().getTimestamp()).isPositive();
    assertThat(s.hasWritableLayer()).isTrue();
    assertThat(s.getWritableLayer().getFsId().getMountpoint()).startsWith("/");
    assertThat(s.getWritableLayer().getInodesUsed().getValue()).isPositive();

    // The shell now only sleeps, so its counters hold still between the sample and our read.
    long cpuFile = cgroupValue(ctr, "cpuacct", "cpuacct.usage");
    long memFile = cgroupValue(ctr, "memory", "memory.usage_in_bytes");
    s = stats(ctr);
    assertThat((double) s.getCpu().getUsageCoreNanoSeconds().getValue())
        .isBetween(cpuFile * 0.9, cpuFile * 1.1);
    assertThat((double) s.getMemory().getUsageBytes().getValue())
        .isBetween(memFile * 0.9, memFile * 1.1);
  }

  @Test
  void aBusyContainerShowsItsCpuRate() {
    Pod pod = runPod("stats-cpu");
    String ctr = runContainer(pod, "burn", BURN_CPU);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(stats(ctr).getCpu().getUsageNanoCores().getValue())
                    .isGreaterThan(300_000_000L));
    assertThat(stats(ctr).getCpu().getUsageCoreNanoSeconds().getValue()).isPositive();
  }

  @Test
  void listFiltersByPodAndLabelAndUnknownIdIsNotFound() {
    Pod a = runPod("stats-a");
    Pod b = runPod("stats-b");
    String a1 = runContainer(a, "a1", "sleep", "1000");
    String a2 = runContainer(a, "a2", "sleep", "1000");
    String b1 = runContainer(b, "b1", "sleep", "1000");

    List<String> ofA =
        rt()
            .listContainerStats(
                ListContainerStatsRequest.newBuilder()
                    .setFilter(ContainerStatsFilter.newBuilder().setPodSandboxId(a.id()))
                    .build())
            .getStatsList()
            .stream()
            .map(s -> s.getAttributes().getId())
            .toList();
    assertThat(ofA).containsExactlyInAnyOrder(a1, a2);

    List<String> labelled =
        rt()
            .listContainerStats(
                ListContainerStatsRequest.newBuilder()
                    .setFilter(ContainerStatsFilter.newBuilder().putLabelSelector("app", "b1"))
                    .build())
            .getStatsList()
            .stream()
            .map(s -> s.getAttributes().getId())
            .toList();
    assertThat(labelled).containsExactly(b1);

    assertThat(
            rt()
                .listContainerStats(ListContainerStatsRequest.getDefaultInstance())
                .getStatsList()
                .stream()
                .map(s -> s.getAttributes().getId()))
        .contains(a1, a2, b1);

    String unknown = "0".repeat(64);
    try {
      stats(unknown);
      throw new AssertionError("ContainerStats of an unknown id succeeded");
    } catch (StatusRuntimeException e) {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }
  }
}
