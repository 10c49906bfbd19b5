package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OomKillsTest {
  @TempDir Path root;

  @Test
  void parsesV1OomControl() {
    assertThat(OomKills.parse("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n"))
        .isEqualTo(OptionalLong.of(3));
  }

  @Test
  void parsesV2MemoryEvents() {
    assertThat(OomKills.parse("low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n"))
        .isEqualTo(OptionalLong.of(1));
  }

  @Test
  void oldKernelWithoutCounterGivesNothing() {
    assertThat(OomKills.parse("oom_kill_disable 0\nunder_oom 0\n")).isEmpty();
  }

  @Test
  void hybridHostReadsTheV1MemoryHierarchyNotTheUnifiedOne() throws Exception {
    Path memory = Files.createDirectories(root.resolve("memory/tessera/p/c"));
    Files.writeString(memory.resolve("memory.oom_control"), "under_oom 0\noom_kill 2\n");
    Path unified = Files.createDirectories(root.resolve("unified/tessera/p/c"));
    Files.writeString(unified.resolve("memory.events"), "oom_kill 9\n");
    List<CgroupHierarchy> hierarchies =
        List.of(
            new CgroupHierarchy(root.resolve("unified"), Set.of(), true),
            new CgroupHierarchy(root.resolve("memory"), Set.of("memory"), false));
    assertThat(OomKills.count(hierarchies, "/tessera/p/c")).isEqualTo(OptionalLong.of(2));
    assertThat(OomKills.count(hierarchies, "/tessera/p/gone")).isEmpty();
  }

  @Test
  void v2HostReadsMemoryEvents() throws Exception {
    Path dir = Files.createDirectories(root.resolve("tessera/p/c"));
    Files.writeString(dir.resolve("memory.events"), "oom 1\noom_kill 1\n");
    assertThat(OomKills.count(List.of(new CgroupHierarchy(root, Set.of(), true)), "/tessera/p/c"))
        .isEqualTo(OptionalLong.of(1));
  }
}
