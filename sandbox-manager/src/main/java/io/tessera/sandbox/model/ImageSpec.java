package io.tessera.sandbox.model;

import java.util.Map;
import java.util.Objects;

/**
 * A reference to an image exactly as the request gave it (CRI ImageSpec).
 *
 * @param image image id or reference
 * @param userSpecifiedImage the reference as the user wrote it, when known; else empty
 * @param runtimeHandler handler to resolve with; empty = default
 * @param imageRef digest of an image volume's image; else empty
 */
public record ImageSpec(
    String image,
    Map<String, String> annotations,
    String userSpecifiedImage,
    String runtimeHandler,
    String imageRef) {
  public ImageSpec {
    Checks.nonEmpty(image, "image");
    annotations = Map.copyOf(annotations);
    Objects.requireNonNull(userSpecifiedImage, "user specified image");
    Objects.requireNonNull(runtimeHandler, "image runtime handler");
    Objects.requireNonNull(imageRef, "image ref");
  }

  /** An image given by reference only. */
  public static ImageSpec of(String image) {
    return new ImageSpec(image, Map.of(), "", "", "");
  }
}
