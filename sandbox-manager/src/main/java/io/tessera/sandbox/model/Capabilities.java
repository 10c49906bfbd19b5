package io.tessera.sandbox.model;

import java.util.List;

/**
 * Capability changes of a container (CRI Capability), names as sent ("NET_ADMIN", "CAP_NET_ADMIN"
 * or "ALL"); normalising them is the OCI spec builder's job.
 *
 * @param add added to every set but ambient
 * @param drop removed from every set
 * @param addAmbient added to every set, ambient included
 */
public record Capabilities(List<String> add, List<String> drop, List<String> addAmbient) {

  /** No change to the runtime's default set. */
  public static final Capabilities NONE = new Capabilities(List.of(), List.of(), List.of());

  public Capabilities {
    add = List.copyOf(add);
    drop = List.copyOf(drop);
    addAmbient = List.copyOf(addAmbient);
  }
}
