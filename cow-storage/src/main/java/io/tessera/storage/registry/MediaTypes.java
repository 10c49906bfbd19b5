package io.tessera.storage.registry;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.storage.layer.Compression;
import java.util.List;
import java.util.Locale;

/**
 * The media types of the OCI image spec and Docker's image manifest v2 schema 2 that Tessera
 * understands, and what each layer type means for unpacking.
 */
public final class MediaTypes {

  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  public static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  public static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
  public static final String OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  public static final String OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
  public static final String OCI_LAYER_NONDISTRIBUTABLE_PREFIX =
      "application/vnd.oci.image.layer.nondistributable.";

  public static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  public static final String DOCKER_MANIFEST_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  public static final String DOCKER_SCHEMA1_MANIFEST =
      "application/vnd.docker.distribution.manifest.v1+json";
  public static final String DOCKER_SCHEMA1_SIGNED_MANIFEST =
      "application/vnd.docker.distribution.manifest.v1+prettyjws";
  public static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
  public static final String DOCKER_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.diff.tar.gzip";
  public static final String DOCKER_FOREIGN_LAYER_GZIP =
      "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  /** What the manifest endpoint is asked for, in order of preference. */
  static final List<String> MANIFEST_ACCEPT =
      List.of(OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST);

  private MediaTypes() {}

  /** True for an image index or a Docker manifest list. */
  public static boolean isIndex(String mediaType) {
    return OCI_INDEX.equals(mediaType) || DOCKER_MANIFEST_LIST.equals(mediaType);
  }

  /** True for a single-platform image manifest. */
  public static boolean isManifest(String mediaType) {
    return OCI_MANIFEST.equals(mediaType) || DOCKER_MANIFEST.equals(mediaType);
  }

  /** True for the config blob of a container image (as opposed to some other artifact). */
  public static boolean isImageConfig(String mediaType) {
    return OCI_CONFIG.equals(mediaType) || DOCKER_CONFIG.equals(mediaType);
  }

  /**
   * The compression of a layer of media type {@code mediaType}.
   *
   * @throws FailedPreconditionException for foreign or non-distributable layers (whose content
   *     lives outside the registry, which Tessera does not fetch) and for media types that are not
   *     filesystem layers
   */
  public static Compression layerCompression(String mediaType) {
    String type = mediaType == null ? "" : mediaType.toLowerCase(Locale.ROOT);
    if (type.startsWith(OCI_LAYER_NONDISTRIBUTABLE_PREFIX)
        || type.equals(DOCKER_FOREIGN_LAYER_GZIP)) {
      throw new FailedPreconditionException(
          "layer media type "
              + mediaType
              + ": foreign/non-distributable layers are not supported (their content is not in"
              + " the registry)");
    }
    try {
      return Compression.fromMediaType(type);
    } catch (UnimplementedException e) {
      throw new FailedPreconditionException(
          "layer media type \""
              + mediaType
              + "\": not a filesystem layer Tessera can unpack (tar, tar+gzip, tar+zstd)",
          e);
    }
  }
}
