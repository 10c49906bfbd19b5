package io.tessera.storage.registry;

import io.tessera.kernel.errors.FailedPreconditionException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A single-platform image manifest (OCI image manifest or Docker schema 2): the config blob and the
 * layers, base layer first. Immutable. Parse wire bytes with {@link #parse}.
 *
 * @param mediaType {@link MediaTypes#OCI_MANIFEST} or {@link MediaTypes#DOCKER_MANIFEST}
 * @param config the image config blob
 * @param layers the filesystem layers, in application order
 * @param annotations the manifest's annotations
 */
public record ImageManifest(
    String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {

  /** Copies the collections. */
  public ImageManifest {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(config, "config");
    layers = List.copyOf(layers);
    annotations = Map.copyOf(annotations);
  }

  /**
   * Parses manifest JSON served with Content-Type {@code contentType} (null or generic when the
   * server gave none; the document's own {@code mediaType} then decides).
   *
   * @throws io.tessera.kernel.errors.InvalidArgumentException when the bytes are not a valid image
   *     manifest
   */
  public static ImageManifest parse(byte[] json, String contentType) {
    return ManifestTranslator.toManifest(ManifestTranslator.read(json), contentType);
  }

  /**
   * Checks that this is a container image Tessera can run: an image config and only layer types it
   * can unpack.
   *
   * @throws io.tessera.kernel.errors.FailedPreconditionException naming the offending blob
   */
  public void requireRunnable() {
    if (!MediaTypes.isImageConfig(config.mediaType())) {
      throw new FailedPreconditionException(
          "manifest config "
              + config.digest()
              + " has media type "
              + config.mediaType()
              + ": not a container image (an OCI artifact?)");
    }
    for (Descriptor layer : layers) {
      try {
        MediaTypes.layerCompression(layer.mediaType());
      } catch (FailedPreconditionException e) {
        throw new FailedPreconditionException("layer " + layer.digest() + ": " + e.getMessage(), e);
      }
    }
  }
}
