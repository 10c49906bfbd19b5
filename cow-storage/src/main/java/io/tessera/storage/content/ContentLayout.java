package io.tessera.storage.content;

import io.tessera.storage.ref.Digest;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The on-disk layout of the content store, in one place: {@code <root>/content/blobs/<alg>/<hex>}
 * for committed blobs, {@code <root>/content/ingest/<random>} for downloads in progress (the same
 * file system, so that committing is a rename).
 */
final class ContentLayout {
  private final Path content;

  ContentLayout(Path root) {
    this.content = root.resolve("content");
  }

  Path contentDir() {
    return content;
  }

  Path blobsDir() {
    return content.resolve("blobs");
  }

  Path algorithmDir(String algorithm) {
    return blobsDir().resolve(algorithm);
  }

  Path blob(Digest digest) {
    return algorithmDir(digest.algorithm()).resolve(digest.hex());
  }

  Path ingestDir() {
    return content.resolve("ingest");
  }

  /** A fresh, unique name for one ingest attempt. */
  Path newIngestFile(Digest digest) {
    return ingestDir().resolve(digest.hex().substring(0, 12) + "-" + UUID.randomUUID());
  }
}
