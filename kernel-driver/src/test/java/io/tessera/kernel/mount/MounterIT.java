package io.tessera.kernel.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.jna.LibcMounts;
import io.tessera.kernel.proc.Leaks;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MounterIT {

  @TempDir Path tmp;

  private final Mounter mounter = new MounterJna();
  private Path cwdBefore;

  @BeforeEach
  void rememberCwd() throws IOException {
    cwdBefore = Files.readSymbolicLink(Path.of("/proc/self/cwd"));
  }

  @AfterEach
  void cleanUpAndCheck() throws IOException {
    mounter.unmountAll(tmp);
    assertThat(Leaks.mountsUnder(tmp)).isEmpty();
    assertThat(Files.readSymbolicLink(Path.of("/proc/self/cwd")))
        .as("the daemon's cwd never moves")
        .isEqualTo(cwdBefore);
  }

  private Path dir(String name) throws IOException {
    return Files.createDirectories(tmp.resolve(name));
  }

  @Test
  void mountsAndUnmountsTmpfs() throws Exception {
    Path target = dir("t");
    assertThat(mounter.isMountPoint(target)).isFalse();
    mounter.mount(
        new MountSpec("tmpfs", "tessera-it", List.of("nosuid", "nodev", "size=1m", "mode=700")),
        target);
    assertThat(mounter.isMountPoint(target)).isTrue();
    MountInfo m = top(target);
    assertThat(m.fsType()).isEqualTo("tmpfs");
    assertThat(m.source()).isEqualTo("tessera-it");
    assertThat(m.mountOptions()).contains("nosuid").contains("nodev");
    assertThat(m.superOptions()).contains("size=1024k").contains("mode=700");
    Files.writeString(target.resolve("f"), "x");
    assertThat(mounter.unmount(target, false)).isTrue();
    assertThat(target.resolve("f")).doesNotExist();
    assertThat(mounter.unmount(target, false)).as("idempotent").isFalse();
    assertThat(mounter.unmount(tmp.resolve("missing"), true)).isFalse();
  }

  @Test
  void readOnlyBindAndRemount() throws Exception {
    Path source = dir("src");
    Files.writeString(source.resolve("f"), "data");
    Path ro = dir("ro");
    mounter.mount(MountSpec.bind(source, true), ro);
    assertThat(Files.readString(ro.resolve("f"))).isEqualTo("data");
    assertThat(top(ro).mountOptions()).startsWith("ro");
    assertThatThrownBy(() -> Files.writeString(ro.resolve("g"), "x"))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("Read-only");

    Path rw = dir("rw");
    mounter.bind(source, rw, false);
    Files.writeString(rw.resolve("g"), "x");
    mounter.mount(
        null, rw, null, LibcMounts.MS_REMOUNT | LibcMounts.MS_BIND | LibcMounts.MS_NOEXEC, null);
    mounter.remountReadOnly(rw);
    assertThat(top(rw).mountOptions()).startsWith("ro").contains("noexec");
    assertThatThrownBy(() -> Files.writeString(rw.resolve("h"), "x"))
        .isInstanceOf(FileSystemException.class);
    assertThat(source.resolve("g")).exists();
  }

  @Test
  void missingSourceIsNotFoundAndLeavesNothing() throws Exception {
    Path target = dir("t");
    assertThatThrownBy(() -> mounter.mount(MountSpec.bind(tmp.resolve("nope"), true), target))
        .isInstanceOf(NotFoundException.class);
    assertThat(mounter.isMountPoint(target)).isFalse();
  }

  @Test
  void overlayOfTwoLayers() throws Exception {
    Path lower1 = dir("l1");
    Path lower2 = dir("l2");
    Files.writeString(lower1.resolve("a"), "from l1");
    Files.writeString(lower2.resolve("a"), "from l2");
    Files.writeString(lower1.resolve("b"), "only l1");
    Path merged = dir("merged");
    mounter.mount(MountSpec.overlay(List.of(lower2, lower1), dir("u"), dir("w")), merged);
    assertThat(Files.readString(merged.resolve("a"))).isEqualTo("from l2");
    assertThat(Files.readString(merged.resolve("b"))).isEqualTo("only l1");
    Files.writeString(merged.resolve("c"), "new");
    assertThat(tmp.resolve("u/c")).exists();
    assertThat(lower1.resolve("c")).doesNotExist();
  }

  /**
   * 120 layers whose real paths are long: the absolute lowerdir list is far over one page, so it is
   * given as short relative links (l/<id>, containers/storage style) from a working directory.
   */
  @Test
  void overlayOfManyLayersThroughShortLinksFromAWorkingDirectory() throws Exception {
    int layers = 120;
    Path layersDir = dir("layers");
    Path links = Files.createDirectories(layersDir.resolve("l"));
    List<Path> absolute = new ArrayList<>();
    List<Path> relative = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      String longName = String.format("%03d-", i) + "0123456789abcdef".repeat(4);
      Path diff = Files.createDirectories(layersDir.resolve(longName).resolve("diff"));
      Files.writeString(diff.resolve("layer-" + i), Integer.toString(i));
      Files.writeString(diff.resolve("top"), Integer.toString(i));
      String link = String.format("L%03d", i);
      Files.createSymbolicLink(links.resolve(link), Path.of("..", longName, "diff"));
      absolute.add(0, diff);
      relative.add(0, Path.of("l", link));
    }
    Path merged = dir("merged");
    Path upper = dir("u");
    Path work = dir("w");

    MountSpec tooLong = MountSpec.overlay(absolute, upper, work);
    assertThat(String.join(",", tooLong.options()).length()).isGreaterThan(4096);
    assertThatThrownBy(() -> mounter.mount(tooLong, merged, layersDir))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("bytes");
    assertThat(mounter.isMountPoint(merged)).isFalse();

    mounter.mount(MountSpec.overlay(relative, upper, work), merged, layersDir);
    assertThat(mounter.isMountPoint(merged)).isTrue();
    assertThat(Files.readString(merged.resolve("layer-0"))).isEqualTo("0");
    assertThat(Files.readString(merged.resolve("layer-" + (layers - 1))))
        .isEqualTo(Integer.toString(layers - 1));
    assertThat(Files.readString(merged.resolve("top")))
        .as("the first lowerdir is the topmost")
        .isEqualTo(Integer.toString(layers - 1));
    try (var entries = Files.list(merged)) {
      assertThat(entries.count()).isEqualTo(layers + 1);
    }
  }

  /** Long absolute paths under one long parent: rewritten relative to it automatically. */
  @Test
  void overlayOfManyLayersRelativizedAutomatically() throws Exception {
    Path parent = dir("a-long-parent-directory-name-" + "x".repeat(60));
    List<Path> lowers = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      Path layer = Files.createDirectories(parent.resolve(Integer.toString(i)));
      Files.writeString(layer.resolve("f" + i), "x");
      lowers.add(layer);
    }
    MountSpec spec =
        MountSpec.overlay(
            lowers,
            Files.createDirectories(parent.resolve("u")),
            Files.createDirectories(parent.resolve("w")));
    assertThat(String.join(",", spec.options()).length()).isGreaterThan(4096);
    Path merged = dir("merged");
    mounter.mount(spec, merged);
    assertThat(merged.resolve("f0")).exists();
    assertThat(merged.resolve("f119")).exists();
  }

  @Test
  void unmountAllTakesNestedAndStackedMounts() throws Exception {
    Path outer = dir("outer");
    mounter.mount("tmpfs", outer, "tmpfs", 0, "size=1m");
    Path inner = Files.createDirectories(outer.resolve("inner"));
    mounter.mount("tmpfs", inner, "tmpfs", 0, "size=1m");
    mounter.mount("tmpfs", inner, "tmpfs", 0, "size=1m");
    assertThat(Leaks.mountsUnder(outer)).hasSize(3);
    assertThat(mounter.unmountAll(outer)).isEqualTo(3);
    assertThat(Leaks.mountsUnder(outer)).isEmpty();
  }

  private static MountInfo top(Path target) {
    MountInfo found = null;
    for (MountInfo m : MountInfo.current()) {
      if (m.mountPoint().equals(target.toString())) {
        found = m;
      }
    }
    assertThat(found).as("mount at %s", target).isNotNull();
    return found;
  }
}
