package io.tessera.sandbox.ids;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void randomIdsAre64LowercaseHexAndDistinct() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = Ids.random();
      assertThat(id).matches("[0-9a-f]{64}");
      assertThat(Ids.isValid(id)).isTrue();
      seen.add(id);
    }
    assertThat(seen).hasSize(1000);
  }

  @Test
  void validity() {
    assertThat(Ids.isValid(null)).isFalse();
    assertThat(Ids.isValid("")).isFalse();
    assertThat(Ids.isValid("a".repeat(63))).isFalse();
    assertThat(Ids.isValid("a".repeat(65))).isFalse();
    assertThat(Ids.isValid("A".repeat(64))).isFalse();
    assertThat(Ids.isValid("../" + "a".repeat(61))).isFalse();
    assertThat(Ids.isValid("0123456789abcdef".repeat(4))).isTrue();
  }
}
