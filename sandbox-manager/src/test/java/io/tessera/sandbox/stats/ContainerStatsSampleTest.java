package io.tessera.sandbox.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.cgroup.CgroupUsage;
import io.tessera.kernel.cgroup.MemoryStat;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ContainerStatsSampleTest {
  private static final long MIB = 1 << 20;

  @Test
  void rateIsCpuDeltaOverWallDelta() {
    // Half a second of CPU in a quarter second of wall time: two cores busy.
    assertThat(ContainerStatsSample.Cpu.nanoCores(1_000_000_000L, 1_500_000_000L, 250_000_000L))
        .isEqualTo(OptionalLong.of(2_000_000_000L));
  }

  @Test
  void noRateWithoutElapsedTimeOrWhenTheCounterWentBack() {
    assertThat(ContainerStatsSample.Cpu.nanoCores(5, 10, 0)).isEmpty();
    assertThat(ContainerStatsSample.Cpu.nanoCores(10, 5, 1000)).isEmpty();
  }

  @Test
  void workingSetExcludesInactiveFileAndAvailableIsWhatTheLimitLeaves() {
    var u =
        new CgroupUsage(
            0, 100 * MIB, OptionalLong.of(256 * MIB), new MemoryStat(30 * MIB, 64 * MIB, 900, 4));

    var m = ContainerStatsSample.Memory.of(42, u);

    assertThat(m)
        .isEqualTo(
            new ContainerStatsSample.Memory(
                42, 100 * MIB, 70 * MIB, OptionalLong.of(186 * MIB), 64 * MIB, 900, 4));
  }

  @Test
  void workingSetAndAvailableNeverGoNegative() {
    var u = new CgroupUsage(0, 10, OptionalLong.of(5), new MemoryStat(20, 0, 0, 0));
    var m = ContainerStatsSample.Memory.of(1, u);
    assertThat(m.workingSetBytes()).isZero();
    assertThat(m.availableBytes()).isEqualTo(OptionalLong.of(5));

    var over = new CgroupUsage(0, 100, OptionalLong.of(50), new MemoryStat(0, 0, 0, 0));
    assertThat(ContainerStatsSample.Memory.of(1, over).availableBytes())
        .isEqualTo(OptionalLong.of(0));
  }

  @Test
  void noAvailableWithoutALimit() {
    var u = new CgroupUsage(0, 10, OptionalLong.empty(), new MemoryStat(0, 0, 0, 0));
    assertThat(ContainerStatsSample.Memory.of(1, u).availableBytes()).isEmpty();
  }
}
