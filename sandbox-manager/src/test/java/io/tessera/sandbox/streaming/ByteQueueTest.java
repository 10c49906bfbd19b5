package io.tessera.sandbox.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ByteQueueTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsChunksInOrderThenEndOfFileAfterFinish() throws Exception {
    ByteQueue q = new ByteQueue(1024);
    assertThat(q.offer(bytes("hello "))).isTrue();
    assertThat(q.offer(bytes("world"))).isTrue();
    q.finish();
    assertThat(new String(q.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
    assertThat(q.read()).isEqualTo(-1);
  }

  @Test
  void aShortReadTakesPartOfAChunkAndKeepsTheRest() throws Exception {
    ByteQueue q = new ByteQueue(1024);
    q.offer(bytes("abcdef"));
    byte[] buf = new byte[4];
    assertThat(q.read(buf, 0, 4)).isEqualTo(4);
    assertThat(new String(buf, StandardCharsets.UTF_8)).isEqualTo("abcd");
    assertThat(q.available()).isEqualTo(2);
    assertThat(q.read(buf, 0, 4)).isEqualTo(2);
  }

  @Test
  void aReaderWaitsForData() throws Exception {
    ByteQueue q = new ByteQueue(1024);
    CompletableFuture<Integer> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return q.read();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(first).isNotDone();
    q.offer(bytes("z"));
    assertThat(first.get()).isEqualTo('z');
  }

  @Test
  void offerWaitsWhileTheQueueIsFullUntilTheReaderTakesSome() throws Exception {
    ByteQueue q = new ByteQueue(4);
    q.offer(bytes("1234"));
    CompletableFuture<Boolean> second = new CompletableFuture<>();
    Thread writer =
        new Thread(
            () -> {
              try {
                second.complete(q.offer(bytes("5")));
              } catch (InterruptedException e) {
                second.completeExceptionally(e);
              }
            });
    writer.start();
    // A writer that did not block would finish instead of parking in wait().
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.getState() == Thread.State.WAITING);
    assertThat(second).isNotDone();
    assertThat(q.read()).isEqualTo('1');
    assertThat(second.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    writer.join();
  }

  @Test
  void closingDropsDataReleasesAWaitingWriterAndFailsReads() throws Exception {
    ByteQueue q = new ByteQueue(2);
    q.offer(bytes("ab"));
    CompletableFuture<Boolean> blocked =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return q.offer(bytes("c"));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    q.close();
    assertThat(blocked.get()).isFalse();
    assertThatThrownBy(q::read).isInstanceOf(IOException.class);
    assertThat(q.offer(bytes("d"))).isFalse();
  }
}
