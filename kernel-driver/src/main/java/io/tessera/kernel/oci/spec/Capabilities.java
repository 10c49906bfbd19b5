package io.tessera.kernel.oci.spec;

import java.util.ArrayList;
import java.util.List;

/** The runtime-spec {@code process.capabilities} sets, names as {@code CAP_CHOWN}. */
@OciJson
public final class Capabilities {
  private List<String> bounding = new ArrayList<>();
  private List<String> effective = new ArrayList<>();
  private List<String> inheritable = new ArrayList<>();
  private List<String> permitted = new ArrayList<>();
  private List<String> ambient = new ArrayList<>();

  /** The same list as bounding, effective and permitted set: how containerd and CRI-O grant. */
  public static Capabilities of(List<String> caps) {
    return new Capabilities().bounding(caps).effective(caps).permitted(caps);
  }

  public List<String> bounding() {
    return bounding;
  }

  public Capabilities bounding(List<String> bounding) {
    this.bounding = new ArrayList<>(bounding);
    return this;
  }

  public List<String> effective() {
    return effective;
  }

  public Capabilities effective(List<String> effective) {
    this.effective = new ArrayList<>(effective);
    return this;
  }

  public List<String> inheritable() {
    return inheritable;
  }

  public Capabilities inheritable(List<String> inheritable) {
    this.inheritable = new ArrayList<>(inheritable);
    return this;
  }

  public List<String> permitted() {
    return permitted;
  }

  public Capabilities permitted(List<String> permitted) {
    this.permitted = new ArrayList<>(permitted);
    return this;
  }

  public List<String> ambient() {
    return ambient;
  }

  public Capabilities ambient(List<String> ambient) {
    this.ambient = new ArrayList<>(ambient);
    return this;
  }
}
