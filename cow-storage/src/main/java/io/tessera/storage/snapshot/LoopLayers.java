package io.tessera.storage.snapshot;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.fs.LoopDevices;
import io.tessera.kernel.mount.Mounter;
import io.tessera.kernel.proc.CommandResult;
import io.tessera.kernel.proc.HostCommand;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@link QuotaBackend#LOOP} mechanism: a sized writable layer lives on its own ext4 file
 * system, a sparse image file of exactly the size, bound to a self-clearing loop device and
 * mounted, so writes past the size fail with ENOSPC from the kernel without any quota support:
 *
 * <pre>
 * snapshots/&lt;key&gt;/layer.img   the image (sparse; blocks are allocated as the layer fills)
 * snapshots/&lt;key&gt;/layer/      its mount point; overlayfs upperdir and workdir are layer/fs and
 *                             layer/work (they must be on one file system)
 * </pre>
 *
 * <p>The file system has no journal and no reserved blocks: a writable layer is scratch space whose
 * contents do not survive the container anyway, and a journal would take a few MiB of a small cap.
 * Inode tables are left to be zeroed lazily; the image is sparse, so they read as zeros already,
 * and mounting with {@code noinit_itable} keeps the kernel from writing them out in the background.
 *
 * <p>Thread-safe (stateless apart from its collaborators). Loop devices are never tracked: they go
 * with the last unmount (LO_FLAGS_AUTOCLEAR).
 */
public final class LoopLayers {
  static final String IMAGE = "layer.img";
  static final String MOUNT_POINT = "layer";

  /** Below this an ext4 has hardly any room after its own metadata. */
  static final long MIN_BYTES = 1L << 20;

  private static final List<Path> MKFS_CANDIDATES =
      List.of(Path.of("/usr/sbin/mkfs.ext4"), Path.of("/sbin/mkfs.ext4"));

  private final LoopDevices loops;
  private final Mounter mounter;
  private final String mkfs;

  public LoopLayers(LoopDevices loops, Mounter mounter) {
    this.loops = loops;
    this.mounter = mounter;
    this.mkfs =
        MKFS_CANDIDATES.stream()
            .filter(Files::isExecutable)
            .findFirst()
            .map(Path::toString)
            .orElse("mkfs.ext4");
  }

  /**
   * Why the backend cannot work on this host (no usable {@code /dev/loop-control}, no working
   * {@code mkfs.ext4}), or empty. Creates nothing.
   */
  public Optional<String> unusableReason() {
    Optional<String> noLoop = loops.unusableReason();
    if (noLoop.isPresent()) {
      return Optional.of("loop devices unusable: " + noLoop.get());
    }
    try {
      CommandResult r = HostCommand.of(mkfs, "-V").timeout(Duration.ofSeconds(30)).run();
      if (!r.ok()) {
        return Optional.of(r.describe() + " (install e2fsprogs)");
      }
    } catch (TesseraException e) {
      return Optional.of("cannot run " + mkfs + ": " + e.getMessage() + " (install e2fsprogs)");
    }
    return Optional.empty();
  }

  /** Where the layer file system of the snapshot directory {@code dir} is mounted. */
  static Path mountPoint(Path dir) {
    return dir.resolve(MOUNT_POINT);
  }

  /**
   * Creates {@code dir/layer.img} of {@code bytes}, formats it and mounts it on {@code dir/layer}.
   * On failure the mount is undone; the files are left for the caller's cleanup of {@code dir}.
   */
  void create(Path dir, long bytes) {
    Path image = dir.resolve(IMAGE);
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      // ftruncate: a sparse file, so an unused cap costs no disk space.
      f.setLength(bytes);
    } catch (IOException e) {
      throw new InternalException("create layer image " + image + ": " + e, e);
    }
    CommandResult r =
        HostCommand.of(
                mkfs,
                "-q",
                "-F",
                "-O",
                "^has_journal",
                "-m",
                "0",
                "-E",
                "lazy_itable_init=1,nodiscard",
                image.toString())
            .timeout(Duration.ofMinutes(2))
            .run();
    if (!r.ok()) {
      throw new InternalException("format layer image " + image + ": " + r.describe());
    }
    try {
      Files.createDirectory(mountPoint(dir));
    } catch (IOException e) {
      throw new InternalException("create mount point in " + dir + ": " + e, e);
    }
    mount(dir);
  }

  /** Binds {@code dir/layer.img} to a loop device and mounts it on {@code dir/layer}. */
  void mount(Path dir) {
    Path image = dir.resolve(IMAGE);
    if (!Files.isRegularFile(image)) {
      throw new FailedPreconditionException("mount layer of " + dir + ": " + image + " is missing");
    }
    try (LoopDevices.Attached loop = loops.attach(image)) {
      // The handle is closed only after the mount holds the device, or autoclear would free it.
      mounter.mount(loop.device().toString(), mountPoint(dir), "ext4", 0, "noinit_itable");
    } catch (TesseraException e) {
      throw new InternalException("mount layer image " + image + ": " + e.getMessage(), e);
    }
  }

  boolean isMounted(Path dir) {
    return mounter.isMountPoint(mountPoint(dir));
  }

  /**
   * Unmounts the layer file system of {@code dir} if mounted; the loop device goes with it.
   *
   * @param detach lazily (for leftovers), else a busy file system fails FAILED_PRECONDITION
   */
  void unmount(Path dir, boolean detach) {
    mounter.unmount(mountPoint(dir), detach);
  }
}
