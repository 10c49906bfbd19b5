package io.tessera.storage.snapshot;

import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Short symlinks {@code <layers>/l/<id>} to layer directories, so an overlay of many layers fits in
 * one page of mount data. The id is the first 26 hex digits of the SHA-256 of the layer directory's
 * absolute path: derived, so the same layer always gets the same link without a map to persist, and
 * 104 bits make a collision implausible.
 *
 * <p>Thread-safe: a link is built under a temp name and renamed into place, so concurrent or
 * repeated {@link #ensure} calls for one layer leave exactly one correct link.
 */
final class LayerLinks {
  private static final Logger log = LoggerFactory.getLogger(LayerLinks.class);

  static final String DIR = "l";
  static final int ID_LENGTH = 26;
  private static final String TEMP_PREFIX = ".tmp-";

  private final Path linkDir;

  /** Opens {@code layersDir/l}, creating it, and drops temp and dangling links. */
  LayerLinks(Path layersDir) {
    this.linkDir = layersDir.resolve(DIR);
    try {
      Files.createDirectories(linkDir);
    } catch (IOException e) {
      throw new InternalException("create layer link directory " + linkDir + ": " + e, e);
    }
    sweep();
  }

  /** The link of {@code layerDir} relative to the layers directory: {@code l/<id>}. */
  static Path relative(Path layerDir) {
    return Path.of(DIR, id(layerDir));
  }

  static String id(Path layerDir) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(layerDir.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, ID_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** Makes sure {@code l/<id>} points at {@code layerDir} (absolute). Idempotent. */
  void ensure(Path layerDir) {
    Path link = linkDir.resolve(id(layerDir));
    if (pointsAt(link, layerDir)) {
      return;
    }
    if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
      throw new InternalException(
          "layer link " + link + " exists but does not point at " + layerDir);
    }
    Path temp = linkDir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      Files.createSymbolicLink(temp, layerDir);
      // rename(2) replaces a link another thread renamed there meanwhile; both are identical.
      Files.move(temp, link, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new InternalException("create layer link " + link + " -> " + layerDir + ": " + e, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        log.warn("could not remove temp layer link {}", temp, e);
      }
    }
  }

  private static boolean pointsAt(Path link, Path layerDir) {
    try {
      return Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(layerDir);
    } catch (IOException e) {
      return false; // removed meanwhile: recreate
    }
  }

  /** Removes temp links left by a crash and links whose layer is gone. */
  private void sweep() {
    try (DirectoryStream<Path> links = Files.newDirectoryStream(linkDir)) {
      for (Path link : links) {
        boolean temp = link.getFileName().toString().startsWith(TEMP_PREFIX);
        if (temp || !Files.exists(link)) {
          log.info("layer links: removing {} link {}", temp ? "leftover" : "dangling", link);
          Files.deleteIfExists(link);
        }
      }
    } catch (IOException e) {
      throw new InternalException("sweep layer links in " + linkDir + ": " + e, e);
    }
  }
}
