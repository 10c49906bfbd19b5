package io.tessera.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InboundPipeTest {
  @Test
  void readsChunksInOrderThenEndOfFile() throws Exception {
    AtomicInteger consumed = new AtomicInteger();
    InboundPipe p = new InboundPipe(consumed::addAndGet);
    p.offer("abc".getBytes(StandardCharsets.UTF_8));
    p.offer("de".getBytes(StandardCharsets.UTF_8));
    p.finish();
    assertThat(p.buffered()).isEqualTo(5);
    byte[] buf = new byte[2];
    assertThat(p.read(buf, 0, 2)).isEqualTo(2);
    assertThat(p.read(buf, 0, 2)).isEqualTo(1);
    assertThat(p.read()).isEqualTo('d');
    assertThat(p.read()).isEqualTo('e');
    assertThat(p.read()).isEqualTo(-1);
    assertThat(consumed.get()).isEqualTo(5);
    assertThat(p.buffered()).isZero();
  }

  @Test
  void abortDropsWhatIsBuffered() throws Exception {
    InboundPipe p = new InboundPipe(n -> {});
    p.offer(new byte[] {1, 2, 3});
    p.abort();
    assertThat(p.read()).isEqualTo(-1);
    p.offer(new byte[] {4});
    assertThat(p.buffered()).isZero();
  }

  @Test
  void aBlockedReaderWakesForData() throws Exception {
    InboundPipe p = new InboundPipe(n -> {});
    var reader =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return p.read();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    p.offer(new byte[] {42});
    assertThat(reader.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(42);
  }
}
