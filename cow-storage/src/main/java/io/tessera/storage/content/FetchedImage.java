package io.tessera.storage.content;

import io.tessera.storage.ref.Digest;
import io.tessera.storage.ref.ImageReference;
import io.tessera.storage.registry.Descriptor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An image {@link ImageFetcher#fetch} has put in the {@link ContentStore}: every blob named here is
 * stored and verified.
 *
 * @param reference the reference as requested (not rewritten to a mirror)
 * @param repoDigest what the reference resolved to: the index digest for a multi-platform image,
 *     else the manifest digest; {@code reference.byDigest(repoDigest)} is CRI's repo digest
 * @param index the index (or manifest list) descriptor, when the reference named one
 * @param manifest the platform's manifest descriptor (media type, digest, size)
 * @param manifestBytes the manifest exactly as stored; the array is not copied, do not modify it
 * @param config the image config descriptor; its digest is the image id
 * @param layers the layers, base first, as the manifest lists them
 */
public record FetchedImage(
    ImageReference reference,
    Digest repoDigest,
    Optional<Descriptor> index,
    Descriptor manifest,
    byte[] manifestBytes,
    Descriptor config,
    List<Descriptor> layers) {

  public FetchedImage {
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(repoDigest, "repoDigest");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(manifestBytes, "manifestBytes");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
  }

  /** {@code registry/repository@repoDigest}: the image pinned to what was pulled. */
  public ImageReference repoDigestReference() {
    return reference.byDigest(repoDigest);
  }

  /** The manifest's digest. */
  public Digest manifestDigest() {
    return manifest.digest();
  }

  /** The config blob's digest (the image id). */
  public Digest configDigest() {
    return config.digest();
  }
}
