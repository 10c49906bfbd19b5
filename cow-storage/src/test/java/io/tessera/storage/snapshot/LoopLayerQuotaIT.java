package io.tessera.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.kernel.fs.LoopDevices;
import io.tessera.kernel.fs.LoopDevicesJna;
import io.tessera.kernel.fs.ProjectQuotasJna;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.mount.Mounter;
import io.tessera.kernel.mount.MounterJna;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loop quota backend on the real kernel: each sized writable layer on its own loop-mounted ext4
 * image. Needs root, loop devices and e2fsprogs; runs in CI.
 */
class LoopLayerQuotaIT {
  private static final long MIB = 1024 * 1024;

  @TempDir Path tmp;
  private final Mounter mounter = new MounterJna();
  private final List<Path> overlays = new ArrayList<>();
  private Path root;
  private Path layer;

  @BeforeEach
  void lowerLayer() throws IOException {
    root = tmp.resolve("root");
    layer = Files.createDirectories(root.resolve("layers/sha256/x/diff"));
    Files.writeString(layer.resolve("hello"), "hi\n");
  }

  @AfterEach
  void cleanUp() throws IOException {
    for (Path p : overlays) {
      mounter.unmount(p, true);
    }
    mounter.unmountAll(tmp.toRealPath());
    assertThat(loopDevicesBackedUnder(tmp)).isEmpty();
  }

  private OverlaySnapshotter open(QuotaBackend backend) {
    return open(backend, new LoopDevicesJna());
  }

  private OverlaySnapshotter open(QuotaBackend backend, LoopDevices loops) {
    return new OverlaySnapshotter(
        root, new FileOpsJna(), new ProjectQuotasJna(), new LoopLayers(loops, mounter), backend);
  }

  @Test
  void aSizedLayerHitsEnospcTheUnsizedSiblingDoesNotAndRemovalLeavesNothing() throws Exception {
    OverlaySnapshotter snapshotter = open(QuotaBackend.LOOP);
    assertThat(snapshotter.quotaSupport().backend()).isEqualTo(QuotaBackend.LOOP);

    long t0 = System.nanoTime();
    Snapshot big = snapshotter.prepare("big", List.of(layer), 0);
    long t1 = System.nanoTime();
    Snapshot small = snapshotter.prepare("small", List.of(layer), 8 * MIB);
    long t2 = System.nanoTime();
    System.out.printf(
        "LoopLayerQuotaIT: unsized prepare %d ms, sized (8 MiB loop ext4) prepare %d ms%n",
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);

    Path dir = root.toRealPath().resolve("snapshots/small");
    assertThat(Files.size(dir.resolve("layer.img"))).isEqualTo(8 * MIB);
    assertThat(small.upperDir()).isEqualTo(dir.resolve("layer/fs"));
    MountInfo ext4 = mountAt(dir.resolve("layer")).orElseThrow();
    assertThat(ext4.fsType()).isEqualTo("ext4");
    assertThat(backingFile(Path.of(ext4.source()))).isEqualTo(dir.resolve("layer.img").toString());
    assertThat(snapshotter.prepare("small", List.of(layer), 8 * MIB)).isEqualTo(small);
    assertThat(snapshotter.get("small")).contains(small);

    Path capped = mount(small, "capped");
    Path free = mount(big, "free");
    assertThat(Files.readString(capped.resolve("hello"))).isEqualTo("hi\n");
    assertThatThrownBy(() -> write(capped.resolve("fill"), 16 * MIB))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("No space left on device");
    write(free.resolve("fill"), 16 * MIB);
    assertThat(Files.size(free.resolve("fill"))).isEqualTo(16 * MIB);

    Snapshotter.Usage usage = snapshotter.usage("small");
    assertThat(usage.bytes()).isGreaterThan(4 * MIB).isLessThanOrEqualTo(8 * MIB);
    assertThat(usage.inodes()).isGreaterThanOrEqualTo(2);

    assertThatThrownBy(() -> snapshotter.remove("small"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining(capped.toString());
    unmount(capped);
    unmount(free);
    snapshotter.remove("small");
    snapshotter.remove("big");

    assertThat(mountsUnder(root)).isEmpty();
    assertThat(listSnapshots()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(loopDevicesBackedUnder(tmp)).isEmpty());
  }

  @Test
  void afterARebootTheLayerIsMountedAgainWithItsFiles() throws Exception {
    OverlaySnapshotter snapshotter = open(QuotaBackend.LOOP);
    Snapshot sized = snapshotter.prepare("kept", List.of(layer), 4 * MIB);
    Files.writeString(sized.upperDir().resolve("note"), "still here\n");
    Path dir = root.toRealPath().resolve("snapshots/kept");

    // What a reboot leaves: the image, no mount, no loop device.
    mounter.unmount(dir.resolve("layer"), false);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(loopDevicesBackedUnder(tmp)).isEmpty());

    OverlaySnapshotter restarted = open(QuotaBackend.LOOP);
    assertThat(mountAt(dir.resolve("layer"))).isPresent();
    assertThat(Files.readString(sized.upperDir().resolve("note"))).isEqualTo("still here\n");
    // A daemon restart without a reboot finds it mounted and leaves it as it is.
    open(QuotaBackend.LOOP);
    assertThat(mountsUnder(root)).hasSize(1);
    restarted.remove("kept");
    assertThat(listSnapshots()).isEmpty();
  }

  @Test
  void leftoversOfAnInterruptedCreateAreUnmountedAndDeleted() throws Exception {
    open(QuotaBackend.LOOP);
    Path snapshots = root.toRealPath().resolve("snapshots");
    Path leftover = Files.createDirectory(snapshots.resolve(".tmp-interrupted"));
    new LoopLayers(new LoopDevicesJna(), mounter).create(leftover, 2 * MIB);
    assertThat(mountAt(leftover.resolve("layer"))).isPresent();

    open(QuotaBackend.OFF);

    assertThat(mountsUnder(root)).isEmpty();
    assertThat(leftover).doesNotExist();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(loopDevicesBackedUnder(tmp)).isEmpty());
  }

  @Test
  void aFailureHalfwayUndoesEverything() throws Exception {
    LoopDevices real = new LoopDevicesJna();
    LoopDevices failing =
        new LoopDevices() {
          @Override
          public Optional<String> unusableReason() {
            return real.unusableReason();
          }

          @Override
          public Attached attach(Path image) {
            // A real device is bound, then the step fails: its undo must free it.
            real.attach(image).close();
            throw new InternalException("injected failure after attaching " + image);
          }
        };
    OverlaySnapshotter snapshotter = open(QuotaBackend.LOOP, failing);

    assertThatThrownBy(() -> snapshotter.prepare("doomed", List.of(layer), 4 * MIB))
        .isInstanceOf(InternalException.class)
        .hasMessageContaining("injected failure");
    assertThat(snapshotter.get("doomed")).isEmpty();
    assertThat(listSnapshots()).isEmpty();
    assertThat(mountsUnder(root)).isEmpty();
  }

  @Test
  void sizesBelowTheMinimumAndBackendsThatCannotWorkAreRefused() throws IOException {
    OverlaySnapshotter loop = open(QuotaBackend.LOOP);
    assertThatThrownBy(() -> loop.prepare("tiny", List.of(layer), 4096))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("minimum");

    OverlaySnapshotter off = open(QuotaBackend.OFF);
    assertThat(off.quotaSupport().enabled()).isFalse();
    assertThatThrownBy(() -> off.prepare("sized", List.of(layer), 4 * MIB))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("quota_backend is \"off\"");

    // The temp dir is not XFS with prjquota.
    assertThatThrownBy(() -> open(QuotaBackend.XFS))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("quota_backend = \"xfs\" cannot work");
    assertThat(listSnapshots()).isEmpty();
  }

  private Path mount(Snapshot s, String name) throws IOException {
    Path target = Files.createDirectory(tmp.resolve(name));
    s.mountOn(mounter, target);
    overlays.add(target);
    return target;
  }

  private void unmount(Path target) {
    mounter.unmount(target, false);
    overlays.remove(target);
  }

  private List<String> listSnapshots() throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> d =
        Files.newDirectoryStream(root.toRealPath().resolve("snapshots"))) {
      d.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  private static Optional<MountInfo> mountAt(Path point) {
    return MountInfo.current().stream()
        .filter(m -> m.mountPoint().equals(point.toString()))
        .reduce((a, b) -> b);
  }

  private static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toRealPath().toString();
    return MountInfo.current().stream()
        .map(MountInfo::mountPoint)
        .filter(p -> p.equals(prefix) || p.startsWith(prefix + "/"))
        .toList();
  }

  /** Bound loop devices whose backing file is under {@code dir}, from sysfs. */
  static List<String> loopDevicesBackedUnder(Path dir) throws IOException {
    String prefix = dir.toRealPath().toString() + "/";
    List<String> found = new ArrayList<>();
    try (Stream<Path> devices = Files.list(Path.of("/sys/block"))) {
      for (Path d : devices.filter(p -> p.getFileName().toString().startsWith("loop")).toList()) {
        Path backing = d.resolve("loop/backing_file");
        try {
          String file = Files.readString(backing).trim();
          if (file.startsWith(prefix)) {
            found.add(d.getFileName() + " -> " + file);
          }
        } catch (IOException e) {
          // Not bound (no loop/ directory), or unbound while we looked.
        }
      }
    }
    return found;
  }

  private static String backingFile(Path device) throws IOException {
    return Files.readString(
            Path.of("/sys/block", device.getFileName().toString(), "loop/backing_file"))
        .trim();
  }

  private static void write(Path file, long bytes) throws IOException {
    byte[] chunk = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long n = 0; n < bytes; n += chunk.length) {
        out.write(chunk);
      }
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
