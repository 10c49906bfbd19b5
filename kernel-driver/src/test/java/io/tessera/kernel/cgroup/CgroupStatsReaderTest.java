package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupStatsReaderTest {
  @TempDir Path root;

  private void write(Path dir, String name, String text) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(name), text);
  }

  @Test
  void hybridHostReadsV1ControllersNotTheHugetlbOnlyUnifiedTree() throws IOException {
    Path cpu = root.resolve("cpu,cpuacct");
    Path mem = root.resolve("memory");
    Path unified = root.resolve("unified");
    Files.createDirectories(unified.resolve("p/c"));
    write(cpu.resolve("p/c"), "cpuacct.usage", "123456789\n");
    write(mem.resolve("p/c"), "memory.usage_in_bytes", "70000000\n");
    write(mem.resolve("p/c"), "memory.limit_in_bytes", "9223372036854771712\n");
    write(mem.resolve("p/c"), "memory.stat", "total_inactive_file 4096\ntotal_rss 65536\n");
    var reader =
        new CgroupStatsReader(
            List.of(
                new CgroupHierarchy(unified, Set.of(), true),
                new CgroupHierarchy(cpu, Set.of("cpu", "cpuacct"), false),
                new CgroupHierarchy(mem, Set.of("memory"), false)));

    CgroupUsage u = reader.read("/p/c").orElseThrow();

    assertThat(u.cpuNanos()).isEqualTo(123456789L);
    assertThat(u.memoryUsage()).isEqualTo(70000000L);
    assertThat(u.memoryLimit()).isEmpty();
    assertThat(u.memoryStat()).isEqualTo(new MemoryStat(4096, 65536, 0, 0));
  }

  @Test
  void v1LimitIsKeptWhenSet() throws IOException {
    Path cpu = root.resolve("cpuacct");
    Path mem = root.resolve("memory");
    write(cpu.resolve("c"), "cpuacct.usage", "1\n");
    write(mem.resolve("c"), "memory.usage_in_bytes", "2\n");
    write(mem.resolve("c"), "memory.limit_in_bytes", "134217728\n");
    write(mem.resolve("c"), "memory.stat", "");
    var reader =
        new CgroupStatsReader(
            List.of(
                new CgroupHierarchy(cpu, Set.of("cpuacct"), false),
                new CgroupHierarchy(mem, Set.of("memory"), false)));

    assertThat(reader.read("/c").orElseThrow().memoryLimit()).isEqualTo(OptionalLong.of(134217728));
  }

  @Test
  void unifiedHostReadsV2Files() throws IOException {
    Path dir = root.resolve("p/c");
    write(dir, "cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
    write(dir, "memory.current", "1048576\n");
    write(dir, "memory.max", "max\n");
    write(dir, "memory.stat", "anon 8192\ninactive_file 512\npgfault 9\npgmajfault 2\n");
    var reader = new CgroupStatsReader(List.of(new CgroupHierarchy(root, Set.of(), true)));

    CgroupUsage u = reader.read("/p/c").orElseThrow();

    assertThat(u.cpuNanos()).isEqualTo(2_500_000L);
    assertThat(u.memoryUsage()).isEqualTo(1048576L);
    assertThat(u.memoryLimit()).isEmpty();
    assertThat(u.memoryStat()).isEqualTo(new MemoryStat(512, 8192, 9, 2));
  }

  @Test
  void v2MaxWithANumberIsALimit() {
    assertThat(CgroupStatsReader.parseV2Max("268435456\n", root))
        .isEqualTo(OptionalLong.of(268435456));
  }

  @Test
  void missingCgroupGivesNothing() {
    var reader = new CgroupStatsReader(List.of(new CgroupHierarchy(root, Set.of(), true)));
    assertThat(reader.read("/gone")).isEmpty();
  }

  @Test
  void garbageCounterFailsNamingTheDirectory() throws IOException {
    Path dir = root.resolve("c");
    write(dir, "cpu.stat", "usage_usec 1\n");
    write(dir, "memory.current", "lots\n");
    write(dir, "memory.max", "max\n");
    write(dir, "memory.stat", "");
    var reader = new CgroupStatsReader(List.of(new CgroupHierarchy(root, Set.of(), true)));
    assertThatThrownBy(() -> reader.read("/c"))
        .isInstanceOf(InternalException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("lots");
  }

  @Test
  void processCountIsPidsCurrentOfTheV1PidsHierarchy() throws IOException {
    Path pids = root.resolve("pids");
    Path mem = root.resolve("memory");
    write(pids.resolve("pod"), "pids.current", "3\n");
    write(mem.resolve("pod"), "cgroup.procs", "");
    var reader =
        new CgroupStatsReader(
            List.of(
                new CgroupHierarchy(mem, Set.of("memory"), false),
                new CgroupHierarchy(pids, Set.of("pids"), false)));

    assertThat(reader.processCount("/pod")).isEqualTo(OptionalLong.of(3));
  }

  @Test
  void withoutAPidsControllerProcessCountCountsTheSubtreesProcs() throws IOException {
    write(root.resolve("pod"), "cgroup.procs", "");
    write(root.resolve("pod/c1"), "cgroup.procs", "100\n101\n");
    write(root.resolve("pod/c2"), "cgroup.procs", "200\n");
    var reader = new CgroupStatsReader(List.of(new CgroupHierarchy(root, Set.of(), true)));

    assertThat(reader.processCount("/pod")).isEqualTo(OptionalLong.of(3));
  }

  @Test
  void v2PidsCurrentIsPreferredWhereTheControllerIsOn() throws IOException {
    write(root.resolve("pod"), "pids.current", "7\n");
    write(root.resolve("pod/c1"), "cgroup.procs", "100\n");
    var reader = new CgroupStatsReader(List.of(new CgroupHierarchy(root, Set.of(), true)));

    assertThat(reader.processCount("/pod")).isEqualTo(OptionalLong.of(7));
  }

  @Test
  void processCountOfAMissingCgroupIsEmpty() {
    var reader =
        new CgroupStatsReader(
            List.of(new CgroupHierarchy(root.resolve("pids"), Set.of("pids"), false)));
    assertThat(reader.processCount("/gone")).isEmpty();
  }
}
