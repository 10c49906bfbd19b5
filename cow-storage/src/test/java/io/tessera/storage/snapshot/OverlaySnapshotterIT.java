package io.tessera.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.mount.Mounter;
import io.tessera.kernel.mount.MounterJna;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Needs root and overlayfs: real layer directories, real mounts. */
class OverlaySnapshotterIT {

  private final FileOps ops = new FileOpsJna();
  private final Mounter mounter = new MounterJna();

  @TempDir Path tmp;
  private Path root;
  private Path target;
  private OverlaySnapshotter snapshotter;

  private Path base;
  private Path middle;
  private Path top;

  @BeforeEach
  void layers() throws IOException {
    root = tmp.toRealPath().resolve("root");
    target = Files.createDirectories(tmp.toRealPath().resolve("rootfs"));
    snapshotter = new OverlaySnapshotter(root, ops);

    base = layerDir("base");
    write(base.resolve("etc/hostname"), "base\n");
    write(base.resolve("etc/motd"), "hello\n");
    write(base.resolve("var/cache/a"), "a\n");
    write(base.resolve("var/cache/b"), "b\n");

    middle = layerDir("middle");
    write(middle.resolve("etc/hostname"), "middle\n");
    write(middle.resolve("var/cache/c"), "c\n");

    top = layerDir("top");
    Files.createDirectories(top.resolve("etc"));
    // A whiteout (0/0 char device) hides base's motd, an opaque dir hides all older cache files.
    ops.mknod(top.resolve("etc/motd"), FileOps.NodeType.CHAR_DEVICE, 0, 0, 0);
    Files.createDirectories(top.resolve("var/cache"));
    ops.setXattr(top.resolve("var/cache"), "trusted.overlay.opaque", new byte[] {'y'});
    write(top.resolve("var/cache/d"), "d\n");
  }

  @AfterEach
  void cleanUp() {
    mounter.unmountAll(tmp);
    assertThat(mountsUnder(tmp)).isEmpty();
  }

  @Test
  void preparedSnapshotMountsAsTheMergedImage() throws Exception {
    Snapshot s = snapshotter.prepare("c1", List.of(base, middle, top));

    Path dir = root.resolve("snapshots/c1");
    assertThat(s.key()).isEqualTo("c1");
    assertThat(s.upperDir()).isEqualTo(dir.resolve("fs"));
    assertThat(s.lowerDirs()).containsExactly(base, middle, top);
    assertThat(s.workingDir()).isEmpty();
    assertThat(s.mount().options())
        .containsExactly(
            "lowerdir=" + top + ":" + middle + ":" + base,
            "upperdir=" + dir.resolve("fs"),
            "workdir=" + dir.resolve("work"));
    assertThat(Files.isDirectory(dir.resolve("work"))).isTrue();
    assertThat(Files.readString(dir.resolve("snapshot.json"))).contains("\"version\" : 1");
    assertThat(snapshotter.list()).containsExactly("c1");

    s.mountOn(mounter, target);

    assertThat(Files.readString(target.resolve("etc/hostname"))).isEqualTo("middle\n");
    assertThat(target.resolve("etc/motd")).doesNotExist();
    assertThat(list(target.resolve("var/cache"))).containsExactly("d");

    write(target.resolve("etc/new"), "new\n");
    Files.writeString(target.resolve("etc/hostname"), "changed\n");
    Files.delete(target.resolve("var/cache/d"));
    assertThat(Files.readString(s.upperDir().resolve("etc/new"))).isEqualTo("new\n");
    assertThat(Files.readString(s.upperDir().resolve("etc/hostname"))).isEqualTo("changed\n");
    assertThat(isWhiteout(s.upperDir().resolve("var/cache/d"))).isTrue();
    // The layers are untouched.
    assertThat(Files.readString(middle.resolve("etc/hostname"))).isEqualTo("middle\n");
    assertThat(Files.readString(top.resolve("var/cache/d"))).isEqualTo("d\n");
    assertThat(base.resolve("etc/new")).doesNotExist();
    assertThat(list(base.resolve("var/cache"))).containsExactly("a", "b");

    assertThat(mounter.unmount(target, false)).isTrue();
    snapshotter.remove("c1");

    assertThat(snapshotter.get("c1")).isEmpty();
    assertThat(snapshotter.list()).isEmpty();
    assertThat(list(root.resolve("snapshots"))).isEmpty();
    assertThat(list(root.resolve("layers/l"))).isEmpty();
    snapshotter.remove("c1"); // idempotent
  }

  @Test
  void prepareIsIdempotentForTheSameLayersOnly() throws Exception {
    Snapshot first = snapshotter.prepare("c1", List.of(base, top));
    write(first.upperDir().resolve("kept"), "x");

    assertThat(snapshotter.prepare("c1", List.of(base, top))).isEqualTo(first);
    assertThat(first.upperDir().resolve("kept")).exists();
    assertThatThrownBy(() -> snapshotter.prepare("c1", List.of(base, middle, top)))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("c1");
    assertThat(snapshotter.get("c1")).contains(first);
  }

  @Test
  void refusesBadInput() {
    assertThatThrownBy(() -> snapshotter.prepare("../evil", List.of(base)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> snapshotter.prepare(".hidden", List.of(base)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> snapshotter.prepare("c1", List.of()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> snapshotter.prepare("c1", List.of(Path.of("relative/diff"))))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> snapshotter.prepare("c1", List.of(tmp.resolve("missing"))))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> snapshotter.usage("c1")).isInstanceOf(NotFoundException.class);
    assertThat(snapshotter.list()).isEmpty();
    assertThat(list(root.resolve("snapshots"))).isEmpty();
  }

  @Test
  void oneLayerIsAnOverlayToo() throws Exception {
    Snapshot s = snapshotter.prepare("single", List.of(base));
    assertThat(s.mount().type()).isEqualTo("overlay");

    s.mountOn(mounter, target);
    write(target.resolve("etc/added"), "1\n");

    assertThat(Files.readString(target.resolve("etc/motd"))).isEqualTo("hello\n");
    assertThat(s.upperDir().resolve("etc/added")).exists();
    assertThat(base.resolve("etc/added")).doesNotExist();
  }

  @Test
  void manyLayersWithLongPathsMountThroughShortLinks() throws Exception {
    List<Path> lowers = new ArrayList<>();
    for (int i = 0; i < 130; i++) {
      Path layer = Files.createDirectories(root.resolve("layers/sha256/" + name60(i) + "/diff"));
      write(layer.resolve("layer-" + i), Integer.toString(i));
      write(layer.resolve("shared"), Integer.toString(i));
      lowers.add(layer);
    }

    Snapshot s = snapshotter.prepare("deep", lowers);

    assertThat(s.workingDir()).contains(root.resolve("layers"));
    String lowerdir = s.mount().options().get(0);
    assertThat(lowerdir).startsWith("lowerdir=l/");
    assertThat(OverlayMounts.dataBytes(s.mount())).isLessThan(4096);
    for (Path layer : lowers) {
      Path link = root.resolve("layers").resolve(LayerLinks.relative(layer));
      assertThat(Files.readSymbolicLink(link)).isEqualTo(layer);
    }
    assertThat(list(root.resolve("layers/l"))).hasSize(130);

    s.mountOn(mounter, target);

    assertThat(Files.readString(target.resolve("layer-0"))).isEqualTo("0");
    assertThat(Files.readString(target.resolve("layer-129"))).isEqualTo("129");
    assertThat(Files.readString(target.resolve("shared"))).isEqualTo("129");

    // A second snapshot of the same layers reuses the links.
    assertThat(snapshotter.prepare("deep2", lowers).mount().options().get(0)).isEqualTo(lowerdir);
    assertThat(list(root.resolve("layers/l"))).hasSize(130);
  }

  @Test
  void removeRefusesWhileMounted() throws Exception {
    Snapshot s = snapshotter.prepare("busy", List.of(base, top));
    s.mountOn(mounter, target);

    assertThatThrownBy(() -> snapshotter.remove("busy"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("busy")
        .hasMessageContaining(target.toString());
    assertThat(snapshotter.get("busy")).contains(s);

    mounter.unmount(target, false);
    Path inside = Files.createDirectories(s.upperDir().resolve("mnt"));
    mounter.bind(base, inside, false);
    assertThatThrownBy(() -> snapshotter.remove("busy"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining(inside.toString());

    mounter.unmount(inside, false);
    snapshotter.remove("busy");
    assertThat(snapshotter.get("busy")).isEmpty();
  }

  @Test
  void snapshotsSurviveARestart() throws Exception {
    Snapshot before = snapshotter.prepare("c1", List.of(base, middle, top));
    Snapshot deepBefore = snapshotter.prepare("c2", List.of(base));
    // Leftovers of a crash in the middle of prepare and remove.
    Files.createDirectories(root.resolve("snapshots/.tmp-123/fs"));
    Files.createDirectories(root.resolve("snapshots/.rm-456/fs/x"));
    Files.createSymbolicLink(root.resolve("layers/l/0123456789abcdef0123456789"), tmp.resolve("x"));

    OverlaySnapshotter reopened = new OverlaySnapshotter(root, ops);

    assertThat(reopened.get("c1")).contains(before);
    assertThat(reopened.get("c2")).contains(deepBefore);
    assertThat(reopened.list()).containsExactly("c1", "c2");
    assertThat(list(root.resolve("snapshots"))).containsExactly("c1", "c2");
    assertThat(list(root.resolve("layers/l"))).isEmpty();
    assertThat(reopened.get("absent")).isEmpty();
  }

  @Test
  void usageCountsTheWritableLayer() throws Exception {
    Snapshot s = snapshotter.prepare("c1", List.of(base, top));
    Snapshotter.Usage empty = snapshotter.usage("c1");
    assertThat(empty.inodes()).isEqualTo(1);

    s.mountOn(mounter, target);
    Files.write(target.resolve("blob"), new byte[1000]);
    Files.createLink(target.resolve("blob-link"), target.resolve("blob"));

    Snapshotter.Usage used = snapshotter.usage("c1");
    assertThat(used.inodes()).isEqualTo(2);
    assertThat(used.bytes()).isEqualTo(empty.bytes() + 1000);
  }

  private Path layerDir(String name) throws IOException {
    return Files.createDirectories(root.resolve("layers/sha256/" + name + "/diff"));
  }

  private static String name60(int i) {
    return String.format("%060d", i);
  }

  private static void write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  private static List<String> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError("list " + dir, e);
    }
  }

  private static boolean isWhiteout(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
    return ((int) a.get("mode") & 0170000) == 0020000 && (long) a.get("rdev") == 0;
  }

  private static List<String> mountsUnder(Path dir) {
    String prefix = dir.toAbsolutePath().toString();
    return MountInfo.current().stream()
        .map(MountInfo::mountPoint)
        .filter(p -> p.startsWith(prefix))
        .toList();
  }
}
