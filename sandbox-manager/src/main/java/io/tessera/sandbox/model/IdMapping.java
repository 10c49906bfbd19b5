package io.tessera.sandbox.model;

/** One host-to-container id range of a user namespace or id-mapped mount (CRI IDMapping). */
public record IdMapping(long hostId, long containerId, long length) {
  public IdMapping {
    Checks.uint32(hostId, "id mapping host id");
    Checks.uint32(containerId, "id mapping container id");
    Checks.uint32(length, "id mapping length");
  }
}
