package io.tessera.sandbox.model;

/** Scope of a Linux namespace of a pod or container (CRI NamespaceMode). */
public enum NamespaceMode {
  /** Shared by every container of the pod. */
  POD,
  /** Private to one container. */
  CONTAINER,
  /** The node's own namespace. */
  NODE,
  /** The namespace of the container named by {@link NamespaceOptions#targetId()}. */
  TARGET
}
