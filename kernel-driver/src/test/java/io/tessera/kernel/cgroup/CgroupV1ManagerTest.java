package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CgroupV1Manager#apply} over a fake hybrid tree (v1 controllers, hugetlb on v2). */
class CgroupV1ManagerTest {
  @TempDir Path root;
  CgroupV1Manager m;

  @BeforeEach
  void fakeTree() throws IOException {
    fake(
        "cpu",
        Map.of("cpu.shares", "1024", "cpu.cfs_period_us", "100000", "cpu.cfs_quota_us", "-1"));
    fake("cpuset", Map.of("cpuset.cpus", "0-1", "cpuset.mems", "0"));
    fake(
        "memory",
        Map.of(
            "memory.limit_in_bytes",
            "9223372036854771712",
            "memory.memsw.limit_in_bytes",
            "9223372036854771712"));
    fake("pids", Map.of("pids.max", "max"));
    fake("unified", Map.of("hugetlb.2MB.max", "max"));
    m =
        new CgroupV1Manager(
            CgroupLayout.HYBRID,
            List.of(
                new CgroupHierarchy(root.resolve("cpu"), Set.of("cpu"), false),
                new CgroupHierarchy(root.resolve("cpuset"), Set.of("cpuset"), false),
                new CgroupHierarchy(root.resolve("memory"), Set.of("memory"), false),
                new CgroupHierarchy(root.resolve("pids"), Set.of("pids"), false),
                new CgroupHierarchy(root.resolve("unified"), Set.of(), true)));
  }

  private void fake(String hierarchy, Map<String, String> files) throws IOException {
    Path dir = Files.createDirectories(root.resolve(hierarchy).resolve("pod"));
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
  }

  private String file(String hierarchy, String name) throws IOException {
    return Files.readString(root.resolve(hierarchy).resolve("pod").resolve(name)).trim();
  }

  @Test
  void everyFieldLandsInItsControllersHierarchy() throws IOException {
    m.apply(
        "/pod",
        CgroupResources.builder()
            .cpuShares(512)
            .cpuQuota(50000)
            .cpuPeriod(100000)
            .cpusetCpus("1")
            .cpusetMems("0")
            .memoryLimit(64 << 20)
            .memorySwap(96 << 20)
            .pidsLimit(32)
            .hugepageLimit("2MB", 0)
            .build());
    assertThat(file("cpu", "cpu.shares")).isEqualTo("512");
    assertThat(file("cpu", "cpu.cfs_quota_us")).isEqualTo("50000");
    assertThat(file("cpu", "cpu.cfs_period_us")).isEqualTo("100000");
    assertThat(file("cpuset", "cpuset.cpus")).isEqualTo("1");
    assertThat(file("cpuset", "cpuset.mems")).isEqualTo("0");
    assertThat(file("memory", "memory.limit_in_bytes")).isEqualTo(Long.toString(64 << 20));
    assertThat(file("memory", "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(96 << 20));
    assertThat(file("pids", "pids.max")).isEqualTo("32");
    // No v1 hugetlb hierarchy: the hybrid host's v2 one carries it.
    assertThat(file("unified", "hugetlb.2MB.max")).isEqualTo("0");
  }

  @Test
  void unifiedPidsMaxMapsToThePidsController() throws IOException {
    m.apply("/pod", CgroupResources.builder().unified("pids.max", "16").build());
    assertThat(file("pids", "pids.max")).isEqualTo("16");
    m.apply("/pod", CgroupResources.builder().unified("pids.max", "max").build());
    assertThat(file("pids", "pids.max")).isEqualTo("max");
    assertThatThrownBy(
            () -> m.apply("/pod", CgroupResources.builder().unified("pids.max", "0").build()))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void aV2OnlyUnifiedKeyIsRefusedBeforeAnyWrite() throws IOException {
    assertThatThrownBy(
            () ->
                m.apply(
                    "/pod",
                    CgroupResources.builder()
                        .cpuShares(2)
                        .unified("memory.high", "1048576")
                        .build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("memory.high needs cgroup v2")
        .hasMessageContaining("hybrid");
    assertThat(file("cpu", "cpu.shares")).isEqualTo("1024");
  }

  @Test
  void lowerMemsw_beforeOrAfterMemoryAsTheKernelRequires() throws IOException {
    // Current memsw (unlimited) is above the new memory limit: memory first, then memsw.
    m.apply("/pod", CgroupResources.builder().memoryLimit(64 << 20).memorySwap(64 << 20).build());
    assertThat(file("memory", "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(64 << 20));
    // Raising both beyond the current memsw: memsw first (the fake only shows the end state).
    m.apply("/pod", CgroupResources.builder().memoryLimit(128 << 20).memorySwap(256 << 20).build());
    assertThat(file("memory", "memory.limit_in_bytes")).isEqualTo(Long.toString(128 << 20));
    assertThat(file("memory", "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(256 << 20));
    // Lifting memory lifts swap.
    m.apply("/pod", CgroupResources.builder().memoryLimit(-1).build());
    assertThat(file("memory", "memory.limit_in_bytes")).isEqualTo("-1");
    assertThat(file("memory", "memory.memsw.limit_in_bytes")).isEqualTo("-1");
    assertThatThrownBy(
            () ->
                m.apply(
                    "/pod",
                    CgroupResources.builder().memoryLimit(64 << 20).memorySwap(32 << 20).build()))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
