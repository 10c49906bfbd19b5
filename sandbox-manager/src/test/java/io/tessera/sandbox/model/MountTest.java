package io.tessera.sandbox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MountTest {

  @Test
  void hostPathMountDefaults() {
    Mount m = Mount.hostPath("/data", "/srv/data").build();
    assertThat(m.readonly()).isFalse();
    assertThat(m.propagation()).isEqualTo(MountPropagation.PRIVATE);
    assertThat(m.image()).isEmpty();
    assertThat(m.uidMappings()).isEmpty();
  }

  @Test
  void imageMountIsReadOnlyAndHasNoHostPath() {
    Mount m = Mount.image("/models", ImageSpec.of("models:v1")).imageSubPath("w").build();
    assertThat(m.readonly()).isTrue();
    assertThat(m.hostPath()).isEmpty();
    assertThat(m.toBuilder().build()).isEqualTo(m);
  }

  @Test
  void recursiveReadOnlyNeedsReadOnlyAndPrivatePropagation() {
    assertThatThrownBy(() -> Mount.hostPath("/a", "/b").recursiveReadOnly(true).build())
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("/a");
    assertThatThrownBy(
            () ->
                Mount.hostPath("/a", "/b")
                    .readonly(true)
                    .propagation(MountPropagation.HOST_TO_CONTAINER)
                    .recursiveReadOnly(true)
                    .build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(
            Mount.hostPath("/a", "/b")
                .readonly(true)
                .recursiveReadOnly(true)
                .build()
                .recursiveReadOnly())
        .isTrue();
  }

  @Test
  void exactlyOneSource() {
    assertThatThrownBy(
            () ->
                new Mount(
                    "/a",
                    "/b",
                    true,
                    false,
                    MountPropagation.PRIVATE,
                    List.of(),
                    List.of(),
                    false,
                    Optional.of(ImageSpec.of("i")),
                    ""))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Mount.hostPath("/a", "").build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Mount.hostPath("/a", "/b").imageSubPath("x").build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Mount.hostPath("", "/b").build())
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void listsAreCopied() {
    List<IdMapping> maps = new java.util.ArrayList<>(List.of(new IdMapping(1, 0, 1)));
    Mount m = Mount.hostPath("/a", "/b").uidMappings(maps).build();
    maps.clear();
    assertThat(m.uidMappings()).hasSize(1);
  }
}
