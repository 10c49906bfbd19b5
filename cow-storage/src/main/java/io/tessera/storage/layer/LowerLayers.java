package io.tessera.storage.layer;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.fs.FileOps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The already unpacked layers below the one being unpacked, looked up the way overlayfs merges
 * them: per path component, from the top layer down, stopping at a whiteout, a non-directory or an
 * opaque directory. Used only to find which directory supplies the metadata of a directory the new
 * layer implies without a header of its own (a changeset leaves such a directory unchanged).
 */
final class LowerLayers {

  private static final byte[] OPAQUE = {'y'};

  private final List<Path> roots;
  private final FileOps ops;

  /**
   * @param roots diff directories, the layer directly below first
   */
  LowerLayers(List<Path> roots, FileOps ops) {
    this.roots = List.copyOf(roots);
    this.ops = ops;
  }

  /** The directory at {@code components} in the merged view, from its top-most layer. */
  Optional<Path> directory(List<String> components) {
    List<Path> layers = new ArrayList<>(roots);
    if (layers.isEmpty()) {
      return Optional.empty();
    }
    for (String component : components) {
      List<Path> next = new ArrayList<>();
      for (Path dir : layers) {
        Path candidate = dir.resolve(component);
        Map<String, Object> attrs = lstat(candidate);
        if (attrs == null) {
          continue;
        }
        int mode = (int) attrs.get("mode");
        if (isWhiteout(mode, (long) attrs.get("rdev"))) {
          break;
        }
        if ((mode & 0170000) != 0040000) {
          if (next.isEmpty()) {
            return Optional.empty(); // a non-directory hides everything below it
          }
          break;
        }
        next.add(candidate);
        if (isOpaque(candidate)) {
          break;
        }
      }
      if (next.isEmpty()) {
        return Optional.empty();
      }
      layers = next;
    }
    return Optional.of(layers.get(0));
  }

  /** The root of the top lower layer, which gives the merged root its metadata. */
  Optional<Path> root() {
    return roots.isEmpty() ? Optional.empty() : Optional.of(roots.get(0));
  }

  static boolean isWhiteout(int mode, long rdev) {
    return (mode & 0170000) == 0020000 && rdev == 0;
  }

  private boolean isOpaque(Path dir) {
    return ops.getXattr(dir, LayerUnpacker.OPAQUE_XATTR)
        .map(v -> Arrays.equals(v, OPAQUE))
        .orElse(false);
  }

  private static Map<String, Object> lstat(Path p) {
    try {
      return Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new InternalException("lstat lower layer path " + p + ": " + e, e);
    }
  }
}
