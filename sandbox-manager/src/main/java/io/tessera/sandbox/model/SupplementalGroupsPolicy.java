package io.tessera.sandbox.model;

/** How the first process's supplementary groups are computed (CRI SupplementalGroupsPolicy). */
public enum SupplementalGroupsPolicy {
  /** The requested groups plus the user's groups from the image's /etc/group. */
  MERGE,
  /** Only the requested groups. */
  STRICT
}
