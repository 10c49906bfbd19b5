package io.tessera.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProjectIdsTest {

  @Test
  void startsAtTheFloorAndIgnoresSmallIdsFoundOnDisk() {
    ProjectIds ids = new ProjectIds();
    ids.inUse(0);
    ids.inUse(42);
    assertThat(ids.allocate(id -> true)).isEqualTo(ProjectIds.FIRST);
  }

  @Test
  void allocatesAboveEveryIdInUseAndNeverReusesOneFreedMeanwhile() {
    ProjectIds ids = new ProjectIds();
    ids.inUse(ProjectIds.FIRST + 5);
    int a = ids.allocate(id -> true);
    assertThat(a).isEqualTo(ProjectIds.FIRST + 6);
    ids.release(a);
    assertThat(ids.isInUse(a)).isFalse();
    assertThat(ids.allocate(id -> true)).isEqualTo(ProjectIds.FIRST + 7);
  }

  @Test
  void skipsIdsTheFileSystemReportsAsUsedBySomeoneElse() {
    ProjectIds ids = new ProjectIds();
    int a = ids.allocate(id -> id != ProjectIds.FIRST && id != ProjectIds.FIRST + 1);
    assertThat(a).isEqualTo(ProjectIds.FIRST + 2);
    assertThat(ids.isInUse(a)).isTrue();
  }
}
