package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.mount.MountInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CgroupHierarchyTest {

  private static final String MOUNTS =
      """
      31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
      32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
      34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset,clone_children
      40 31 0:37 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd,release_agent=/x
      41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate
      50 22 0:31 / /mnt/again rw,relatime - cgroup cgroup rw,cpuset
      51 22 0:32 /sub /mnt/sub rw,relatime - cgroup cgroup rw,memory
      """;

  @Test
  void readsControllersFromSuperOptions() {
    List<CgroupHierarchy> h = CgroupHierarchy.fromMounts(MountInfo.parse(MOUNTS));
    assertThat(h)
        .containsExactly(
            new CgroupHierarchy(
                Path.of("/sys/fs/cgroup/cpu,cpuacct"), Set.of("cpu", "cpuacct"), false),
            new CgroupHierarchy(Path.of("/sys/fs/cgroup/cpuset"), Set.of("cpuset"), false),
            new CgroupHierarchy(Path.of("/sys/fs/cgroup/systemd"), Set.of("name=systemd"), false),
            new CgroupHierarchy(Path.of("/sys/fs/cgroup/unified"), Set.of(), true));
  }

  @Test
  void resolvesValidatedPaths() {
    CgroupHierarchy h = new CgroupHierarchy(Path.of("/sys/fs/cgroup/pids"), Set.of("pids"), false);
    assertThat(h.dir("/tessera/pod")).isEqualTo(Path.of("/sys/fs/cgroup/pids/tessera/pod"));
    assertThat(h.dir("/tessera/pod/")).isEqualTo(Path.of("/sys/fs/cgroup/pids/tessera/pod"));
  }

  @Test
  void refusesPathsThatAreTheRootOrEscape() {
    for (String bad : List.of("/", "", "relative", "/a/../b", "/a//b", "/./a", "/..")) {
      assertThatThrownBy(() -> CgroupPaths.validate(bad))
          .as(bad)
          .isInstanceOf(InvalidArgumentException.class);
    }
  }
}
