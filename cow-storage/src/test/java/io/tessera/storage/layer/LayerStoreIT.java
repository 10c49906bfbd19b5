package io.tessera.storage.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.storage.ref.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerStoreIT {

  private final FileOps ops = new FileOpsJna();
  private final LayerUnpacker unpacker = new LayerUnpacker(ops, LayerUnpacker.Limits.DEFAULT);

  @TempDir Path root;
  private LayerStore store;

  private final byte[] base =
      new TarBuilder()
          .dir("etc", 0755)
          .file("etc/hostname", 0644, "base\n")
          .file("etc/motd", 0644, "hi\n")
          .build();
  private final byte[] top =
      new TarBuilder().file("etc/.wh.motd", 0644, "").file("etc/top", 0644, "top\n").build();
  private Digest baseDiff;
  private Digest topDiff;

  @BeforeEach
  void open() throws Exception {
    store = new LayerStore(root, unpacker, ops);
    baseDiff = LayerUnpackerIT.sha256(base);
    topDiff = LayerUnpackerIT.sha256(top);
  }

  @Test
  void ensureUnpacksOnceAndLaysOutTheStore() throws Exception {
    AtomicInteger opens = new AtomicInteger();
    InputSupplier blob = counting(TarBuilder.gzip(base), opens);

    LayerStore.Layer layer = store.ensure(baseDiff, null, baseDiff, Compression.GZIP, blob);
    LayerStore.Layer again = store.ensure(baseDiff, null, baseDiff, Compression.GZIP, blob);

    assertThat(opens).hasValue(1);
    assertThat(again).isEqualTo(layer);
    assertThat(layer.chainId()).isEqualTo(baseDiff);
    assertThat(layer.diffId()).isEqualTo(baseDiff);
    assertThat(layer.parentChainId()).isNull();
    assertThat(layer.uncompressedSize()).isEqualTo(base.length);
    Path dir = root.resolve("layers/sha256/" + baseDiff.hex());
    assertThat(layer.diffPath()).isEqualTo(dir.resolve("diff"));
    assertThat(store.path(baseDiff)).isEqualTo(dir.resolve("diff"));
    assertThat(Files.readString(dir.resolve("diff/etc/hostname"))).isEqualTo("base\n");
    assertThat(Files.readString(dir.resolve("layer.json")))
        .contains("\"diffId\" : \"" + baseDiff + "\"")
        .contains("\"version\" : 1");
    try (Stream<Path> s = Files.list(root.resolve("layers/tmp"))) {
      assertThat(s).isEmpty();
    }
    // A store opened later sees the same layer.
    assertThat(new LayerStore(root, unpacker, ops).get(baseDiff)).contains(layer);
  }

  @Test
  void layersChainAndRecordTheirParent() {
    store.ensure(baseDiff, null, baseDiff, Compression.NONE, bytes(base));
    Digest topChain = ChainIds.next(baseDiff, topDiff);

    LayerStore.Layer layer =
        store.ensure(topChain, baseDiff, topDiff, Compression.NONE, bytes(top));

    assertThat(layer.parentChainId()).isEqualTo(baseDiff);
    assertThat(layer.diffPath().resolve("etc/motd")).exists();
    assertThat(store.list())
        .extracting(LayerStore.Layer::chainId)
        .containsExactlyInAnyOrder(baseDiff, topChain);
    LayerStore.Usage usage = store.usage();
    assertThat(usage.inodes()).isGreaterThanOrEqualTo(10);
    assertThat(usage.bytes()).isGreaterThan("base\nhi\ntop\n".length());
  }

  @Test
  void aChildNeedsItsParentAndAMatchingChainId() {
    Digest topChain = ChainIds.next(baseDiff, topDiff);
    assertThatThrownBy(
            () -> store.ensure(topChain, baseDiff, topDiff, Compression.NONE, bytes(top)))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("parent layer " + baseDiff + " is not unpacked");
    assertThatThrownBy(() -> store.ensure(topDiff, baseDiff, topDiff, Compression.NONE, bytes(top)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("chain id does not match");
    assertThat(store.list()).isEmpty();
  }

  @Test
  void concurrentCallersShareOneUnpack() throws Exception {
    int callers = 4;
    AtomicInteger opens = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    InputSupplier slow =
        () -> {
          opens.incrementAndGet();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
          return new ByteArrayInputStream(base);
        };
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    List<Thread> threads = new ArrayList<>();
    try {
      List<Future<LayerStore.Layer>> results = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        results.add(
            pool.submit(
                () -> {
                  synchronized (threads) {
                    threads.add(Thread.currentThread());
                  }
                  return store.ensure(baseDiff, null, baseDiff, Compression.NONE, slow);
                }));
      }
      // Everyone is in: one opened the blob and is blocked there, the others wait on it.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                synchronized (threads) {
                  return threads.size() == callers
                      && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING);
                }
              });
      assertThat(opens).hasValue(1);
      release.countDown();
      LayerStore.Layer first = results.get(0).get(30, TimeUnit.SECONDS);
      for (Future<LayerStore.Layer> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(first);
      }
      assertThat(opens).hasValue(1);
    } finally {
      release.countDown();
      pool.shutdownNow();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void removeIsIdempotentAndForgetsTheLayer() {
    store.ensure(baseDiff, null, baseDiff, Compression.NONE, bytes(base));

    assertThat(store.remove(baseDiff)).isTrue();
    assertThat(store.remove(baseDiff)).isFalse();

    assertThat(store.get(baseDiff)).isEmpty();
    assertThat(store.list()).isEmpty();
    assertThatThrownBy(() -> store.path(baseDiff))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(baseDiff.toString());
    assertThat(root.resolve("layers/sha256/" + baseDiff.hex())).doesNotExist();
    // And it can come back.
    assertThat(store.ensure(baseDiff, null, baseDiff, Compression.NONE, bytes(base)).diffPath())
        .exists();
  }

  @Test
  void openingSweepsLeftoversAndBrokenLayers() throws Exception {
    store.ensure(baseDiff, null, baseDiff, Compression.NONE, bytes(base));
    Path leftover = Files.createDirectories(root.resolve("layers/tmp/1234/diff/locked"));
    ops.chmod(leftover, 0);
    Path broken = Files.createDirectories(root.resolve("layers/sha256/" + topDiff.hex() + "/diff"));

    LayerStore reopened = new LayerStore(root, unpacker, ops);

    assertThat(root.resolve("layers/tmp/1234")).doesNotExist();
    assertThat(broken.getParent()).doesNotExist();
    assertThat(reopened.list()).extracting(LayerStore.Layer::chainId).containsExactly(baseDiff);
  }

  private static InputSupplier bytes(byte[] data) {
    return () -> new ByteArrayInputStream(data);
  }

  private static InputSupplier counting(byte[] data, AtomicInteger opens) {
    return () -> {
      opens.incrementAndGet();
      InputStream in = new ByteArrayInputStream(data);
      return in;
    };
  }
}
