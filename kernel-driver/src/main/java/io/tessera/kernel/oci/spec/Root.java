package io.tessera.kernel.oci.spec;

/** The runtime-spec {@code root}: the rootfs path (relative to the bundle or absolute). */
@OciJson
public final class Root {
  private String path;
  private boolean readonly;

  public Root() {}

  public Root(String path, boolean readonly) {
    this.path = path;
    this.readonly = readonly;
  }

  public String path() {
    return path;
  }

  public Root path(String path) {
    this.path = path;
    return this;
  }

  public boolean readonly() {
    return readonly;
  }

  public Root readonly(boolean readonly) {
    this.readonly = readonly;
    return this;
  }
}
