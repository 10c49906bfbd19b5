package io.tessera.sandbox.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RootfsSizesTest {
  private static final long MIB = 1 << 20;

  @Test
  void podWideAnnotationIsAQuantityInBytes() {
    RootfsSizes.Size s =
        RootfsSizes.resolve(
            "app", Map.of("tessera.io/rootfs-size", "20Mi"), OptionalLong.empty(), 0);
    assertThat(s.bytes()).isEqualTo(20 * MIB);
    assertThat(s.source()).isEqualTo("pod annotation tessera.io/rootfs-size=\"20Mi\"");
    assertThat(
            RootfsSizes.resolve(
                    "app", Map.of("tessera.io/rootfs-size", "1.5k"), OptionalLong.empty(), 0)
                .bytes())
        .isEqualTo(1500);
  }

  @Test
  void theContainersOwnAnnotationWinsAndZeroOptsOut() {
    Map<String, String> pod =
        Map.of("tessera.io/rootfs-size", "20Mi", "tessera.io/rootfs-size.sidecar", "0");
    assertThat(RootfsSizes.resolve("sidecar", pod, OptionalLong.of(5 * MIB), 7).bytes()).isZero();
    assertThat(RootfsSizes.resolve("app", pod, OptionalLong.empty(), 7).bytes())
        .isEqualTo(20 * MIB);
  }

  @Test
  void theWindowsFieldBeatsThePodWideAnnotationAndTheDefault() {
    Map<String, String> pod = Map.of("tessera.io/rootfs-size", "20Mi");
    RootfsSizes.Size s = RootfsSizes.resolve("app", pod, OptionalLong.of(3 * MIB), 7);
    assertThat(s.bytes()).isEqualTo(3 * MIB);
    assertThat(s.source()).contains("rootfs_size_in_bytes=3145728");
    // 0 in the CRI field means "not sent" (proto3 default).
    assertThat(RootfsSizes.resolve("app", pod, OptionalLong.of(0), 7).bytes()).isEqualTo(20 * MIB);
  }

  @Test
  void withoutAnythingTheDefaultApplies() {
    RootfsSizes.Size s = RootfsSizes.resolve("app", Map.of(), OptionalLong.empty(), 7);
    assertThat(s.bytes()).isEqualTo(7);
    assertThat(s.source()).contains("default_rootfs_size");
    assertThat(RootfsSizes.resolve("app", Map.of(), OptionalLong.empty(), 0).bytes()).isZero();
  }

  @Test
  void aBadQuantityNamesTheAnnotation() {
    assertThatThrownBy(
            () ->
                RootfsSizes.resolve(
                    "app", Map.of("tessera.io/rootfs-size", "lots"), OptionalLong.empty(), 0))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("pod annotation tessera.io/rootfs-size=\"lots\" is not a size");
    assertThatThrownBy(
            () ->
                RootfsSizes.resolve(
                    "app", Map.of("tessera.io/rootfs-size.app", "-1Gi"), OptionalLong.empty(), 0))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("tessera.io/rootfs-size.app=\"-1Gi\" is negative");
  }
}
