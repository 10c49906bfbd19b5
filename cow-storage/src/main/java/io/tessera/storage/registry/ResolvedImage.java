package io.tessera.storage.registry;

import io.tessera.storage.ref.Digest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link RegistryClient#resolve}: which endpoint answered, what the reference
 * pointed at, and the manifest for the requested platform.
 *
 * @param endpoints the endpoints to fetch blobs from, the one that served the manifest first
 * @param repoDigest the digest the reference resolved to: the index's when it names an index, else
 *     the manifest's (the digest {@code image@digest} would pin)
 * @param index the index or manifest list, when the reference named one
 * @param manifest the platform's manifest as served
 * @param parsed {@link #manifest()} parsed; config and layers are checked to be runnable
 */
public record ResolvedImage(
    List<RegistryEndpoint> endpoints,
    Digest repoDigest,
    Optional<ManifestResponse> index,
    ManifestResponse manifest,
    ImageManifest parsed) {

  public ResolvedImage {
    endpoints = List.copyOf(endpoints);
    Objects.requireNonNull(repoDigest, "repoDigest");
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(manifest, "manifest");
    Objects.requireNonNull(parsed, "parsed");
  }
}
