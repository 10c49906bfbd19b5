package io.tessera.sandbox.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.cgroup.CgroupResources;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.LinuxPodSandboxConfig;
import io.tessera.sandbox.model.LinuxSandboxSecurityContext;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodCgroupLimitsTest {
  private static final long MIB = 1 << 20;

  private static LinuxPodSandboxConfig pod(
      Optional<LinuxContainerResources> overhead, Optional<LinuxContainerResources> resources) {
    return new LinuxPodSandboxConfig(
        "", LinuxSandboxSecurityContext.DEFAULT, Map.of(), overhead, resources);
  }

  @Test
  void resourcesPlusOverhead() {
    LinuxContainerResources total =
        LinuxContainerResources.builder()
            .memoryLimitInBytes(128 * MIB)
            .cpuShares(512)
            .cpuQuota(100_000)
            .cpuPeriod(100_000)
            .unified(Map.of("pids.max", "64"))
            .build();
    LinuxContainerResources overhead =
        LinuxContainerResources.builder()
            .memoryLimitInBytes(32 * MIB)
            .cpuShares(64)
            .cpuQuota(5_000)
            .cpuPeriod(50_000)
            .build();
    CgroupResources r = PodCgroupLimits.of(pod(Optional.of(overhead), Optional.of(total))).get();
    assertThat(r.memoryLimit()).isEqualTo(160 * MIB);
    assertThat(r.cpuShares()).isEqualTo(576);
    // 5 ms per 50 ms of overhead is 10 ms per the pod's 100 ms.
    assertThat(r.cpuQuota()).isEqualTo(110_000);
    assertThat(r.cpuPeriod()).isEqualTo(100_000);
    assertThat(r.pidsLimit()).isEqualTo(64);
  }

  @Test
  void overheadAloneNeverCapsAnUnlimitedPod() {
    LinuxContainerResources overhead =
        LinuxContainerResources.builder().memoryLimitInBytes(32 * MIB).cpuQuota(5_000).build();
    assertThat(PodCgroupLimits.of(pod(Optional.of(overhead), Optional.empty()))).isEmpty();
    assertThat(
            PodCgroupLimits.of(
                pod(Optional.of(overhead), Optional.of(LinuxContainerResources.NONE))))
        .isEmpty();
    CgroupResources memoryOnly =
        PodCgroupLimits.of(
                pod(
                    Optional.of(overhead),
                    Optional.of(
                        LinuxContainerResources.builder().memoryLimitInBytes(64 * MIB).build())))
            .get();
    assertThat(memoryOnly.memoryLimit()).isEqualTo(96 * MIB);
    assertThat(memoryOnly.cpuQuota()).isZero();
  }
}
