package io.tessera.kernel.cgroup;

/**
 * Who owns the cgroup tree Tessera creates pods in: Tessera itself writing cgroupfs, or systemd
 * (slices and scopes over D-Bus). Kubelet must be configured with the same driver.
 */
public enum CgroupDriver {
  CGROUPFS,
  SYSTEMD;

  /** The configuration spelling: {@code cgroupfs} or {@code systemd}. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
