package io.tessera.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.kernel.fs.FileOps.NodeType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real system calls on a temp dir; needs root (CAP_MKNOD, CAP_SYS_ADMIN). */
class FileOpsJnaIT {

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  private final FileOps ops = new FileOpsJna();

  @TempDir Path dir;

  @BeforeAll
  static void requireRoot() throws Exception {
    assertThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
        .as("FileOpsJnaIT must run as root")
        .isEqualTo(0);
  }

  @Test
  void mknodCreatesAWhiteoutStyleCharDeviceWithExactMode() throws Exception {
    Path node = dir.resolve("wh");
    ops.mknod(node, NodeType.CHAR_DEVICE, 0, 0, 0);

    assertThat(mode(node) & 0170000).isEqualTo(0020000);
    assertThat(mode(node) & 07777).isZero();
    assertThat((long) Files.getAttribute(node, "unix:rdev", NOFOLLOW)).isZero();
  }

  @Test
  void mknodCreatesBlockDevicesWithTheirNumbers() throws Exception {
    Path node = dir.resolve("blk");
    ops.mknod(node, NodeType.BLOCK_DEVICE, 0660, 7, 300);

    assertThat(mode(node) & 0170000).isEqualTo(0060000);
    assertThat(mode(node) & 07777).isEqualTo(0660);
    long rdev = (long) Files.getAttribute(node, "unix:rdev", NOFOLLOW);
    assertThat(DeviceNumbers.major(rdev)).isEqualTo(7);
    assertThat(DeviceNumbers.minor(rdev)).isEqualTo(300);
  }

  @Test
  void mknodCreatesAFifoIgnoringTheUmask() throws Exception {
    Path fifo = dir.resolve("fifo");
    ops.mknod(fifo, NodeType.FIFO, 0666, 0, 0);

    assertThat(mode(fifo) & 0170000).isEqualTo(0010000);
    assertThat(mode(fifo) & 07777).isEqualTo(0666);
  }

  @Test
  void mknodOnAnExistingNameFailsWithAlreadyExists() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertThatThrownBy(() -> ops.mknod(file, NodeType.FIFO, 0644, 0, 0))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("mknod " + file)
        .hasMessageContaining("File exists")
        .hasCauseInstanceOf(ErrnoException.class);
  }

  @Test
  void chmodSetsSetuidSetgidAndSticky() throws Exception {
    Path file = Files.writeString(dir.resolve("suid"), "x");
    ops.chmod(file, 04755);
    assertThat(mode(file) & 07777).isEqualTo(04755);

    Path sub = Files.createDirectory(dir.resolve("d"));
    ops.chmod(sub, 03775);
    assertThat(mode(sub) & 07777).isEqualTo(03775);
  }

  @Test
  void chmodRefusesSymlinksAndBadModes() throws Exception {
    Path target = Files.writeString(dir.resolve("t"), "x");
    ops.chmod(target, 0600);
    Path link = Files.createSymbolicLink(dir.resolve("l"), target);

    assertThatThrownBy(() -> ops.chmod(link, 0777)).isInstanceOf(UnimplementedException.class);
    assertThat(mode(target) & 07777).as("target must be untouched").isEqualTo(0600);
    assertThatThrownBy(() -> ops.chmod(target, 0100644))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void chmodOfAMissingFileNamesThePath() {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> ops.chmod(missing, 0644))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("fchmodat " + missing)
        .hasMessageContaining("No such file or directory");
  }

  @Test
  void symlinkKeepsTheTargetVerbatim() throws Exception {
    Path link = dir.resolve("l");
    ops.symlink("../a//b/", link);
    assertThat(Files.readSymbolicLink(link).toString()).isEqualTo("../a//b/");
    assertThatThrownBy(() -> ops.symlink("x", link)).isInstanceOf(AlreadyExistsException.class);
  }

  @Test
  void trustedXattrsRoundTripOnDirectoriesAndBinaryValues() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("opaque"));
    ops.setXattr(sub, "trusted.overlay.opaque", "y".getBytes(StandardCharsets.UTF_8));
    byte[] binary = {1, 0, 0, 2, (byte) 0x80, 4, 0, 0, (byte) 0xff};
    ops.setXattr(sub, "trusted.tessera.bin", binary);

    assertThat(ops.getXattr(sub, "trusted.overlay.opaque")).contains("y".getBytes());
    assertThat(ops.getXattr(sub, "trusted.tessera.bin")).contains(binary);
    assertThat(ops.getXattr(sub, "trusted.absent")).isEmpty();
    assertThat(ops.listXattrs(sub))
        .contains("trusted.overlay.opaque", "trusted.tessera.bin")
        .doesNotContain("trusted.absent");
  }

  @Test
  void xattrsOnASymlinkDoNotReachItsTarget() throws Exception {
    Path target = Files.writeString(dir.resolve("t"), "x");
    Path link = Files.createSymbolicLink(dir.resolve("l"), target);
    ops.setXattr(link, "trusted.on-link", new byte[] {42});

    assertThat(ops.getXattr(link, "trusted.on-link")).contains(new byte[] {42});
    assertThat(ops.getXattr(target, "trusted.on-link")).isEmpty();
    assertThat(ops.listXattrs(target)).doesNotContain("trusted.on-link");
  }

  @Test
  void removeXattrRemovesAndToleratesAbsence() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    ops.setXattr(file, "trusted.gone", new byte[] {1});
    ops.removeXattr(file, "trusted.gone");
    ops.removeXattr(file, "trusted.gone");
    assertThat(ops.getXattr(file, "trusted.gone")).isEmpty();
  }

  @Test
  void emptyXattrValueRoundTrips() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    ops.setXattr(file, "user.empty", new byte[0]);
    assertThat(ops.getXattr(file, "user.empty")).contains(new byte[0]);
  }

  @Test
  void timesRoundTripOnASymlinkWithNanosecondsLeavingTheTarget() throws Exception {
    Path target = Files.writeString(dir.resolve("t"), "x");
    FileTime targetBefore = Files.getLastModifiedTime(target);
    Path link = Files.createSymbolicLink(dir.resolve("l"), Path.of("t"));
    Instant atime = Instant.parse("2001-02-03T04:05:06.123456789Z");
    Instant mtime = Instant.parse("1999-12-31T23:59:59.987654321Z");

    ops.setTimes(link, atime, mtime);

    assertThat(Files.getLastModifiedTime(link, NOFOLLOW).toInstant()).isEqualTo(mtime);
    assertThat(((FileTime) Files.getAttribute(link, "lastAccessTime", NOFOLLOW)).toInstant())
        .isEqualTo(atime);
    assertThat(Files.getLastModifiedTime(target)).isEqualTo(targetBefore);
  }

  @Test
  void timesBeforeTheEpochRoundTrip() throws Exception {
    Path file = Files.writeString(dir.resolve("old"), "x");
    Instant mtime = Instant.parse("1960-01-01T00:00:00.5Z");
    ops.setTimes(file, mtime, mtime);
    assertThat(Files.getLastModifiedTime(file, NOFOLLOW).toInstant()).isEqualTo(mtime);
  }

  @Test
  void syncFilesystemSucceedsOnADirectoryAndNamesAMissingOne() {
    ops.syncFilesystem(dir);
    assertThatThrownBy(() -> ops.syncFilesystem(dir.resolve("nope")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("open " + dir.resolve("nope"));
  }

  private static int mode(Path p) throws Exception {
    return (int) Files.getAttribute(p, "unix:mode", NOFOLLOW);
  }
}
