package io.tessera.kernel.mount;

import static io.tessera.kernel.jna.LibcMounts.MS_BIND;
import static io.tessera.kernel.jna.LibcMounts.MS_NODEV;
import static io.tessera.kernel.jna.LibcMounts.MS_NOEXEC;
import static io.tessera.kernel.jna.LibcMounts.MS_NOSUID;
import static io.tessera.kernel.jna.LibcMounts.MS_PRIVATE;
import static io.tessera.kernel.jna.LibcMounts.MS_RDONLY;
import static io.tessera.kernel.jna.LibcMounts.MS_REC;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MountOptionsTest {

  @Test
  void overlayOptionsAreAllData() {
    MountOptions o =
        MountOptions.parse(List.of("lowerdir=/l2:/l1", "upperdir=/u", "workdir=/w", "index=off"));
    assertThat(o.flags()).isZero();
    assertThat(o.propagation()).isZero();
    assertThat(o.data()).isEqualTo("lowerdir=/l2:/l1,upperdir=/u,workdir=/w,index=off");
  }

  @Test
  void flagsAreSeparatedFromData() {
    MountOptions o = MountOptions.parse(List.of("nosuid", "noexec", "nodev", "mode=755", "ro"));
    assertThat(o.flags()).isEqualTo(MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY);
    assertThat(o.data()).isEqualTo("mode=755");
  }

  @Test
  void laterOptionsWin() {
    MountOptions o = MountOptions.parse(List.of("ro", "rw", "noexec", "exec"));
    assertThat(o.flags()).isZero();
  }

  @Test
  void rbindIsRecursiveBindAndReadOnlyNeedsRemount() {
    MountOptions o = MountOptions.parse(List.of("rbind", "ro", "rprivate"));
    assertThat(o.flags()).isEqualTo(MS_BIND | MS_REC | MS_RDONLY);
    assertThat(o.isBind()).isTrue();
    assertThat(o.bindNeedsRemount()).isTrue();
    assertThat(o.propagation()).isEqualTo(MS_PRIVATE | MS_REC);
    assertThat(o.data()).isEmpty();
  }

  @Test
  void plainBindNeedsNoRemount() {
    assertThat(MountOptions.parse(List.of("bind", "rw")).bindNeedsRemount()).isFalse();
  }
}
