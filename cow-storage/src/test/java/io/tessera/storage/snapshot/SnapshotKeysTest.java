package io.tessera.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotKeysTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "3f2a9c", "web_1.rootfs-2", "A.", "x..y", "-dash", "_"})
  void acceptsSafeNames(String key) {
    assertThat(SnapshotKeys.isValid(key)).isTrue();
    assertThat(SnapshotKeys.check(key)).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", ".", "..", ".hidden", "a/b", "../x", "a b", "a:b", "a,b", "ü", "a\nb", "a\0"})
  void refusesOtherNames(String key) {
    assertThat(SnapshotKeys.isValid(key)).isFalse();
    assertThatThrownBy(() -> SnapshotKeys.check(key))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("snapshot key");
  }

  @Test
  void lengthIsAtMost128() {
    assertThat(SnapshotKeys.isValid("k".repeat(128))).isTrue();
    assertThat(SnapshotKeys.isValid("k".repeat(129))).isFalse();
    assertThat(SnapshotKeys.isValid(null)).isFalse();
  }
}
