package io.tessera.sandbox.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.cgroup.CgroupUsage;
import io.tessera.kernel.cgroup.MemoryStat;
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
}
