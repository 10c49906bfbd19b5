package io.tessera.storage.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.storage.ref.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {

  @TempDir Path root;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void storesAVerifiedReadOnlyBlobUnderItsDigest() throws Exception {
    ContentStore store = ContentStore.open(root);
    byte[] content = bytes("hello");
    Digest d = Digest.sha256Of(content);

    Path p = store.ingest(d, content.length, sink -> sink.write(content, 0, content.length));

    assertThat(p).isEqualTo(root.resolve("content/blobs/sha256/" + d.hex()));
    assertThat(Files.readAllBytes(p)).isEqualTo(content);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
        .isEqualTo("r--r--r--");
    assertThat(store.has(d)).isTrue();
    assertThat(store.path(d)).contains(p);
    assertThat(store.read(d)).isEqualTo(content);
    assertThat(store.list()).containsExactly(d);
    assertThat(store.totalBytes()).isEqualTo(5);
    assertThat(store.ingestFiles()).isEmpty();
  }

  @Test
  void ingestIsIdempotent() {
    ContentStore store = ContentStore.open(root);
    byte[] content = bytes("once");
    Digest d = Digest.sha256Of(content);
    AtomicInteger calls = new AtomicInteger();
    BlobWriter writer =
        sink -> {
          calls.incrementAndGet();
          sink.write(content, 0, content.length);
        };
    Path first = store.ingest(d, content.length, writer);
    assertThat(store.ingest(d, content.length, writer)).isEqualTo(first);
    assertThat(store.write(d, content)).isEqualTo(first);
    assertThat(calls).hasValue(1);
  }

  @Test
  void writerMayRestart() {
    ContentStore store = ContentStore.open(root);
    byte[] content = bytes("right");
    Digest d = Digest.sha256Of(content);
    store.ingest(
        d,
        content.length,
        sink -> {
          sink.write(bytes("wrong stuff"), 0, 11);
          sink.restart();
          sink.write(content, 0, content.length);
        });
    assertThat(store.read(d)).isEqualTo(content);
  }

  @Test
  void wrongLengthOrDigestLeavesNothing() {
    ContentStore store = ContentStore.open(root);
    byte[] content = bytes("content");
    Digest d = Digest.sha256Of(content);

    assertThatThrownBy(() -> store.ingest(d, 99, sink -> sink.write(content, 0, content.length)))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("got 7 bytes, expected 99");
    byte[] other = bytes("CONTENT");
    assertThatThrownBy(() -> store.ingest(d, 7, sink -> sink.write(other, 0, other.length)))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("content has digest " + Digest.sha256Of(other));
    assertThatThrownBy(() -> store.write(d, other)).isInstanceOf(FailedPreconditionException.class);

    assertThat(store.has(d)).isFalse();
    assertThat(store.list()).isEmpty();
    assertThat(store.ingestFiles()).isEmpty();
  }

  @Test
  void writerFailurePassesThroughAndLeavesNothing() {
    ContentStore store = ContentStore.open(root);
    Digest d = Digest.sha256Of(bytes("x"));
    UnavailableException boom = new UnavailableException("registry went away");
    assertThatThrownBy(
            () ->
                store.ingest(
                    d,
                    1,
                    sink -> {
                      sink.write(new byte[] {1, 2}, 0, 2);
                      throw boom;
                    }))
        .isSameAs(boom);
    assertThat(store.ingestFiles()).isEmpty();
    assertThat(store.list()).isEmpty();
  }

  /** Starts {@code n} ingests of {@code d}; the first one's writer blocks until {@code gate}. */
  private List<Future<Path>> concurrentIngests(
      ContentStore store, Digest d, int n, BlobWriter writer, CountDownLatch entered)
      throws Exception {
    List<Future<Path>> results = new ArrayList<>();
    results.add(pool.submit(() -> store.ingest(d, 4, writer)));
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
    List<Thread> waiters = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(n - 1);
    for (int i = 1; i < n; i++) {
      results.add(
          pool.submit(
              () -> {
                synchronized (waiters) {
                  waiters.add(Thread.currentThread());
                }
                started.countDown();
                return store.ingest(d, 4, writer);
              }));
    }
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    // Every follower is parked on the leader's future, not running a writer of its own.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              synchronized (waiters) {
                return waiters.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
              }
            });
    return results;
  }

  @Test
  void concurrentIngestsOfOneDigestRunOneWriter() throws Exception {
    ContentStore store = ContentStore.open(root);
    byte[] content = bytes("data");
    Digest d = Digest.sha256Of(content);
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    BlobWriter writer =
        sink -> {
          calls.incrementAndGet();
          entered.countDown();
          try {
            gate.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          sink.write(content, 0, content.length);
        };
    List<Future<Path>> results = concurrentIngests(store, d, 8, writer, entered);
    gate.countDown();
    for (Future<Path> f : results) {
      assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(store.path(d).orElseThrow());
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void followersShareTheLeadersFailureAndALaterIngestTriesAgain() throws Exception {
    ContentStore store = ContentStore.open(root);
    byte[] content = bytes("data");
    Digest d = Digest.sha256Of(content);
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    BlobWriter failing =
        sink -> {
          calls.incrementAndGet();
          entered.countDown();
          try {
            gate.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new UnavailableException("connection reset");
        };
    List<Future<Path>> results = concurrentIngests(store, d, 5, failing, entered);
    gate.countDown();
    for (Future<Path> f : results) {
      assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(UnavailableException.class)
          .hasMessageContaining("connection reset");
    }
    assertThat(calls).hasValue(1);
    assertThat(store.ingestFiles()).isEmpty();

    store.ingest(d, 4, sink -> sink.write(content, 0, content.length));
    assertThat(store.has(d)).isTrue();
  }

  @Test
  void openRemovesLeftoverIngestFilesAndKeepsBlobs() throws Exception {
    ContentStore store = ContentStore.open(root);
    Digest kept = Digest.sha256Of(bytes("keep"));
    store.write(kept, bytes("keep"));
    Path ingest = root.resolve("content/ingest");
    Files.writeString(ingest.resolve("abc-crashed"), "partial");
    Files.createDirectories(ingest.resolve("dir/sub"));
    Files.writeString(ingest.resolve("dir/sub/file"), "x");

    ContentStore reopened = ContentStore.open(root);

    try (var files = Files.list(ingest)) {
      assertThat(files).isEmpty();
    }
    assertThat(reopened.list()).containsExactly(kept);
  }

  @Test
  void deleteListAndStrayFiles() throws Exception {
    ContentStore store = ContentStore.open(root);
    Digest a = Digest.sha256Of(bytes("a"));
    Digest b = Digest.sha256Of(bytes("bb"));
    store.write(a, bytes("a"));
    store.write(b, bytes("bb"));
    Files.writeString(root.resolve("content/blobs/sha256/README"), "not a blob");

    assertThat(store.list()).containsExactlyInAnyOrder(a, b);
    assertThat(store.totalBytes()).isEqualTo(3);
    assertThat(store.delete(a)).isTrue();
    assertThat(store.delete(a)).isFalse();
    assertThat(store.list()).containsExactly(b);
    assertThatThrownBy(() -> store.read(a)).isInstanceOf(NotFoundException.class);
    assertThat(store.path(a)).isEmpty();
  }

  @Test
  void sha512BlobsGetTheirOwnDirectory() {
    ContentStore store = ContentStore.open(root);
    byte[] content = bytes("five-twelve");
    Digest probe = new Digest(Digest.SHA512, "0".repeat(128));
    Digest d = probe.recompute(content);
    Path p = store.write(d, content);
    assertThat(p).isEqualTo(root.resolve("content/blobs/sha512/" + d.hex()));
    assertThat(store.list()).containsExactly(d);
  }
}
