package io.tessera.storage.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class LayerUnpackerTest {

  @Test
  void namesAreRelativeToTheLayerRoot() {
    assertThat(LayerUnpacker.components("usr/bin/env", "e", "name"))
        .containsExactly("usr", "bin", "env");
    assertThat(LayerUnpacker.components("/etc/passwd", "e", "name"))
        .containsExactly("etc", "passwd");
    assertThat(LayerUnpacker.components("./a//b/./c/", "e", "name")).containsExactly("a", "b", "c");
    assertThat(LayerUnpacker.components("a/../b", "e", "name")).containsExactly("b");
    assertThat(LayerUnpacker.components("./", "e", "name")).isEmpty();
    assertThat(LayerUnpacker.components("/", "e", "name")).isEmpty();
    assertThat(LayerUnpacker.components("..a/b..", "e", "name")).containsExactly("..a", "b..");
  }

  @Test
  void climbingAboveTheRootIsRefusedNamingTheEntry() {
    for (String name : new String[] {"..", "../x", "../../etc/x", "a/../../x", "/../x"}) {
      assertThatThrownBy(() -> LayerUnpacker.components(name, name, "name"))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessage(
              "layer entry '" + name + "': name '" + name + "' climbs above the layer root");
    }
  }
}
