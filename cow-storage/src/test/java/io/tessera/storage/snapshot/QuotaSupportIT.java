package io.tessera.storage.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.kernel.fs.ProjectQuotas;
import io.tessera.kernel.fs.ProjectQuotasJna;
import io.tessera.kernel.jna.LibcQuota;
import io.tessera.storage.testing.Umoci;
import io.tessera.storage.testing.XfsLoopDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quota detection and project ids on real file systems where quotas cannot be enforced: a tmpfs,
 * and an XFS loop device mounted without prjquota. Needs root and xfsprogs.
 */
class QuotaSupportIT {
  private static final ProjectQuotas OPS = new ProjectQuotasJna();

  @TempDir static Path tmp;
  static XfsLoopDevice plainXfs;

  @BeforeAll
  static void mountPlainXfs() {
    plainXfs = XfsLoopDevice.create(tmp, XfsLoopDevice.MIN_SIZE_MIB, "");
  }

  @AfterAll
  static void unmount() {
    if (plainXfs != null) {
      plainXfs.close();
    }
  }

  @Test
  void detectionIsOffOnTmpfsBecauseItIsNotXfs() throws Exception {
    Path mnt = Files.createDirectory(tmp.resolve("tmpfs"));
    Umoci.run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt.toString());
    try {
      QuotaSupport q = QuotaSupport.detect(mnt, OPS, d -> ProjectIds.FIRST);
      assertThat(q.enabled()).isFalse();
      assertThat(q.reason()).contains(mnt + " is on tmpfs").contains("not XFS");
      assertThat(OPS.filesystemType(mnt)).isEqualTo(0x01021994L); // TMPFS_MAGIC
    } finally {
      Umoci.run("umount", mnt.toString());
    }
  }

  @Test
  void detectionIsOffOnXfsMountedWithoutPrjquota() {
    assertThat(OPS.filesystemType(plainXfs.mountPoint())).isEqualTo(LibcQuota.XFS_SUPER_MAGIC);
    QuotaSupport q = QuotaSupport.detect(plainXfs.mountPoint(), OPS, d -> ProjectIds.FIRST);
    assertThat(q.enabled()).isFalse();
    assertThat(q.reason())
        .contains(plainXfs.device() + " on " + plainXfs.mountPoint())
        .contains("without prjquota");
  }

  @Test
  void projectIdsAreSetWithInheritanceEvenWithoutQuotas() throws Exception {
    Path dir = Files.createDirectory(plainXfs.mountPoint().resolve("proj"));
    assertThat(OPS.projectId(dir)).isZero();
    OPS.assignProject(dir, ProjectIds.FIRST + 3);
    assertThat(OPS.projectId(dir)).isEqualTo(ProjectIds.FIRST + 3);
    Path child = Files.createDirectories(dir.resolve("a/b"));
    Path file = Files.writeString(child.resolve("f"), "x");
    assertThat(OPS.projectId(child)).isEqualTo(ProjectIds.FIRST + 3);
    assertThat(OPS.projectId(file)).isEqualTo(ProjectIds.FIRST + 3);
    assertThatThrownBy(() -> OPS.assignProject(dir, 0))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void quotactlWithoutQuotasOnTheMountFailsAsUnsupported() {
    // ENOSYS on kernels without XFS quota support, ESRCH where quotas are merely not mounted.
    assertThatThrownBy(() -> OPS.quota(plainXfs.device(), ProjectIds.FIRST))
        .isInstanceOfAny(UnimplementedException.class, FailedPreconditionException.class)
        .hasMessageContaining("quotactl(Q_XGETQUOTA, " + plainXfs.device());
  }

  @Test
  void aSizedSnapshotIsRefusedWithTheReasonAndLeavesNothing() throws Exception {
    Path root = plainXfs.mountPoint().resolve("root");
    OverlaySnapshotter snapshotter = new OverlaySnapshotter(root, new FileOpsJna(), OPS);
    assertThat(snapshotter.quotaSupport().enabled()).isFalse();
    Path layer = Files.createDirectories(root.resolve("layers/sha256/x/diff"));

    assertThatThrownBy(() -> snapshotter.prepare("c1", List.of(layer), 20L << 20))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("prepare snapshot c1")
        .hasMessageContaining("20971520 bytes")
        .hasMessageContaining("writable-layer quotas are off")
        .hasMessageContaining("without prjquota");
    try (Stream<Path> s = Files.list(root.resolve("snapshots"))) {
      assertThat(s).isEmpty();
    }
    // Without a size the snapshot works as before.
    assertThat(snapshotter.prepare("c2", List.of(layer), 0).upperDir()).isDirectory();
    snapshotter.remove("c2");
  }
}
