package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryStatTest {
  private static final String V1 =
      "cache 4096\nrss 8192\ninactive_file 1024\npgfault 10\npgmajfault 1\n"
          + "hierarchical_memory_limit 9223372036854771712\n"
          + "total_cache 40960\ntotal_rss 67108864\ntotal_pgfault 16500\n"
          + "total_pgmajfault 7\ntotal_inactive_file 20480\ntotal_active_file 4096\n";

  private static final String V2 =
      "anon 67174400\nfile 1048576\nkernel_stack 16384\ninactive_file 524288\n"
          + "active_file 524288\npgfault 16520\npgmajfault 3\nworkingset_refault_anon 0\n";

  @Test
  void v1ReadsTheHierarchicalTotals() {
    assertThat(MemoryStat.parseV1(V1)).isEqualTo(new MemoryStat(20480, 67108864, 16500, 7));
  }

  @Test
  void v1WithoutTotalsFallsBackToTheLocalCounters() {
    assertThat(MemoryStat.parseV1("rss 8192\ninactive_file 1024\npgfault 10\npgmajfault 1\n"))
        .isEqualTo(new MemoryStat(1024, 8192, 10, 1));
  }

  @Test
  void v2ReadsAnonAndInactiveFile() {
    assertThat(MemoryStat.parseV2(V2)).isEqualTo(new MemoryStat(524288, 67174400, 16520, 3));
  }

  @Test
  void malformedAndMissingLinesReadZero() {
    assertThat(MemoryStat.parseV2("anon x\nbogus\n\n")).isEqualTo(new MemoryStat(0, 0, 0, 0));
  }
}
