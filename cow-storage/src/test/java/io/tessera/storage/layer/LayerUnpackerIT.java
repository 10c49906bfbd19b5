package io.tessera.storage.layer;

import static io.tessera.storage.layer.TarBuilder.owner;
import static io.tessera.storage.layer.TarBuilder.pax;
import static io.tessera.storage.layer.TarBuilder.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.kernel.fs.DeviceNumbers;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.storage.ref.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacks tars built in the test into a temp dir; needs root (devices, owners, trusted.*). */
class LayerUnpackerIT {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final byte[] CAPABILITY = {
    1, 0, 0, 2, (byte) 0x80, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  private final FileOps ops = new FileOpsJna();
  private final LayerUnpacker unpacker = new LayerUnpacker(ops, LayerUnpacker.Limits.DEFAULT);

  @TempDir Path tmp;

  @BeforeAll
  static void requireRoot() throws Exception {
    assertThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
        .as("LayerUnpackerIT must run as root")
        .isEqualTo(0);
  }

  @Test
  void everyEntryTypeLandsExactly() throws Exception {
    Instant nanos = Instant.ofEpochSecond(1700000000L, 123456789);
    byte[] tar =
        new TarBuilder()
            .dir("./", 0755)
            .dir("etc", 0750, owner(1000, 2000))
            .file("etc/conf", 0640, "key=value\n".getBytes(StandardCharsets.UTF_8), owner(7, 8))
            .fileWithRawPax(
                "bin/ping",
                04755,
                "ELF".getBytes(StandardCharsets.UTF_8),
                records(
                    "SCHILY.xattr.security.capability",
                    CAPABILITY,
                    "SCHILY.xattr.user.note",
                    "hi",
                    "mtime",
                    "1700000000.123456789"))
            .dir("shared", 02775, owner(0, 50))
            .dir("tmp", 01777)
            .symlink("etc/pw", "/etc/passwd")
            .symlink("bin/sh", "busybox")
            .hardlink("bin/ping6", "bin/ping")
            .charDevice("dev/null", 0666, 1, 3)
            .blockDevice("dev/loop9", 0660, 7, 9)
            .fifo("run/fifo", 0620)
            .dir("meta", 0700, pax("SCHILY.xattr.trusted.tessera", "t"))
            .build();
    Path root = tmp.resolve("layer");

    UnpackResult result = unpacker.unpack(new ByteArrayInputStream(tar), Compression.NONE, root);

    assertThat(result.diffId()).isEqualTo(sha256(tar));
    assertThat(result.uncompressedSize()).isEqualTo(tar.length);
    assertThat(result.entries()).isEqualTo(13);

    assertThat(mode(root.resolve("etc"))).isEqualTo(040750);
    assertThat(ownerOf(root.resolve("etc"))).containsExactly(1000, 2000);
    assertThat(Files.readString(root.resolve("etc/conf"))).isEqualTo("key=value\n");
    assertThat(mode(root.resolve("etc/conf"))).isEqualTo(0100640);
    assertThat(ownerOf(root.resolve("etc/conf"))).containsExactly(7, 8);

    Path ping = root.resolve("bin/ping");
    assertThat(mode(ping)).isEqualTo(0104755);
    assertThat(ops.getXattr(ping, "security.capability")).contains(CAPABILITY);
    assertThat(ops.getXattr(ping, "user.note")).contains("hi".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.getLastModifiedTime(ping, NOFOLLOW).toInstant()).isEqualTo(nanos);
    assertThat(Files.getAttribute(root.resolve("bin/ping6"), "unix:ino", NOFOLLOW))
        .isEqualTo(Files.getAttribute(ping, "unix:ino", NOFOLLOW));
    assertThat(Files.getAttribute(ping, "unix:nlink", NOFOLLOW)).isEqualTo(2);

    assertThat(mode(root.resolve("shared"))).isEqualTo(042775);
    assertThat(ownerOf(root.resolve("shared"))).containsExactly(0, 50);
    assertThat(mode(root.resolve("tmp"))).isEqualTo(041777);
    assertThat(Files.readSymbolicLink(root.resolve("etc/pw")).toString()).isEqualTo("/etc/passwd");
    assertThat(Files.readSymbolicLink(root.resolve("bin/sh")).toString()).isEqualTo("busybox");
    assertThat(Files.getLastModifiedTime(root.resolve("etc/pw"), NOFOLLOW).toInstant())
        .isEqualTo(TarBuilder.TIME);

    assertThat(mode(root.resolve("dev/null"))).isEqualTo(020666);
    assertThat(rdev(root.resolve("dev/null"))).containsExactly(1L, 3L);
    assertThat(mode(root.resolve("dev/loop9"))).isEqualTo(060660);
    assertThat(rdev(root.resolve("dev/loop9"))).containsExactly(7L, 9L);
    assertThat(mode(root.resolve("run/fifo"))).isEqualTo(010620);
    assertThat(ops.getXattr(root.resolve("meta"), "trusted.tessera"))
        .contains("t".getBytes(StandardCharsets.UTF_8));

    // Directory times are set after their children were written.
    for (String dir : List.of("", "etc", "shared", "tmp", "meta")) {
      assertThat(Files.getLastModifiedTime(root.resolve(dir), NOFOLLOW).toInstant())
          .as(dir)
          .isEqualTo(TarBuilder.TIME);
    }
    // Implied parents without a header get the defaults.
    assertThat(mode(root.resolve("bin"))).isEqualTo(040755);
    assertThat(ownerOf(root.resolve("dev"))).containsExactly(0, 0);
  }

  @Test
  void whiteoutsBecomeOverlayWhiteoutsAndOpaqueDirectories() throws Exception {
    byte[] tar =
        new TarBuilder()
            .dir("etc", 0755)
            .file("etc/.wh.motd", 0644, "")
            .dir("opt", 0755)
            .file("opt/.wh..wh..opq", 0644, "")
            .file("opt/new", 0644, "n")
            .file("var/lib/.wh..wh..opq", 0644, "")
            .file(".wh.gone-dir", 0644, "")
            .file("etc/.wh..wh.plnk", 0644, "")
            .build();
    Path root = tmp.resolve("layer");

    unpacker.unpack(new ByteArrayInputStream(tar), Compression.NONE, root);

    Path whiteout = root.resolve("etc/motd");
    assertThat(mode(whiteout)).isEqualTo(020000);
    assertThat(rdev(whiteout)).containsExactly(0L, 0L);
    assertThat(root.resolve("etc/.wh.motd")).doesNotExist();
    assertThat(rdev(root.resolve("gone-dir"))).containsExactly(0L, 0L);
    assertThat(ops.getXattr(root.resolve("opt"), LayerUnpacker.OPAQUE_XATTR))
        .contains(new byte[] {'y'});
    assertThat(root.resolve("opt/.wh..wh..opq")).doesNotExist();
    assertThat(Files.readString(root.resolve("opt/new"))).isEqualTo("n");
    assertThat(ops.getXattr(root.resolve("var/lib"), LayerUnpacker.OPAQUE_XATTR))
        .contains(new byte[] {'y'});
    assertThat(ops.getXattr(root.resolve("var"), LayerUnpacker.OPAQUE_XATTR)).isEmpty();
    try (var names = Files.list(root.resolve("etc"))) {
      assertThat(names.map(p -> p.getFileName().toString())).containsExactly("motd");
    }
    assertThat(ops.getXattr(root.resolve("etc"), LayerUnpacker.OPAQUE_XATTR)).isEmpty();
  }

  @Test
  void gzipAndZstdGiveTheDiffIdOfTheUncompressedStream() throws Exception {
    byte[] tar = new TarBuilder().dir("a", 0755).file("a/f", 0644, "x".repeat(5000)).build();
    // The diff id covers every byte, trailing padding after the end-of-archive marker included.
    byte[] padded = Arrays.copyOf(tar, tar.length + 10240);
    ByteArrayOutputStream multi = new ByteArrayOutputStream();
    multi.writeBytes(TarBuilder.gzip(Arrays.copyOf(padded, 700)));
    multi.writeBytes(TarBuilder.gzip(Arrays.copyOfRange(padded, 700, padded.length)));

    UnpackResult gz =
        unpacker.unpack(
            new ByteArrayInputStream(multi.toByteArray()), Compression.GZIP, tmp.resolve("gz"));
    UnpackResult zst =
        unpacker.unpack(
            new ByteArrayInputStream(TarBuilder.zstd(padded)), Compression.ZSTD, tmp.resolve("z"));

    assertThat(gz.diffId()).isEqualTo(sha256(padded)).isNotEqualTo(sha256(tar));
    assertThat(zst.diffId()).isEqualTo(sha256(padded));
    assertThat(gz.uncompressedSize()).isEqualTo(padded.length);
    assertThat(Files.readString(tmp.resolve("gz/a/f"))).isEqualTo("x".repeat(5000));
    assertThat(Files.readString(tmp.resolve("z/a/f"))).isEqualTo("x".repeat(5000));
  }

  @Test
  void laterEntriesReplaceEarlierOnesWithoutWritingThroughThem() throws Exception {
    Path outside = Files.createDirectory(tmp.resolve("outside"));
    Path outsideFile = Files.writeString(tmp.resolve("outside-file"), "keep");
    byte[] tar =
        new TarBuilder()
            .symlink("l", outsideFile.toString())
            .file("l", 0600, "replaced")
            .symlink("d", outside.toString())
            .dir("d", 0700)
            .file("d/inside", 0644, "i")
            .dir("gone", 0755)
            .file("gone/child", 0644, "c")
            .file("gone", 0644, "now a file")
            .file("same", 0644, "one")
            .file("same", 0644, "two")
            .build();
    Path root = tmp.resolve("layer");

    unpacker.unpack(new ByteArrayInputStream(tar), Compression.NONE, root);

    assertThat(Files.readString(outsideFile)).isEqualTo("keep");
    try (var list = Files.list(outside)) {
      assertThat(list).isEmpty();
    }
    assertThat(Files.isSymbolicLink(root.resolve("l"))).isFalse();
    assertThat(Files.readString(root.resolve("l"))).isEqualTo("replaced");
    assertThat(Files.isDirectory(root.resolve("d"), NOFOLLOW)).isTrue();
    assertThat(Files.readString(root.resolve("d/inside"))).isEqualTo("i");
    assertThat(Files.readString(root.resolve("gone"))).isEqualTo("now a file");
    assertThat(Files.readString(root.resolve("same"))).isEqualTo("two");
  }

  @Test
  void hardLinkToASymlinkLinksTheSymlinkItself() throws Exception {
    byte[] tar = new TarBuilder().symlink("out", "/etc/shadow").hardlink("also-out", "out").build();
    Path root = tmp.resolve("layer");

    unpacker.unpack(new ByteArrayInputStream(tar), Compression.NONE, root);

    assertThat(Files.readSymbolicLink(root.resolve("also-out")).toString())
        .isEqualTo("/etc/shadow");
    assertThat(Files.getAttribute(root.resolve("also-out"), "unix:ino", NOFOLLOW))
        .isEqualTo(Files.getAttribute(root.resolve("out"), "unix:ino", NOFOLLOW));
  }

  @Test
  void impliedDirectoriesTakeTheirMetadataFromTheLayersBelow() throws Exception {
    Path lower = tmp.resolve("lower");
    Instant old = Instant.parse("2001-01-01T00:00:00Z");
    unpacker.unpack(
        new ByteArrayInputStream(
            new TarBuilder()
                .dir("./", 0711, owner(0, 0).andThen(e -> e.setModTime(FileTime.from(old))))
                .dir(
                    "srv",
                    0710,
                    owner(33, 34)
                        .andThen(pax("SCHILY.xattr.user.origin", "lower"))
                        .andThen(e -> e.setModTime(FileTime.from(old))))
                .dir("deleted", 0700, owner(5, 5))
                .dir("hidden", 0700, owner(6, 6))
                .build()),
        Compression.NONE,
        lower);
    Path middle = tmp.resolve("middle");
    unpacker.unpack(
        new ByteArrayInputStream(
            new TarBuilder()
                .file(".wh.deleted", 0644, "")
                .dir("hidden", 0750, owner(9, 9))
                .file("hidden/.wh..wh..opq", 0644, "")
                .build()),
        Compression.NONE,
        middle,
        List.of(lower));
    Path upper = tmp.resolve("upper");

    unpacker.unpack(
        new ByteArrayInputStream(
            new TarBuilder()
                .file("srv/www/index.html", 0644, "<html>")
                .file("deleted/again", 0644, "a")
                .file("hidden/x", 0644, "x")
                .build()),
        Compression.NONE,
        upper,
        List.of(middle, lower));

    assertThat(mode(upper)).as("root from the top lower layer").isEqualTo(040711);
    assertThat(Files.getLastModifiedTime(upper).toInstant()).isEqualTo(old);
    assertThat(mode(upper.resolve("srv"))).isEqualTo(040710);
    assertThat(ownerOf(upper.resolve("srv"))).containsExactly(33, 34);
    assertThat(ops.getXattr(upper.resolve("srv"), "user.origin"))
        .contains("lower".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.getLastModifiedTime(upper.resolve("srv")).toInstant()).isEqualTo(old);
    assertThat(mode(upper.resolve("srv/www"))).as("new in this layer").isEqualTo(040755);
    assertThat(ownerOf(upper.resolve("deleted")))
        .as("whited out below, so a fresh directory")
        .containsExactly(0, 0);
    assertThat(mode(upper.resolve("deleted"))).isEqualTo(040755);
    assertThat(ownerOf(upper.resolve("hidden")))
        .as("the opaque one above wins")
        .containsExactly(9, 9);
    assertThat(mode(upper.resolve("hidden"))).isEqualTo(040750);
    assertThat(ops.getXattr(upper.resolve("hidden"), LayerUnpacker.OPAQUE_XATTR)).isEmpty();
  }

  @Test
  void aHeaderForACopiedDirectoryReplacesTheCopiedAttributes() throws Exception {
    Path lower = tmp.resolve("lower");
    unpacker.unpack(
        new ByteArrayInputStream(
            new TarBuilder()
                .dir("srv", 0700, pax("SCHILY.xattr.user.old", "1").andThen(owner(3, 3)))
                .build()),
        Compression.NONE,
        lower);
    Path upper = tmp.resolve("upper");

    unpacker.unpack(
        new ByteArrayInputStream(
            new TarBuilder()
                .file("srv/f", 0644, "f")
                .dir("srv", 0755, pax("SCHILY.xattr.user.new", "2"))
                .build()),
        Compression.NONE,
        upper,
        List.of(lower));

    assertThat(ops.listXattrs(upper.resolve("srv")))
        .contains("user.new")
        .doesNotContain("user.old");
    assertThat(ownerOf(upper.resolve("srv"))).containsExactly(0, 0);
    assertThat(mode(upper.resolve("srv"))).isEqualTo(040755);
  }

  @Test
  void overlayXattrsInTheArchiveAreRefused() {
    byte[] tar =
        new TarBuilder()
            .dir("d", 0755, pax("SCHILY.xattr.trusted.overlay.redirect", "/etc"))
            .build();
    Path root = tmp.resolve("layer");
    assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar), Compression.NONE, root))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("layer entry 'd/'")
        .hasMessageContaining("trusted.overlay.redirect is reserved");
    assertThat(root).doesNotExist();
  }

  @Test
  void unsupportedTypesFailAndRemoveEverything() {
    byte[] header = TarReaderTest.ustarHeader("sparse", 'S');
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tar.write(new TarBuilder().file("first", 0644, "1").build(), 0, 1024);
    tar.writeBytes(header);
    tar.writeBytes(new byte[1024]);
    Path root = tmp.resolve("layer");
    assertThatThrownBy(
            () ->
                unpacker.unpack(
                    new ByteArrayInputStream(tar.toByteArray()), Compression.NONE, root))
        .isInstanceOf(UnimplementedException.class)
        .hasMessageContaining("'sparse'");
    assertThat(root).doesNotExist();
  }

  @Test
  void failureRemovesDirectoriesWithRestrictiveModes() {
    byte[] tar =
        new TarBuilder()
            .dir("locked", 0)
            .dir("locked/inner", 0500)
            .file("locked/inner/f", 0400, "x")
            .file("../escape", 0644, "x")
            .build();
    Path root = tmp.resolve("layer");
    assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar), Compression.NONE, root))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'../escape'");
    assertThat(root).doesNotExist();
  }

  @Test
  void anExistingTargetIsRefused() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("layer"));
    Files.writeString(root.resolve("mine"), "m");
    byte[] tar = new TarBuilder().file("f", 0644, "f").build();
    assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(tar), Compression.NONE, root))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(root.resolve("mine")).exists();
  }

  @Test
  void corruptCompressedStreamsAreInvalidArguments() {
    byte[] gz = TarBuilder.gzip(new TarBuilder().file("f", 0644, "x".repeat(100_000)).build());
    byte[] cut = Arrays.copyOf(gz, gz.length / 2);
    Path root = tmp.resolve("layer");
    assertThatThrownBy(() -> unpacker.unpack(new ByteArrayInputStream(cut), Compression.GZIP, root))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("corrupt or truncated");
    assertThat(root).doesNotExist();
  }

  static Digest sha256(byte[] data) throws Exception {
    return Digest.fromMessageDigest(
        Digest.SHA256, MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static int mode(Path p) throws Exception {
    return (int) Files.getAttribute(p, "unix:mode", NOFOLLOW);
  }

  private static List<Integer> ownerOf(Path p) throws Exception {
    return List.of(
        (int) Files.getAttribute(p, "unix:uid", NOFOLLOW),
        (int) Files.getAttribute(p, "unix:gid", NOFOLLOW));
  }

  private static List<Long> rdev(Path p) throws Exception {
    long rdev = (long) Files.getAttribute(p, "unix:rdev", NOFOLLOW);
    return List.of(DeviceNumbers.major(rdev), DeviceNumbers.minor(rdev));
  }
}
