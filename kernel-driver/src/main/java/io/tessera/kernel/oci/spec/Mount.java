package io.tessera.kernel.oci.spec;

import java.util.ArrayList;
import java.util.List;

/** One runtime-spec {@code mounts} entry, mounted by the runtime inside the container. */
@OciJson
public final class Mount {
  private String destination;
  private String type;
  private String source;
  private List<String> options = new ArrayList<>();

  public Mount() {}

  public Mount(String destination, String type, String source, List<String> options) {
    this.destination = destination;
    this.type = type;
    this.source = source;
    this.options = new ArrayList<>(options);
  }

  /** A bind mount of a host path, {@code rbind} plus the given options (e.g. ro). */
  public static Mount bind(String source, String destination, List<String> options) {
    List<String> all = new ArrayList<>();
    all.add("rbind");
    all.addAll(options);
    return new Mount(destination, "bind", source, all);
  }

  public String destination() {
    return destination;
  }

  public Mount destination(String destination) {
    this.destination = destination;
    return this;
  }

  public String type() {
    return type;
  }

  public Mount type(String type) {
    this.type = type;
    return this;
  }

  public String source() {
    return source;
  }

  public Mount source(String source) {
    this.source = source;
    return this;
  }

  public List<String> options() {
    return options;
  }

  public Mount options(List<String> options) {
    this.options = new ArrayList<>(options);
    return this;
  }
}
