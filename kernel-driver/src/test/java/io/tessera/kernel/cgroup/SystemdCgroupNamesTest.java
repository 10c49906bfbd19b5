package io.tessera.kernel.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdCgroupNamesTest {
  private static final String POD = "0f".repeat(32);
  private static final String CTR = "ab".repeat(32);

  @Test
  void kubeletsSliceIsThePodsSliceAndExpandsByDashes() {
    String slice = SystemdCgroupNames.podSlice("kubepods-burstable-pod1234.slice", POD);
    assertThat(slice).isEqualTo("kubepods-burstable-pod1234.slice");
    assertThat(SystemdCgroupNames.slicePath(slice))
        .isEqualTo("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice");
    assertThat(SystemdCgroupNames.slicePath("system.slice")).isEqualTo("/system.slice");
    assertThat(SystemdCgroupNames.slicePath("-.slice")).isEqualTo("/");
  }

  @Test
  void podsWithoutParentGoUnderTesseraSlice() {
    String slice = SystemdCgroupNames.podSlice("", POD);
    assertThat(slice).isEqualTo("tessera-pod" + POD + ".slice");
    assertThat(SystemdCgroupNames.slicePath(slice))
        .isEqualTo("/tessera.slice/tessera-pod" + POD + ".slice");
  }

  @Test
  void containersAreScopesRuncCreatesInThePodSlice() {
    String slice = "kubepods-besteffort-podx.slice";
    assertThat(SystemdCgroupNames.runcCgroupsPath(slice, CTR))
        .isEqualTo("kubepods-besteffort-podx.slice:tessera:" + CTR);
    assertThat(SystemdCgroupNames.scopeUnit(CTR)).isEqualTo("tessera-" + CTR + ".scope");
    assertThat(SystemdCgroupNames.scopePath(slice, CTR))
        .isEqualTo(
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podx.slice/tessera-"
                + CTR
                + ".scope");
    assertThat(SystemdCgroupNames.scopePath("-.slice", CTR))
        .isEqualTo("/tessera-" + CTR + ".scope");
  }

  @Test
  void aCgroupfsParentOrABrokenSliceIsRefused() {
    assertThatThrownBy(() -> SystemdCgroupNames.podSlice("/kubepods/burstable/pod1", POD))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not a systemd slice name")
        .hasMessageContaining("cgroupfs");
    for (String bad :
        new String[] {".slice", "-a.slice", "a-.slice", "a--b.slice", "a/b.slice", "a b.slice"}) {
      assertThatThrownBy(() -> SystemdCgroupNames.validateSlice(bad))
          .as(bad)
          .isInstanceOf(InvalidArgumentException.class);
    }
    assertThatThrownBy(() -> SystemdCgroupNames.podSlice("", "a-b"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> SystemdCgroupNames.scopeUnit("../x"))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void bootedMeansSystemdsRuntimeDirExists(@TempDir Path dir) throws Exception {
    assertThat(SystemdCgroupNames.systemdBooted(dir.resolve("run/systemd/system"))).isFalse();
    Files.createDirectories(dir.resolve("run/systemd/system"));
    assertThat(SystemdCgroupNames.systemdBooted(dir.resolve("run/systemd/system"))).isTrue();
  }
}
