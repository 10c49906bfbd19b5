package io.tessera.sandbox.model;

/** A kind of Linux namespace, named as the OCI runtime spec names it. */
public enum NamespaceType {
  NETWORK("network"),
  IPC("ipc"),
  UTS("uts"),
  PID("pid"),
  USER("user"),
  MOUNT("mount"),
  CGROUP("cgroup");

  private final String ociName;

  NamespaceType(String ociName) {
    this.ociName = ociName;
  }

  /** The {@code linux.namespaces[].type} value of the OCI runtime spec. */
  public String ociName() {
    return ociName;
  }
}
