package io.tessera.sandbox.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class NameRegistryTest {
  private final NameRegistry names = new NameRegistry("pod sandbox");

  @Test
  void aTakenNameIsRefusedNamingItsHolder() {
    names.reserve("web_default_uid_0", "id-1");
    assertThatThrownBy(() -> names.reserve("web_default_uid_0", "id-2"))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("web_default_uid_0")
        .hasMessageContaining("id-1");
    assertThat(names.holder("web_default_uid_0")).contains("id-1");
  }

  @Test
  void reservingAgainForTheSameIdIsANoOp() {
    names.reserve("n", "id-1");
    names.reserve("n", "id-1");
    assertThat(names.holder("n")).contains("id-1");
  }

  @Test
  void releaseFreesTheNameAndIsIdempotent() {
    names.reserve("n", "id-1");
    names.release("n");
    names.release("n");
    assertThat(names.holder("n")).isEmpty();
    names.reserve("n", "id-2");
    assertThat(names.holder("n")).contains("id-2");
  }

  @Test
  void conditionalReleaseOnlyFreesTheHoldersName() {
    names.reserve("n", "id-1");
    assertThat(names.release("n", "id-2")).isFalse();
    assertThat(names.holder("n")).contains("id-1");
    assertThat(names.release("n", "id-1")).isTrue();
    assertThat(names.holder("n")).isEmpty();
  }

  @Test
  void emptyNamesAreRefused() {
    assertThatThrownBy(() -> names.reserve("", "id")).isInstanceOf(InvalidArgumentException.class);
  }

  @RepeatedTest(20)
  void eightThreadsRaceForOneNameAndExactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      CountDownLatch ready = new CountDownLatch(8);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        String id = "id-" + t;
        results.add(
            pool.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  names.reserve("app_web_default_uid_0", id);
                  return id;
                }));
      }
      ready.await();
      go.countDown();
      List<String> winners = new ArrayList<>();
      int refused = 0;
      for (Future<String> f : results) {
        try {
          winners.add(f.get());
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(AlreadyExistsException.class);
          refused++;
        }
      }
      assertThat(winners).hasSize(1);
      assertThat(refused).isEqualTo(7);
      assertThat(names.holder("app_web_default_uid_0")).contains(winners.get(0));
    } finally {
      pool.shutdownNow();
    }
  }
}
