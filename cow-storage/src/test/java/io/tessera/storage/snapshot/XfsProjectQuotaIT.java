package io.tessera.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.kernel.fs.ProjectQuotas;
import io.tessera.kernel.fs.ProjectQuotasJna;
import io.tessera.kernel.mount.Mounter;
import io.tessera.kernel.mount.MounterJna;
import io.tessera.storage.testing.XfsLoopDevice;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enforcement on an XFS loop device mounted with prjquota. Needs root, xfsprogs and a kernel built
 * with CONFIG_XFS_QUOTA, which the CI kernel lacks: tagged, and run with {@code -Pxfs-quota} (see
 * docs/quota.md).
 */
@Tag("xfs-quota")
class XfsProjectQuotaIT {
  private static final long MIB = 1024 * 1024;
  private static final ProjectQuotas OPS = new ProjectQuotasJna();

  @TempDir static Path tmp;
  static XfsLoopDevice xfs;

  @BeforeAll
  static void mountXfsWithProjectQuotas() {
    xfs = XfsLoopDevice.create(tmp, XfsLoopDevice.MIN_SIZE_MIB, "prjquota");
  }

  @AfterAll
  static void unmount() {
    if (xfs != null) {
      xfs.close();
    }
  }

  @Test
  void detectionFindsTheLoopDevice() {
    QuotaSupport q = QuotaSupport.detect(xfs.mountPoint(), OPS, d -> ProjectIds.FIRST + 100);
    assertThat(q.reason()).isEmpty();
    assertThat(q.device()).contains(xfs.device());
  }

  @Test
  void writingPastTheQuotaFailsWithEnospcAndTheSiblingIsUnaffected() throws Exception {
    Path capped = Files.createDirectory(xfs.mountPoint().resolve("capped"));
    Path sibling = Files.createDirectory(xfs.mountPoint().resolve("sibling"));
    int id = ProjectIds.FIRST + 1;
    OPS.assignProject(capped, id);
    OPS.setLimits(xfs.device(), id, 8 * MIB, 0);

    assertThatThrownBy(() -> write(capped.resolve("big"), 16 * MIB))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("No space left on device");
    write(sibling.resolve("big"), 16 * MIB);
    assertThat(Files.size(sibling.resolve("big"))).isEqualTo(16 * MIB);

    ProjectQuotas.Quota q = OPS.quota(xfs.device(), id).orElseThrow();
    assertThat(q.byteLimit()).isEqualTo(8 * MIB);
    assertThat(q.bytesUsed()).isLessThanOrEqualTo(8 * MIB).isGreaterThan(4 * MIB);

    OPS.setLimits(xfs.device(), id, 0, 0);
    write(capped.resolve("big"), 16 * MIB);
    assertThat(OPS.quota(xfs.device(), id).orElseThrow().byteLimit()).isZero();
  }

  @Test
  void aSizedSnapshotCapsWritesThroughItsOverlayAndRemovalClearsTheLimit() throws Exception {
    Path root = xfs.mountPoint().resolve("root");
    OverlaySnapshotter snapshotter = new OverlaySnapshotter(root, new FileOpsJna(), OPS);
    assertThat(snapshotter.quotaSupport().device()).contains(xfs.device());
    Path layer = Files.createDirectories(root.resolve("layers/sha256/x/diff"));
    Files.writeString(layer.resolve("hello"), "hi\n");
    Mounter mounter = new MounterJna();
    Path capped = Files.createDirectory(tmp.resolve("capped"));
    Path free = Files.createDirectory(tmp.resolve("free"));

    Snapshot small = snapshotter.prepare("small", List.of(layer), 8 * MIB);
    Snapshot big = snapshotter.prepare("big", List.of(layer), 0);
    assertThat(snapshotter.prepare("small", List.of(layer), 8 * MIB)).isEqualTo(small);
    assertThatThrownBy(() -> snapshotter.prepare("small", List.of(layer), 9 * MIB))
        .isInstanceOf(AlreadyExistsException.class);
    int id = OPS.projectId(root.resolve("snapshots/small"));
    assertThat(id).isGreaterThanOrEqualTo(ProjectIds.FIRST);
    assertThat(OPS.projectId(small.upperDir())).isEqualTo(id);
    assertThat(OPS.projectId(big.upperDir())).isZero();

    small.mountOn(mounter, capped);
    big.mountOn(mounter, free);
    try {
      assertThatThrownBy(() -> write(capped.resolve("fill"), 16 * MIB))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("No space left on device");
      write(free.resolve("fill"), 16 * MIB);
    } finally {
      mounter.unmount(capped, false);
      mounter.unmount(free, false);
    }

    snapshotter.remove("small");
    snapshotter.remove("big");
    assertThat(OPS.quota(xfs.device(), id).map(ProjectQuotas.Quota::byteLimit).orElse(0L)).isZero();

    // A new instance over the same root (a restart) never hands out an id still in use.
    Snapshot again = snapshotter.prepare("again", List.of(layer), 8 * MIB);
    OverlaySnapshotter restarted = new OverlaySnapshotter(root, new FileOpsJna(), OPS);
    restarted.prepare("other", List.of(layer), 8 * MIB);
    assertThat(OPS.projectId(root.resolve("snapshots/other")))
        .isNotEqualTo(OPS.projectId(root.resolve("snapshots/again")));
    assertThat(again.upperDir()).isDirectory();
    restarted.remove("again");
    restarted.remove("other");
  }

  private static void write(Path file, long bytes) throws IOException {
    byte[] chunk = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long n = 0; n < bytes; n += chunk.length) {
        out.write(chunk);
      }
      out.flush();
    }
    // Delayed allocation: the quota is charged at write(2) on XFS, fsync makes sure of it.
    try (var ch =
        java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }
}
