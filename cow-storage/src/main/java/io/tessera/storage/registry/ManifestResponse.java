package io.tessera.storage.registry;

import io.tessera.storage.ref.Digest;
import java.util.Objects;

/**
 * A manifest or index exactly as the registry served it.
 *
 * @param digest the digest of {@link #content()} (verified against the requested digest when the
 *     request named one)
 * @param mediaType the document's media type (from Content-Type, or the document itself)
 * @param content the raw bytes; the array is not copied, do not modify it
 */
public record ManifestResponse(Digest digest, String mediaType, byte[] content) {
  public ManifestResponse {
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(content, "content");
  }

  /** A descriptor of this document. */
  public Descriptor descriptor() {
    return Descriptor.of(mediaType, digest, content.length);
  }
}
