package io.tessera.storage.registry;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.storage.ref.Digest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A content descriptor (OCI image spec, descriptor.md): what a blob or manifest is, its digest and
 * its exact size. Immutable.
 *
 * @param mediaType the blob's media type
 * @param digest the blob's digest
 * @param size the blob's length in bytes; a download that yields another length is refused
 * @param urls alternative download locations (foreign layers only; Tessera does not use them)
 * @param annotations arbitrary metadata
 * @param platform set on the entries of an image index
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    Optional<Platform> platform) {

  /** Copies the collections and checks the size. */
  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new InvalidArgumentException("descriptor " + digest + ": negative size " + size);
    }
    urls = List.copyOf(urls);
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(platform, "platform");
  }

  /** A descriptor without urls, annotations or platform. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, List.of(), Map.of(), Optional.empty());
  }
}
