package io.tessera.storage.registry;

import io.tessera.storage.ref.ImageReference;
import java.net.URI;
import java.util.Objects;

/**
 * One place to pull an image from: a registry host reached over HTTPS (or plain HTTP when
 * insecure), and the image's name there (a mirror may keep it under another path). Immutable.
 *
 * @param reference the image as this endpoint names it (registry, repository, tag/digest)
 * @param insecure true to use plain HTTP
 * @param mirror true for a mirror, false for the image's own (possibly relocated) registry
 */
public record RegistryEndpoint(ImageReference reference, boolean insecure, boolean mirror) {

  /** Docker Hub's API is not served on the name people use for it. */
  private static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";

  public RegistryEndpoint {
    Objects.requireNonNull(reference, "reference");
  }

  /** The registry the image is named under, without relocation (a plain HTTPS endpoint). */
  public static RegistryEndpoint direct(ImageReference reference) {
    return new RegistryEndpoint(reference, RegistriesConf.isLoopback(reference.registry()), false);
  }

  /** {@code http} or {@code https}. */
  public String scheme() {
    return insecure ? "http" : "https";
  }

  /** The host (and port) the HTTP requests go to. */
  public String apiHost() {
    return reference.registry().equals(ImageReference.DOCKER_HUB)
        ? DOCKER_HUB_API_HOST
        : reference.registry();
  }

  /** The repository's name at this endpoint. */
  public String repository() {
    return reference.repository();
  }

  /** The URI of {@code /v2/<repository>/<kind>/<reference>} on this endpoint. */
  URI uri(String kind, String ref) {
    return URI.create(
        scheme() + "://" + apiHost() + "/v2/" + reference.repository() + "/" + kind + "/" + ref);
  }

  /** {@code scheme://host/repository}, for messages. */
  @Override
  public String toString() {
    return scheme()
        + "://"
        + apiHost()
        + "/"
        + reference.repository()
        + (mirror ? " (mirror)" : "");
  }
}
