package io.tessera.storage.layer;

import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.fs.FileOps;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Removal of whole trees as an unpacked layer can leave them. */
final class Trees {
  private Trees() {}

  /**
   * Deletes {@code root} and everything below it without following symlinks. Directories are made
   * writable and searchable first, because a layer may hold directories with mode 0 or 0555. Absent
   * is fine.
   */
  static void deleteRecursively(Path root, FileOps ops) throws IOException {
    delete(root, ops, true);
  }

  private static void delete(Path root, FileOps ops, boolean retryUnreadable) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            try {
              // Entries can only be removed from a writable directory (without CAP_DAC_OVERRIDE).
              ops.chmod(dir, 0700);
            } catch (TesseraException e) {
              // Deleting may still work; a real failure shows up there.
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
            if (exc instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            if (!retryUnreadable || !Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
              throw exc;
            }
            // A directory that could not be opened (mode 0 without CAP_DAC_READ_SEARCH).
            try {
              ops.chmod(file, 0700);
            } catch (TesseraException e) {
              exc.addSuppressed(e);
              throw exc;
            }
            delete(file, ops, false);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            if (exc != null) {
              throw exc;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
