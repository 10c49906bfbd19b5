package io.tessera.sandbox.model;

/** Mount propagation of a container mount (CRI MountPropagation). */
public enum MountPropagation {
  /** rprivate. */
  PRIVATE,
  /** rslave: host mounts appear in the container, not the other way. */
  HOST_TO_CONTAINER,
  /** rshared: both ways. */
  BIDIRECTIONAL
}
