package io.tessera.sandbox.ids;

import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.PodSandboxMetadata;

/**
 * The unique names pod sandboxes and containers are reserved under, built like containerd's (parts
 * joined by '_').
 *
 * <p>Kubernetes names, namespaces and uids cannot contain '_', so for kubelet requests the joined
 * name is unambiguous. A hand-made request whose parts contain '_' may collide with another one and
 * get a spurious AlreadyExists; that is accepted rather than inventing an escaping scheme no other
 * runtime uses.
 */
public final class Names {
  private Names() {}

  /** {@code name_namespace_uid_attempt}. */
  public static String podSandbox(PodSandboxMetadata pod) {
    return String.join("_", pod.name(), pod.namespace(), pod.uid(), Long.toString(pod.attempt()));
  }

  /** {@code name_podname_podnamespace_poduid_attempt}, the attempt being the container's. */
  public static String container(ContainerMetadata container, PodSandboxMetadata pod) {
    return String.join(
        "_",
        container.name(),
        pod.name(),
        pod.namespace(),
        pod.uid(),
        Long.toString(container.attempt()));
  }
}
