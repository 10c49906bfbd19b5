package io.tessera.kernel.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoTest {

  @Test
  void parsesLineWithOptionalFieldsAndEscapes() {
    List<MountInfo> mounts =
        MountInfo.parse(
            "36 35 98:0 /mnt1 /mnt/with\\040space rw,noatime master:1 shared:7 - ext3 /dev/root"
                + " rw,errors=continue\n");
    assertThat(mounts).hasSize(1);
    MountInfo m = mounts.get(0);
    assertThat(m.mountId()).isEqualTo(36);
    assertThat(m.parentId()).isEqualTo(35);
    assertThat(m.device()).isEqualTo("98:0");
    assertThat(m.root()).isEqualTo("/mnt1");
    assertThat(m.mountPoint()).isEqualTo("/mnt/with space");
    assertThat(m.mountOptions()).isEqualTo("rw,noatime");
    assertThat(m.optionalFields()).containsExactly("master:1", "shared:7");
    assertThat(m.fsType()).isEqualTo("ext3");
    assertThat(m.source()).isEqualTo("/dev/root");
    assertThat(m.superOptions()).isEqualTo("rw,errors=continue");
  }

  @Test
  void parsesLineWithoutOptionalFields() {
    MountInfo m =
        MountInfo.parseLine("25 1 0:22 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw");
    assertThat(m.optionalFields()).isEmpty();
    assertThat(m.fsType()).isEqualTo("cgroup2");
  }

  @Test
  void rejectsMalformedLine() {
    assertThatThrownBy(() -> MountInfo.parse("25 1 0:22 / /x rw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed mountinfo line");
  }

  @Test
  void readsThisProcessMounts() {
    assertThat(MountInfo.current()).anySatisfy(m -> assertThat(m.mountPoint()).isEqualTo("/"));
  }
}
