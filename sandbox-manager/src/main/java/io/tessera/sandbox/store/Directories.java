package io.tessera.sandbox.store;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.mount.MountInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/** Removal of object directories, refusing any that still has something mounted inside. */
final class Directories {
  private Directories() {}

  /**
   * @throws FailedPreconditionException if {@code dir} or anything below it is a mount point:
   *     deleting through a mount would destroy what is mounted (an image, a host path)
   */
  static void requireNothingMounted(Path dir, String what) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    String real = dir.toRealPath().toString();
    List<MountInfo> mounts;
    try {
      mounts = MountInfo.current();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    for (MountInfo m : mounts) {
      String p = m.mountPoint();
      if (p.equals(real) || p.startsWith(real + "/")) {
        throw new FailedPreconditionException(
            "delete " + what + ": " + p + " is still mounted inside " + dir);
      }
    }
  }

  /** Deletes {@code path} and everything below it, never following symbolic links. */
  static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        path,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
