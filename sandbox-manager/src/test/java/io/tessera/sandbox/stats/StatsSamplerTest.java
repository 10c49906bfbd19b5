package io.tessera.sandbox.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.cgroup.CgroupUsage;
import io.tessera.kernel.cgroup.MemoryStat;
import io.tessera.kernel.net.InterfaceCounters;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StatsSamplerTest {
  private static CgroupUsage cpu(long nanos) {
    return new CgroupUsage(nanos, 0, OptionalLong.empty(), new MemoryStat(0, 0, 0, 0));
  }

  @Test
  void firstSampleHasNoRate() {
    var h =
        new StatsSampler.History(
            "c", null, new StatsSampler.Reading(10, 99, cpu(500)), Optional.empty(), 0);

    var s = h.toSample();

    assertThat(s.cpu().usageCoreNanos()).isEqualTo(500);
    assertThat(s.cpu().usageNanoCores()).isEmpty();
    assertThat(s.cpu().timestamp()).isEqualTo(99);
    assertThat(s.memory().timestamp()).isEqualTo(99);
  }

  @Test
  void rateComesFromTheLastTwoReadings() {
    var h =
        new StatsSampler.History(
            "c",
            new StatsSampler.Reading(1_000_000_000L, 0, cpu(0)),
            new StatsSampler.Reading(2_000_000_000L, 0, cpu(300_000_000L)),
            Optional.empty(),
            0);

    assertThat(h.toSample().cpu().usageNanoCores()).isEqualTo(OptionalLong.of(300_000_000L));
  }

  private static CgroupUsage pod(long cpuNanos, long usage, long inactiveFile) {
    return new CgroupUsage(
        cpuNanos, usage, OptionalLong.of(1000), new MemoryStat(inactiveFile, 40, 12, 1));
  }

  @Test
  void podSampleHasCgroupRateMemoryTasksAndNetwork() {
    var prev = new StatsSampler.Reading(1_000_000_000L, 5, pod(100_000_000L, 0, 0));
    var latestCgroup = new StatsSampler.Reading(1_500_000_000L, 42, pod(200_000_000L, 300, 100));
    var net =
        PodSandboxStatsSample.Network.of(43, List.of(new InterfaceCounters("eth0", 10, 0, 20, 0)));
    var h =
        new StatsSampler.PodHistory(
            "p",
            prev,
            new StatsSampler.PodReading(
                1_500_000_000L, 42, Optional.of(latestCgroup), OptionalLong.of(3)),
            Optional.of(net));

    PodSandboxStatsSample s = h.toSample();

    assertThat(s.podSandboxId()).isEqualTo("p");
    // 0.1 s of CPU in 0.5 s: a fifth of a core.
    assertThat(s.cpu().orElseThrow().usageNanoCores()).isEqualTo(OptionalLong.of(200_000_000L));
    assertThat(s.cpu().orElseThrow().usageCoreNanos()).isEqualTo(200_000_000L);
    assertThat(s.memory().orElseThrow().workingSetBytes()).isEqualTo(200);
    assertThat(s.memory().orElseThrow().availableBytes()).isEqualTo(OptionalLong.of(800));
    assertThat(s.memory().orElseThrow().rssBytes()).isEqualTo(40);
    assertThat(s.processes()).contains(new PodSandboxStatsSample.Processes(42, 3));
    assertThat(s.network()).contains(net);
  }

  @Test
  void podWhoseCgroupIsGoneHasNoCpuMemoryOrTasks() {
    var h =
        new StatsSampler.PodHistory(
            "p",
            null,
            new StatsSampler.PodReading(1, 2, Optional.empty(), OptionalLong.empty()),
            Optional.empty());

    PodSandboxStatsSample s = h.toSample();

    assertThat(s.cpu()).isEmpty();
    assertThat(s.memory()).isEmpty();
    assertThat(s.processes()).isEmpty();
    assertThat(s.network()).isEmpty();
  }

  @Test
  void firstPodSampleHasNoRate() {
    var r = new StatsSampler.Reading(10, 99, pod(500, 0, 0));
    var h =
        new StatsSampler.PodHistory(
            "p",
            null,
            new StatsSampler.PodReading(10, 99, Optional.of(r), OptionalLong.of(1)),
            Optional.empty());

    assertThat(h.toSample().cpu().orElseThrow().usageNanoCores()).isEmpty();
  }
}
