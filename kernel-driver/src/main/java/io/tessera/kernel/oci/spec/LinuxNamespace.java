package io.tessera.kernel.oci.spec;

/**
 * One runtime-spec {@code linux.namespaces} entry: {@code type} in the spec's spelling ({@code
 * network}, {@code mount}, ...; see {@link io.tessera.kernel.ns.NsType#ociName()}) and, to join an
 * existing namespace instead of creating one, its {@code path}.
 */
@OciJson
public final class LinuxNamespace {
  private String type;
  private String path;

  public LinuxNamespace() {}

  public LinuxNamespace(String type, String path) {
    this.type = type;
    this.path = path;
  }

  public String type() {
    return type;
  }

  public String path() {
    return path;
  }
}
