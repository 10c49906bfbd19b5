package io.tessera.sandbox.lifecycle;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.cni.KubeQuantity;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The writable-layer cap of one container, from (first that is present wins):
 *
 * <ol>
 *   <li>the pod annotation {@code tessera.io/rootfs-size.<container name>}: this container only;
 *   <li>the CRI request's WindowsContainerResources.rootfs_size_in_bytes, when sent (above 0);
 *   <li>the pod annotation {@code tessera.io/rootfs-size}: every container of the pod;
 *   <li>the daemon's default ({@code [storage] default_rootfs_size}).
 * </ol>
 *
 * Annotation values are Kubernetes quantities ("2Gi", "500M"), rounded up to whole bytes; "0" means
 * "no cap" and so lets one container opt out of a pod-wide or default cap. Pod annotations are what
 * Kubernetes users can set (the kubelet does not pass pod annotations on to containers), hence the
 * per-container form keyed by name.
 */
final class RootfsSizes {
  static final String ANNOTATION = "tessera.io/rootfs-size";

  /**
   * A resolved cap and where it came from, for messages.
   *
   * @param bytes 0 for none
   * @param source e.g. {@code pod annotation tessera.io/rootfs-size="20Mi"}
   */
  record Size(long bytes, String source) {}

  private RootfsSizes() {}

  /**
   * @throws InvalidArgumentException naming the annotation when its value is not a non-negative
   *     quantity
   */
  static Size resolve(
      String containerName,
      Map<String, String> podAnnotations,
      OptionalLong requestBytes,
      long defaultBytes) {
    String own = ANNOTATION + "." + containerName;
    if (podAnnotations.containsKey(own)) {
      return fromAnnotation(own, podAnnotations.get(own));
    }
    if (requestBytes.isPresent() && requestBytes.getAsLong() > 0) {
      return new Size(
          requestBytes.getAsLong(),
          "WindowsContainerResources.rootfs_size_in_bytes=" + requestBytes.getAsLong());
    }
    if (podAnnotations.containsKey(ANNOTATION)) {
      return fromAnnotation(ANNOTATION, podAnnotations.get(ANNOTATION));
    }
    return new Size(defaultBytes, "[storage] default_rootfs_size (" + defaultBytes + " bytes)");
  }

  private static Size fromAnnotation(String key, String value) {
    String source = "pod annotation " + key + "=\"" + value + "\"";
    long bytes;
    try {
      bytes = KubeQuantity.valueRoundedUp(value == null ? null : value.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(
          source + " is not a size: " + e.getMessage() + " (expected e.g. \"2Gi\" or \"500M\")", e);
    }
    if (bytes < 0) {
      throw new InvalidArgumentException(source + " is negative");
    }
    return new Size(bytes, source);
  }
}
