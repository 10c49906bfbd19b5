package io.tessera.storage.registry;

import io.tessera.kernel.errors.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An image index (OCI) or manifest list (Docker): one manifest per platform. Immutable. Parse wire
 * bytes with {@link #parse}.
 *
 * @param mediaType {@link MediaTypes#OCI_INDEX} or {@link MediaTypes#DOCKER_MANIFEST_LIST}
 * @param manifests the entries, in the order the index lists them
 * @param annotations the index's annotations
 */
public record ImageIndex(
    String mediaType, List<Descriptor> manifests, Map<String, String> annotations) {

  /** Copies the collections. */
  public ImageIndex {
    Objects.requireNonNull(mediaType, "mediaType");
    manifests = List.copyOf(manifests);
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parses index JSON served with Content-Type {@code contentType} (null or generic when the server
   * gave none).
   *
   * @throws io.tessera.kernel.errors.InvalidArgumentException when the bytes are not a valid index
   */
  public static ImageIndex parse(byte[] json, String contentType) {
    return ManifestTranslator.toIndex(ManifestTranslator.read(json), contentType);
  }

  /**
   * The entry to run on {@code platform}: an exact match if there is one, else the most compatible
   * one (for arm, the nearest older variant); the first listed wins a tie. Entries without a
   * platform are never chosen.
   *
   * @throws NotFoundException when no entry runs on {@code platform}, listing those there are
   */
  public Descriptor select(Platform platform) {
    Descriptor best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Descriptor d : manifests) {
      if (d.platform().isEmpty()) {
        continue;
      }
      int rank = platform.compatibility(d.platform().get());
      if (rank >= 0 && rank < bestRank) {
        best = d;
        bestRank = rank;
      }
    }
    if (best == null) {
      String available =
          manifests.stream()
              .map(d -> d.platform().map(Platform::toString).orElse("(no platform)"))
              .collect(Collectors.joining(", "));
      throw new NotFoundException(
          "image index has no manifest for platform "
              + platform
              + "; available: "
              + (available.isEmpty() ? "none" : available));
    }
    return best;
  }
}
