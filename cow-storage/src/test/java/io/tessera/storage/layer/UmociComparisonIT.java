package io.tessera.storage.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.fs.DeviceNumbers;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.storage.ref.Digest;
import io.tessera.storage.testing.TestImage;
import io.tessera.storage.testing.TestImageLayer;
import io.tessera.storage.testing.TestImages;
import io.tessera.storage.testing.Umoci;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpacks every layer of a real umoci-built image into a {@link LayerStore}, mounts them with
 * overlayfs and compares the merged tree file by file with {@code umoci unpack} of the same image.
 * Needs root, overlayfs and umoci.
 */
class UmociComparisonIT {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final FileOps OPS = new FileOpsJna();

  @TempDir static Path shared;
  private static TestImage image;
  private static Path umociRootfs;

  @TempDir Path tmp;
  private Path mountPoint;
  private boolean mounted;

  @BeforeAll
  static void buildImage() throws IOException {
    image = TestImages.busybox(Files.createDirectory(shared.resolve("image")));
    umociRootfs = image.unpackWithUmoci(shared.resolve("bundle"));
  }

  @AfterEach
  void unmount() {
    if (mounted) {
      Umoci.run("umount", mountPoint.toString());
      mounted = false;
    }
  }

  @Test
  void overlayOfTheUnpackedLayersEqualsUmociUnpack() throws Exception {
    List<LayerStore.Layer> layers = unpackAll();
    List<String> lowers = new ArrayList<>();
    for (LayerStore.Layer l : layers) {
      lowers.add(0, l.diffPath().toString()); // overlayfs lists the top layer first
    }
    mountPoint = Files.createDirectory(tmp.resolve("merged"));
    Umoci.run(
        "mount",
        "-t",
        "overlay",
        "overlay",
        "-o",
        "ro,lowerdir=" + String.join(":", lowers),
        mountPoint.toString());
    mounted = true;

    Map<String, Node> want = snapshot(umociRootfs);
    Map<String, Node> got = snapshot(mountPoint);

    assertThat(got.keySet()).containsExactlyElementsOf(want.keySet());
    for (String path : want.keySet()) {
      assertThat(got.get(path)).as(path).isEqualTo(want.get(path));
    }
    assertThat(linkGroups(mountPoint)).isEqualTo(linkGroups(umociRootfs)).isNotEmpty();
    // The fixture really has what is compared.
    assertThat(want.get("bin/suidtool").mode()).isEqualTo(04755);
    assertThat(want.get("bin/suidtool").xattrs()).containsKey("security.capability");
    assertThat(want).doesNotContainKeys("etc/motd", "etc/hostname", "olddir", "opq/a", "opq/sub");
    assertThat(want).containsKeys("opq/fresh", "opq/after", "dev/null", "run/fifo", "dangling");
  }

  @Test
  void eachLayerDirectoryHoldsOverlayWhiteouts() throws Exception {
    List<LayerStore.Layer> layers = unpackAll();
    Path changes = layers.get(1).diffPath();
    Path opaque = layers.get(2).diffPath();

    assertThat(isWhiteout(changes.resolve("etc/motd"))).isTrue();
    assertThat(isWhiteout(changes.resolve("olddir"))).isTrue();
    assertThat(changes.resolve("etc/.wh.motd")).doesNotExist();
    assertThat(OPS.getXattr(opaque.resolve("opq"), LayerUnpacker.OPAQUE_XATTR))
        .contains(new byte[] {'y'});
    assertThat(opaque.resolve("opq/.wh..wh..opq")).doesNotExist();
    assertThat(isWhiteout(opaque.resolve("etc/hostname"))).isTrue();
    try (var names = Files.list(opaque.resolve("opq"))) {
      assertThat(names.map(p -> p.getFileName().toString())).containsExactly("fresh");
    }
    for (LayerStore.Layer l : layers) {
      try (var walk = Files.walk(l.diffPath())) {
        assertThat(walk.map(p -> p.getFileName().toString()))
            .as("no OCI whiteout files in " + l.chainId())
            .noneMatch(n -> n.startsWith(".wh."));
      }
    }
  }

  private List<LayerStore.Layer> unpackAll() {
    LayerStore store =
        new LayerStore(
            tmp.resolve("root"), new LayerUnpacker(OPS, LayerUnpacker.Limits.DEFAULT), OPS);
    List<LayerStore.Layer> layers = new ArrayList<>();
    Digest parent = null;
    for (TestImageLayer l : image.layers()) {
      Digest diffId = Digest.parse(l.diffId());
      Digest chainId = ChainIds.next(parent, diffId);
      layers.add(
          store.ensure(
              chainId,
              parent,
              diffId,
              Compression.fromMediaType(l.mediaType()),
              () -> Files.newInputStream(l.blob())));
      parent = chainId;
    }
    assertThat(layers).hasSize(4);
    return layers;
  }

  /** What is compared for each path: type, mode, owner, content, target, device, time, xattrs. */
  record Node(
      String type,
      int mode,
      int uid,
      int gid,
      String content,
      String device,
      FileTime mtime,
      Map<String, String> xattrs) {}

  private static Map<String, Node> snapshot(Path root) throws IOException {
    Map<String, Node> nodes = new TreeMap<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            nodes.put(root.relativize(dir).toString(), node(dir));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            nodes.put(root.relativize(file).toString(), node(file));
            return FileVisitResult.CONTINUE;
          }
        });
    return nodes;
  }

  private static Node node(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:*", NOFOLLOW);
    int mode = (int) a.get("mode");
    String type =
        switch (mode & 0170000) {
          case 0100000 -> "file";
          case 0040000 -> "dir";
          case 0120000 -> "symlink";
          case 0020000 -> "char";
          case 0060000 -> "block";
          case 0010000 -> "fifo";
          default -> "other " + Integer.toOctalString(mode);
        };
    String content =
        switch (type) {
          case "file" -> sha256(p) + " " + a.get("size");
          case "symlink" -> Files.readSymbolicLink(p).toString();
          default -> "";
        };
    long rdev = (long) a.get("rdev");
    String device =
        type.equals("char") || type.equals("block")
            ? DeviceNumbers.major(rdev) + ":" + DeviceNumbers.minor(rdev)
            : "";
    Map<String, String> xattrs = new TreeMap<>();
    for (String name : OPS.listXattrs(p)) {
      OPS.getXattr(p, name).ifPresent(v -> xattrs.put(name, HexFormat.of().formatHex(v)));
    }
    return new Node(
        type,
        mode & 07777,
        (int) a.get("uid"),
        (int) a.get("gid"),
        content,
        device,
        (FileTime) a.get("lastModifiedTime"),
        xattrs);
  }

  /** Paths grouped by inode, for the inodes with more than one name. */
  private static TreeSet<String> linkGroups(Path root) throws IOException {
    Map<Object, TreeSet<String>> byInode =
        new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
    try (var walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, NOFOLLOW);
        if (!a.isDirectory()) {
          byInode
              .computeIfAbsent(a.fileKey(), k -> new TreeSet<>())
              .add(root.relativize(p).toString());
        }
      }
    }
    TreeSet<String> groups = new TreeSet<>();
    for (TreeSet<String> names : byInode.values()) {
      if (names.size() > 1) {
        groups.add(String.join(" = ", names));
      }
    }
    return groups;
  }

  private static boolean isWhiteout(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", NOFOLLOW);
    return LowerLayers.isWhiteout((int) a.get("mode"), (long) a.get("rdev"));
  }

  private static String sha256(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[65536];
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
