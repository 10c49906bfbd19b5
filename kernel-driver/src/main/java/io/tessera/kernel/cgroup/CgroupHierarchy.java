package io.tessera.kernel.cgroup;

import io.tessera.kernel.mount.MountInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One mounted cgroup hierarchy: where it is mounted and which controllers it carries. A v1
 * hierarchy lists its controllers in the mount's super options ({@code rw,cpu,cpuacct}, or {@code
 * name=systemd} for a named one); the v2 hierarchy ({@code unified}) carries whatever its
 * cgroup.controllers file lists, which is not part of the mount table.
 */
public record CgroupHierarchy(Path mountPoint, Set<String> controllers, boolean unified) {

  /** cgroup v1 mount options that are not controller names (cgroups(7)). */
  private static final Set<String> NOT_CONTROLLERS =
      Set.of("rw", "ro", "noprefix", "clone_children", "xattr", "cpuset_v2_mode", "favordynmods");

  public CgroupHierarchy {
    controllers = Set.copyOf(controllers);
  }

  /**
   * The hierarchies in a mount table, each once (the same hierarchy mounted twice is kept at its
   * first mount point). Only mounts of a hierarchy's root count: a bind of a sub-cgroup (as inside
   * a container) would shift every path.
   */
  public static List<CgroupHierarchy> fromMounts(List<MountInfo> mounts) {
    List<CgroupHierarchy> out = new ArrayList<>();
    Set<String> seenDevices = new HashSet<>();
    for (MountInfo m : mounts) {
      boolean v1 = m.fsType().equals("cgroup");
      boolean v2 = m.fsType().equals("cgroup2");
      if ((!v1 && !v2) || !m.root().equals("/") || !seenDevices.add(m.device())) {
        continue;
      }
      Set<String> controllers = new LinkedHashSet<>();
      if (v1) {
        for (String option : m.superOptions().split(",")) {
          if (!NOT_CONTROLLERS.contains(option) && !option.startsWith("release_agent=")) {
            controllers.add(option);
          }
        }
      }
      out.add(new CgroupHierarchy(Path.of(m.mountPoint()), controllers, v2));
    }
    return out;
  }

  /** Whether this hierarchy carries {@code controller} (v1 only; v2 reads cgroup.controllers). */
  public boolean has(String controller) {
    return controllers.contains(controller);
  }

  /** The directory of {@code cgroupPath} (validated, absolute) in this hierarchy. */
  Path dir(String cgroupPath) {
    return CgroupPaths.resolve(mountPoint, cgroupPath);
  }
}
