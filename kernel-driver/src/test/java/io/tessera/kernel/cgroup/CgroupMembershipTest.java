package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CgroupMembershipTest {

  private static final String HYBRID =
      """
      9:name=systemd:/tessera/pod/ctr
      8:pids:/tessera/pod/ctr
      3:cpu,cpuacct:/tessera/pod/ctr
      4:memory:/process_api/e2d4
      0::/tessera/pod/ctr
      """;

  @Test
  void parsesV1AndUnifiedLines() {
    List<CgroupMembership> m = CgroupMembership.parse(HYBRID);
    assertThat(m).hasSize(5);
    assertThat(m.get(0))
        .isEqualTo(new CgroupMembership(9, List.of("name=systemd"), "/tessera/pod/ctr"));
    assertThat(m.get(2).controllers()).containsExactly("cpu", "cpuacct");
    assertThat(CgroupMembership.pathOf(m, "memory")).contains("/process_api/e2d4");
    assertThat(CgroupMembership.pathOf(m, "cpuacct")).contains("/tessera/pod/ctr");
    assertThat(CgroupMembership.unifiedPath(m)).contains("/tessera/pod/ctr");
    assertThat(CgroupMembership.pathOf(m, "blkio")).isEmpty();
  }

  @Test
  void pathMayContainColons() {
    assertThat(CgroupMembership.parse("0::/system.slice/a:b.scope\n").get(0).path())
        .isEqualTo("/system.slice/a:b.scope");
  }

  @Test
  void rejectsMalformedLines() {
    assertThatThrownBy(() -> CgroupMembership.parse("x:memory:/a"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CgroupMembership.parse("4-memory"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsThisProcess() {
    assertThat(CgroupMembership.ofProcess(ProcessHandle.current().pid())).isNotEmpty();
  }
}
