package io.tessera.storage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small XFS file system on a loop device, mounted on a temp directory: a sparse image file,
 * mkfs.xfs, {@code losetup -f --show}, mount with the given options (e.g. {@code prjquota}). {@link
 * #close} unmounts, detaches the loop device and deletes the image and directories; a failure while
 * creating undoes the steps done so far. Needs root and xfsprogs; fails, never skips.
 */
public final class XfsLoopDevice implements AutoCloseable {
  /** mkfs.xfs refuses file systems below 300 MiB. */
  public static final long MIN_SIZE_MIB = 300;

  private final Path dir;
  private final Path image;
  private final Path device;
  private final Path mountPoint;

  private XfsLoopDevice(Path dir, Path image, Path device, Path mountPoint) {
    this.dir = dir;
    this.image = image;
    this.device = device;
    this.mountPoint = mountPoint;
  }

  /**
   * Creates the file system under a new temp directory in {@code parent} and mounts it.
   *
   * @param options mount options, e.g. {@code "prjquota"}; empty for none
   */
  public static XfsLoopDevice create(Path parent, long sizeMiB, String options) {
    List<Runnable> undo = new ArrayList<>();
    try {
      Path dir = Files.createTempDirectory(parent, "xfs-");
      undo.add(() -> deleteQuietly(dir));
      Path image = dir.resolve("xfs.img");
      Path mountPoint = Files.createDirectory(dir.resolve("mnt"));
      undo.add(() -> deleteQuietly(mountPoint));
      Umoci.run("truncate", "-s", Math.max(sizeMiB, MIN_SIZE_MIB) + "M", image.toString());
      undo.add(() -> deleteQuietly(image));
      Umoci.run("mkfs.xfs", "-q", image.toString());
      Path device = Path.of(Umoci.run("losetup", "-f", "--show", image.toString()).trim());
      undo.add(() -> Umoci.run("losetup", "-d", device.toString()));
      List<String> mount = new ArrayList<>(List.of("mount", "-t", "xfs"));
      if (!options.isEmpty()) {
        mount.addAll(List.of("-o", options));
      }
      mount.addAll(List.of(device.toString(), mountPoint.toString()));
      try {
        Umoci.run(mount);
      } catch (IllegalStateException e) {
        throw new IllegalStateException(e.getMessage() + "kernel says: " + kernelTail(), e);
      }
      return new XfsLoopDevice(dir, image, device, mountPoint);
    } catch (IOException | RuntimeException e) {
      for (int i = undo.size() - 1; i >= 0; i--) {
        try {
          undo.get(i).run();
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException(io);
      }
      throw (RuntimeException) e;
    }
  }

  public Path mountPoint() {
    return mountPoint;
  }

  public Path device() {
    return device;
  }

  /** Unmounts (lazily if still busy), detaches the loop device, deletes the image. */
  @Override
  public void close() {
    try {
      Umoci.run("umount", mountPoint.toString());
    } catch (IllegalStateException busy) {
      Umoci.run("umount", "-l", mountPoint.toString());
    }
    Umoci.run("losetup", "-d", device.toString());
    deleteQuietly(image);
    deleteQuietly(mountPoint);
    deleteQuietly(dir);
  }

  /** The kernel's last XFS message, which says why a mount was refused. */
  private static String kernelTail() {
    try {
      String last = "(no XFS message)";
      for (String line : Umoci.run("dmesg").split("\n")) {
        if (line.contains("XFS (")) {
          last = line;
        }
      }
      return last;
    } catch (IllegalStateException e) {
      return "(dmesg unreadable)";
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // the caller's temp dir clean-up reports what is left
    }
  }
}
