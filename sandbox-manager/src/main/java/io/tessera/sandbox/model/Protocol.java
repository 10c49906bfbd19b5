package io.tessera.sandbox.model;

/** Transport protocol of a port mapping (CRI Protocol). */
public enum Protocol {
  TCP,
  UDP,
  SCTP
}
