package io.tessera.storage.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.ResourceExhaustedException;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.storage.ref.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile layers pulled through {@link LayerStore#ensure}: each must fail with a message naming the
 * entry, write nothing outside, and leave the store as it was.
 */
class MaliciousLayersIT {

  private final FileOps ops = new FileOpsJna();

  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private LayerStore store;
  private List<String> before;

  @BeforeEach
  void openStore() throws IOException {
    root = Files.createDirectory(tmp.resolve("root"));
    outside = Files.createDirectory(tmp.resolve("outside"));
    store =
        new LayerStore(root, new LayerUnpacker(ops, new LayerUnpacker.Limits(10L << 20, 100)), ops);
    before = layersTree();
  }

  @AfterEach
  void storeIsUnchanged() throws IOException {
    assertThat(layersTree()).as("store after the refused pull").isEqualTo(before);
    try (Stream<Path> s = Files.list(outside)) {
      assertThat(s).as("nothing written outside").isEmpty();
    }
    assertThat(store.list()).isEmpty();
  }

  @Test
  void dotDotTraversal() {
    refused(new TarBuilder().file("../../etc/x", 0644, "x").build(), "'../../etc/x'", "climbs");
  }

  @Test
  void dotDotInTheMiddle() {
    refused(new TarBuilder().file("a/../../x", 0644, "x").build(), "'a/../../x'", "climbs");
  }

  @Test
  void absoluteSymlinkThenWriteThroughIt() {
    refused(
        new TarBuilder()
            .symlink("link", outside.toString())
            .file("link/file", 0644, "pwned")
            .build(),
        "'link/file'",
        "parent 'link' is a symlink");
  }

  @Test
  void relativeSymlinkEscapeThenWriteThroughIt() {
    refused(
        new TarBuilder().symlink("link", "../../..").file("link/x", 0644, "pwned").build(),
        "'link/x'",
        "parent 'link' is a symlink");
  }

  @Test
  void hardLinkEscape() {
    refused(
        new TarBuilder().hardlink("hardlink", "../../etc/passwd").build(),
        "'hardlink'",
        "hard link target '../../etc/passwd' climbs above the layer root");
  }

  @Test
  void absoluteHardLinkToAHostFile() {
    refused(
        new TarBuilder().hardlink("hardlink", "/etc/passwd").build(),
        "'hardlink'",
        "is not an earlier entry of this layer");
  }

  @Test
  void hardLinkThroughASymlink() {
    refused(
        new TarBuilder().symlink("etc", "/etc").hardlink("shadow", "etc/shadow").build(),
        "'shadow'",
        "passes through symlink 'etc'");
  }

  @Test
  void writeThroughASymlinkToAnEarlierDirectoryOfTheSameLayer() {
    refused(
        new TarBuilder()
            .dir("real", 0755)
            .symlink("alias", "real")
            .file("alias/file", 0644, "x")
            .build(),
        "'alias/file'",
        "parent 'alias' is a symlink");
  }

  @Test
  void whiteoutThroughASymlink() {
    refused(
        new TarBuilder()
            .symlink("link", outside.toString())
            .file("link/.wh.victim", 0644, "")
            .build(),
        "'link/.wh.victim'",
        "parent 'link' is a symlink");
  }

  @Test
  void opaqueMarkerThroughASymlink() {
    refused(
        new TarBuilder()
            .symlink("link", outside.toString())
            .file("link/.wh..wh..opq", 0644, "")
            .build(),
        "'link/.wh..wh..opq'",
        "parent 'link' is a symlink");
  }

  @Test
  void gzipBombOverTheSizeCapFailsWithoutInflatingIt() throws IOException {
    long size = 200L << 20;
    byte[] bomb = gzipOfZeros("zeros", size);
    AtomicLong consumed = new AtomicLong();
    InputSupplier blob =
        () ->
            new FilterInputStream(new ByteArrayInputStream(bomb)) {
              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                consumed.addAndGet(Math.max(n, 0));
                return n;
              }
            };

    assertThatThrownBy(
            () -> store.ensure(digestOf("bomb"), null, digestOf("bomb"), Compression.GZIP, blob))
        .isInstanceOf(ResourceExhaustedException.class)
        .hasMessageContaining("'zeros'")
        .hasMessageContaining("limit of 10485760 uncompressed bytes");
    // 10 MiB of 200 MiB inflated needs a twentieth of the input; the decompressor reads 64 KiB
    // ahead. Reading it all would mean the whole 200 MiB was inflated.
    assertThat(consumed.get()).isLessThan(bomb.length / 2);
  }

  @Test
  void tooManyEntries() {
    TarBuilder many = new TarBuilder();
    for (int i = 0; i < 101; i++) {
      many.file("f" + i, 0644, "");
    }
    byte[] tar = many.build();
    assertThatThrownBy(
            () ->
                store.ensure(
                    digestOf("many"),
                    null,
                    digestOf("many"),
                    Compression.NONE,
                    () -> new ByteArrayInputStream(tar)))
        .isInstanceOf(ResourceExhaustedException.class)
        .hasMessageContaining("layer entry 'f100'")
        .hasMessageContaining("more than the limit of 100 entries");
  }

  @Test
  void diffIdMismatch() throws Exception {
    byte[] tar = new TarBuilder().file("f", 0644, "f").build();
    Digest claimed = digestOf("something else");
    assertThatThrownBy(
            () ->
                store.ensure(
                    claimed, null, claimed, Compression.NONE, () -> new ByteArrayInputStream(tar)))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("diff id mismatch")
        .hasMessageContaining(LayerUnpackerIT.sha256(tar).toString());
  }

  private void refused(byte[] tar, String entry, String reason) {
    Digest diffId;
    try {
      diffId = LayerUnpackerIT.sha256(tar);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(
            () ->
                store.ensure(
                    diffId,
                    null,
                    diffId,
                    Compression.GZIP,
                    () -> new ByteArrayInputStream(TarBuilder.gzip(tar))))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("layer " + diffId)
        .hasMessageContaining("layer entry " + entry)
        .hasMessageContaining(reason);
  }

  private List<String> layersTree() throws IOException {
    Path layers = root.resolve("layers");
    try (Stream<Path> s = Files.walk(layers)) {
      return s.map(p -> layers.relativize(p).toString()).sorted().toList();
    }
  }

  private static Digest digestOf(String text) {
    try {
      return LayerUnpackerIT.sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A gzip of a tar holding one file of {@code size} zero bytes, built without holding it. */
  private static byte[] gzipOfZeros(String name, long size) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(out, 1 << 16);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(size);
      tar.putArchiveEntry(e);
      byte[] zeros = new byte[1 << 16];
      for (long left = size; left > 0; left -= zeros.length) {
        tar.write(zeros, 0, (int) Math.min(zeros.length, left));
      }
      tar.closeArchiveEntry();
    }
    return out.toByteArray();
  }
}
