package io.tessera.sandbox.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StoreLayoutTest {
  private static final String ID = "0123456789abcdef".repeat(4);
  private final StoreLayout layout = new StoreLayout(Path.of("/var/lib/tessera/"));

  @Test
  void pathsFollowTheDocumentedLayout() {
    assertThat(layout.root()).isEqualTo(Path.of("/var/lib/tessera"));
    assertThat(layout.podFile(ID)).isEqualTo(Path.of("/var/lib/tessera/pods", ID, "pod.json"));
    assertThat(layout.podDir(ID)).isEqualTo(Path.of("/var/lib/tessera/pods", ID));
    assertThat(layout.containerFile(ID))
        .isEqualTo(Path.of("/var/lib/tessera/containers", ID, "container.json"));
    assertThat(layout.containerDir(ID)).isEqualTo(Path.of("/var/lib/tessera/containers", ID));
  }

  @Test
  void onlyIdsNamePaths() {
    assertThatThrownBy(() -> layout.podDir("../../etc"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> layout.containerDir(ID.toUpperCase()))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void internalNamesCarryTheirId() {
    Path kind = layout.podsDir();
    String building = StoreLayout.buildingDir(kind, ID).getFileName().toString();
    String trash = StoreLayout.trashDir(kind, ID).getFileName().toString();
    assertThat(StoreLayout.isBuilding(building)).isTrue();
    assertThat(StoreLayout.isTrash(trash)).isTrue();
    assertThat(StoreLayout.isBuilding(ID)).isFalse();
    assertThat(StoreLayout.idOfInternal(building)).contains(ID);
    assertThat(StoreLayout.idOfInternal(trash)).contains(ID);
    assertThat(StoreLayout.idOfInternal(".del-short")).isEmpty();
  }
}
