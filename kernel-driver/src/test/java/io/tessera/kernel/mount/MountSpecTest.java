package io.tessera.kernel.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountSpecTest {

  @Test
  void overlayListsLayersTopmostFirst() {
    MountSpec spec =
        MountSpec.overlay(List.of(Path.of("/l/2"), Path.of("/l/1")), Path.of("/u"), Path.of("/w"));
    assertThat(spec.type()).isEqualTo("overlay");
    assertThat(spec.source()).isEqualTo("overlay");
    assertThat(spec.options()).containsExactly("lowerdir=/l/2:/l/1", "upperdir=/u", "workdir=/w");
  }

  @Test
  void readOnlyViewOfOneLayerIsABind() {
    MountSpec spec = MountSpec.readOnlyOverlay(List.of(Path.of("/l/1")));
    assertThat(spec.type()).isEqualTo("bind");
    assertThat(spec.options()).containsExactly("rbind", "ro");
  }

  @Test
  void rejectsLayerPathsThatWouldBreakTheData() {
    assertThatThrownBy(() -> MountSpec.overlay(List.of(Path.of("/a:b")), null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MountSpec("tmpfs", "tmpfs", List.of("size=1,mode=1")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void relativizesOverlayDirsToTheirCommonParent() {
    MountSpec spec =
        MountSpec.overlay(
            List.of(Path.of("/var/lib/t/layers/b"), Path.of("/var/lib/t/layers/a")),
            Path.of("/var/lib/t/snap/1/u"),
            Path.of("/var/lib/t/snap/1/w"));
    var relative = MounterJna.relativeOverlay(spec).orElseThrow();
    assertThat(relative.dir()).isEqualTo(Path.of("/var/lib/t"));
    assertThat(relative.spec().options())
        .containsExactly("lowerdir=layers/b:layers/a", "upperdir=snap/1/u", "workdir=snap/1/w");
  }

  @Test
  void doesNotRelativizeOtherTypes() {
    assertThat(MounterJna.relativeOverlay(MountSpec.bind(Path.of("/x"), true))).isEmpty();
  }
}
