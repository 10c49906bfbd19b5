package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CgroupV2Manager#apply} over a fake cgroup tree: plain files named like the kernel's, in
 * the state a fresh cgroup starts in, so that every v2 file and conversion is checked without
 * needing the controllers on the host.
 */
class CgroupV2ManagerTest {
  @TempDir Path root;
  Path ctr;
  CgroupV2Manager m;

  @BeforeEach
  void fakeTree() throws IOException {
    ctr = Files.createDirectories(root.resolve("pod/ctr"));
    Map<String, String> fresh =
        Map.of(
            "cpu.weight", "100",
            "cpu.max", "max 100000",
            "cpuset.cpus", "",
            "cpuset.mems", "",
            "memory.max", "max",
            "memory.swap.max", "max",
            "memory.high", "max",
            "pids.max", "max",
            "hugetlb.2MB.max", "max",
            "hugetlb.1GB.max", "max");
    for (Map.Entry<String, String> f : fresh.entrySet()) {
      Files.writeString(ctr.resolve(f.getKey()), f.getValue());
    }
    m = new CgroupV2Manager(new CgroupHierarchy(root, Set.of(), true));
  }

  private String file(String name) throws IOException {
    return Files.readString(ctr.resolve(name)).trim();
  }

  @Test
  void everyFieldLandsInItsV2File() throws IOException {
    m.apply(
        "/pod/ctr",
        CgroupResources.builder()
            .cpuShares(512)
            .cpuQuota(50000)
            .cpuPeriod(100000)
            .cpusetCpus("0-1")
            .cpusetMems("0")
            .memoryLimit(64 << 20)
            .memorySwap(96 << 20)
            .pidsLimit(32)
            .hugepageLimit("2MB", 4 << 20)
            .hugepageLimit("1GB", 0)
            .unified("memory.high", "50331648")
            .build());
    // runc's map of shares 2..262144 onto weight 1..10000.
    assertThat(file("cpu.weight")).isEqualTo("20");
    assertThat(file("cpu.max")).isEqualTo("50000 100000");
    assertThat(file("cpuset.cpus")).isEqualTo("0-1");
    assertThat(file("cpuset.mems")).isEqualTo("0");
    assertThat(file("memory.max")).isEqualTo(Long.toString(64 << 20));
    // v2 limits swap alone; the spec's value counts memory too.
    assertThat(file("memory.swap.max")).isEqualTo(Long.toString(32 << 20));
    assertThat(file("pids.max")).isEqualTo("32");
    assertThat(file("hugetlb.2MB.max")).isEqualTo(Long.toString(4 << 20));
    assertThat(file("hugetlb.1GB.max")).isEqualTo("0");
    assertThat(file("memory.high")).isEqualTo("50331648");
  }

  @Test
  void minusOneIsMaxAndUnsetFieldsAreLeftAlone() throws IOException {
    Files.writeString(ctr.resolve("cpu.max"), "20000 100000");
    Files.writeString(ctr.resolve("pids.max"), "64");
    m.apply("/pod/ctr", CgroupResources.builder().cpuPeriod(50000).memoryLimit(-1).build());
    // The quota is kept when only the period changes.
    assertThat(file("cpu.max")).isEqualTo("20000 50000");
    assertThat(file("memory.max")).isEqualTo("max");
    assertThat(file("memory.swap.max")).isEqualTo("max");
    assertThat(file("pids.max")).isEqualTo("64");
    assertThat(file("cpu.weight")).isEqualTo("100");

    m.apply("/pod/ctr", CgroupResources.builder().cpuQuota(-1).pidsLimit(-1).build());
    assertThat(file("cpu.max")).isEqualTo("max");
    assertThat(file("pids.max")).isEqualTo("max");
  }

  @Test
  void unifiedWinsOverTheFieldItOverlaps() throws IOException {
    m.apply("/pod/ctr", CgroupResources.builder().pidsLimit(32).unified("pids.max", "16").build());
    assertThat(file("pids.max")).isEqualTo("16");
    // Page sizes are spelled in capitals in hugetlb file names.
    m.apply("/pod/ctr", CgroupResources.builder().unified("hugetlb.1GB.max", "0").build());
    assertThat(file("hugetlb.1GB.max")).isEqualTo("0");
  }

  @Test
  void cpuWeightConversionMatchesRunc() {
    assertThat(CgroupV2Values.cpuWeight(0)).isZero();
    assertThat(CgroupV2Values.cpuWeight(2)).isEqualTo(1);
    assertThat(CgroupV2Values.cpuWeight(1024)).isEqualTo(39);
    assertThat(CgroupV2Values.cpuWeight(262144)).isEqualTo(10000);
    assertThat(CgroupV2Values.cpuWeight(1)).isEqualTo(1);
  }

  @Test
  void swapWithoutOrBelowMemoryIsRefused() {
    assertThatThrownBy(() -> CgroupV2Values.swapMax(64, 0))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("needs a memory limit");
    assertThatThrownBy(() -> CgroupV2Values.swapMax(32, 64))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("below the memory limit");
    assertThat(CgroupV2Values.swapMax(0, 64)).isNull();
    assertThat(CgroupV2Values.swapMax(-1, 64)).isEqualTo("max");
  }

  @Test
  void aMissingControllerFileChangesNothing() throws IOException {
    assertThatThrownBy(
            () ->
                m.apply(
                    "/pod/ctr",
                    CgroupResources.builder()
                        .pidsLimit(10)
                        .unified("io.max", "8:0 rbps=1")
                        .build()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("io.max")
        .hasMessageContaining("io controller is not enabled");
    assertThat(file("pids.max")).isEqualTo("max");
  }

  @Test
  void aMissingCgroupIsNotFound() {
    assertThatThrownBy(() -> m.apply("/pod/other", CgroupResources.builder().pidsLimit(1).build()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void membershipFilesAndPathsAreNotLimits() {
    assertThatThrownBy(() -> CgroupResources.builder().unified("cgroup.procs", "1").build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("managed by the runtime");
    assertThatThrownBy(() -> CgroupResources.builder().unified("../pids.max", "1").build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> CgroupResources.builder().unified("memory.high", "1\n2").build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> CgroupResources.builder().hugepageLimit("2M", 1).build())
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void createDelegatesTheParentsControllers() throws IOException {
    Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids");
    Files.writeString(root.resolve("cgroup.subtree_control"), "");
    Path seen = root.resolve("subtree-writes");
    // The fake subtree_control keeps the last write only; what matters is that it was asked.
    m.create("/fresh");
    assertThat(Files.isDirectory(root.resolve("fresh"))).isTrue();
    assertThat(Files.readString(root.resolve("cgroup.subtree_control"))).isEqualTo("+pids");
    assertThat(seen).doesNotExist();
  }
}
