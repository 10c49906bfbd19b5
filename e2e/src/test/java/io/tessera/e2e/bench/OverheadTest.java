package io.tessera.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.e2e.bench.ProcFs.Memory;
import io.tessera.e2e.bench.ProcFs.ProcessInfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverheadTest {
  private static final List<String> SLEEP = List.of("sleep", "86400");

  /** Each process "weighs" its pid in kB of RSS and half that of PSS, so sums show who counted. */
  private static Memory weight(long pid) {
    return new Memory(pid * 1024, pid * 512);
  }

  @Test
  void countsDaemonMonitorsAndInfraButNotWorkloadsOrOtherRuntimes() {
    RuntimeUnderTest rt = new RuntimeUnderTest("containerd", Path.of("/x/c.sock"), 10, "/x/c.sock");
    List<ProcessInfo> ps =
        List.of(
            new ProcessInfo(1, 0, "init", List.of("/sbin/init")),
            new ProcessInfo(10, 1, "containerd", List.of("containerd", "--config", "/x/c.toml")),
            new ProcessInfo(
                20,
                1,
                "containerd-shim",
                List.of("containerd-shim-runc-v2", "-address", "/x/c.sock")),
            new ProcessInfo(21, 20, "catatonit", List.of("/catatonit", "-P")),
            new ProcessInfo(22, 20, "sleep", SLEEP),
            // another runtime's monitor and workload
            new ProcessInfo(30, 1, "conmon", List.of("conmon", "-b", "/y/state/x")),
            new ProcessInfo(31, 30, "sleep", SLEEP),
            // a CNI plugin the daemon runs right now
            new ProcessInfo(40, 10, "bridge", List.of("/usr/lib/cni/bridge")));

    Overhead.Sample s = Overhead.classify(ps, rt, SLEEP, 1, OverheadTest::weight);

    assertThat(s.daemon()).isEqualTo(weight(10));
    assertThat(s.monitors()).isEqualTo(weight(20));
    assertThat(s.infra()).isEqualTo(weight(21).plus(weight(40)));
    assertThat(s.monitorCount()).isEqualTo(1);
    assertThat(s.infraCount()).isEqualTo(2);
    assertThat(s.workloadCount()).isEqualTo(1);
    assertThat(s.total().rss()).isEqualTo((10 + 20 + 21 + 40) * 1024L);
  }

  @Test
  void percentilesByNearestRank() {
    Percentiles p = new Percentiles(List.of(5L, 1L, 4L, 2L, 3L, 6L, 7L, 8L, 9L, 10L));
    assertThat(p.nanos(50)).isEqualTo(5);
    assertThat(p.nanos(95)).isEqualTo(10);
    assertThat(p.nanos(10)).isEqualTo(1);
  }
}
