package io.tessera.sandbox.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class IdIndexTest {
  private static final String A1 = "ab12" + "0".repeat(60);
  private static final String A2 = "ab13" + "0".repeat(60);
  private static final String B = "cd" + "f".repeat(62);

  private final IdIndex index = new IdIndex("container");

  IdIndexTest() {
    index.add(A1);
    index.add(A2);
    index.add(B);
  }

  @Test
  void fullIdResolvesToItself() {
    assertThat(index.resolve(A1)).isEqualTo(A1);
    assertThat(index.resolve(B)).isEqualTo(B);
  }

  @Test
  void uniquePrefixResolves() {
    assertThat(index.resolve("c")).isEqualTo(B);
    assertThat(index.resolve("ab12")).isEqualTo(A1);
    assertThat(index.resolve("ab13")).isEqualTo(A2);
  }

  @Test
  void ambiguousPrefixIsAnInvalidArgumentNamingTheCandidates() {
    assertThatThrownBy(() -> index.resolve("ab1"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("ambiguous")
        .hasMessageContaining(A1)
        .hasMessageContaining(A2);
    assertThat(index.tryResolve("ab1")).isEmpty();
  }

  @Test
  void unknownPrefixIsNotFound() {
    assertThatThrownBy(() -> index.resolve("ff"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("container ff not found");
    assertThatThrownBy(() -> index.resolve(A1 + "0")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> index.resolve("zz")).isInstanceOf(NotFoundException.class);
    assertThat(index.tryResolve("ff")).isEmpty();
  }

  @Test
  void emptyPrefixIsRefused() {
    assertThatThrownBy(() -> index.resolve("")).isInstanceOf(InvalidArgumentException.class);
    assertThat(index.tryResolve("")).isEmpty();
  }

  @Test
  void removingMakesAPrefixUnique() {
    assertThat(index.remove(A2)).isTrue();
    assertThat(index.remove(A2)).isFalse();
    assertThat(index.resolve("ab1")).isEqualTo(A1);
    assertThat(index.contains(A2)).isFalse();
    assertThat(index.size()).isEqualTo(2);
  }

  @Test
  void addRefusesDuplicatesAndNonIds() {
    assertThatThrownBy(() -> index.add(A1)).isInstanceOf(AlreadyExistsException.class);
    assertThatThrownBy(() -> index.add("ab")).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void concurrentAddsAndLookupsAreSafe() throws Exception {
    IdIndex shared = new IdIndex("pod sandbox");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      ids.add(Ids.random());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        List<String> mine = ids.subList(t * 100, (t + 1) * 100);
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (String id : mine) {
                    shared.add(id);
                    assertThat(shared.resolve(id)).isEqualTo(id);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(shared.size()).isEqualTo(800);
    for (String id : ids) {
      assertThat(shared.resolve(id)).isEqualTo(id);
    }
  }
}
