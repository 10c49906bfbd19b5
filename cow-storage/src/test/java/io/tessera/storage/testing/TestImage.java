package io.tessera.storage.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * An OCI image layout on disk built by {@link TestImages}.
 *
 * @param layout the OCI image layout directory (index.json, blobs/)
 * @param tag the tag in the layout's index
 * @param manifestDigest digest of the image manifest
 * @param configDigest digest of the image config
 * @param layers the manifest's layers, bottom first
 */
public record TestImage(
    Path layout,
    String tag,
    String manifestDigest,
    String configDigest,
    List<TestImageLayer> layers) {

  public TestImage {
    layers = List.copyOf(layers);
  }

  /** The image as skopeo names it: {@code oci:<layout>:<tag>}. */
  public String ociReference() {
    return "oci:" + layout + ":" + tag;
  }

  /**
   * Unpacks the image with umoci (the reference implementation to compare against) into {@code
   * bundle}, which must not exist, and returns {@code bundle/rootfs}.
   */
  public Path unpackWithUmoci(Path bundle) {
    Umoci.umoci("unpack", "--image", layout + ":" + tag, bundle.toString());
    return bundle.resolve("rootfs");
  }

  /**
   * Copies the image with skopeo to {@code destination}, e.g. {@code
   * docker://127.0.0.1:5000/busybox:latest} for a test registry (plain HTTP, no TLS verify).
   */
  public void copyTo(String destination) {
    Umoci.run(
        "skopeo",
        "copy",
        "--insecure-policy",
        "--dest-tls-verify=false",
        ociReference(),
        destination);
  }
}
