package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.mount.MountInfo;
import org.junit.jupiter.api.Test;

class CgroupLayoutTest {

  private static final String ROOT = "22 1 252:0 / / rw - ext4 /dev/vda rw\n";
  private static final String UNIFIED_AT_ROOT =
      "30 22 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
  private static final String UNIFIED_BESIDE =
      "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw\n";
  private static final String MEMORY_V1 =
      "32 30 0:28 / /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory\n";

  @Test
  void pureV2() {
    assertThat(CgroupLayout.detect(MountInfo.parse(ROOT + UNIFIED_AT_ROOT)))
        .isEqualTo(CgroupLayout.V2);
  }

  @Test
  void hybrid() {
    assertThat(CgroupLayout.detect(MountInfo.parse(ROOT + UNIFIED_BESIDE + MEMORY_V1)))
        .isEqualTo(CgroupLayout.HYBRID);
  }

  @Test
  void pureV1() {
    assertThat(CgroupLayout.detect(MountInfo.parse(ROOT + MEMORY_V1))).isEqualTo(CgroupLayout.V1);
  }

  @Test
  void noCgroupsIsAnError() {
    assertThatThrownBy(() -> CgroupLayout.detect(MountInfo.parse(ROOT)))
        .isInstanceOf(IllegalStateException.class);
  }
}
