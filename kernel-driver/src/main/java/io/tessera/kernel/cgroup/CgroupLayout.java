package io.tessera.kernel.cgroup;

import io.tessera.kernel.mount.MountInfo;
import java.util.List;

/**
 * How the host mounts cgroups, which decides the cgroup manager Tessera uses.
 *
 * <ul>
 *   <li>{@link #V1}: only v1 controller hierarchies.
 *   <li>{@link #HYBRID}: v1 controller hierarchies plus a v2 hierarchy (usually at
 *       /sys/fs/cgroup/unified) that holds few or no controllers; managed as v1.
 *   <li>{@link #V2}: the unified hierarchy mounted at the cgroup root.
 * </ul>
 */
public enum CgroupLayout {
  V1,
  HYBRID,
  V2;

  public static final String CGROUP_ROOT = "/sys/fs/cgroup";

  /** Detects the layout from a mount table. */
  public static CgroupLayout detect(List<MountInfo> mounts) {
    boolean v1 = false;
    boolean v2 = false;
    boolean v2AtRoot = false;
    for (MountInfo m : mounts) {
      if (m.fsType().equals("cgroup2")) {
        v2 = true;
        v2AtRoot |= m.mountPoint().equals(CGROUP_ROOT);
      } else if (m.fsType().equals("cgroup")) {
        v1 = true;
      }
    }
    if (v2AtRoot && !v1) {
      return V2;
    }
    if (v1) {
      return v2 ? HYBRID : V1;
    }
    if (v2) {
      return V2;
    }
    throw new IllegalStateException("no cgroup filesystem is mounted");
  }

  /** The layout of this host, as this process sees it. */
  public static CgroupLayout detect() {
    return detect(MountInfo.current());
  }
}
