package io.tessera.kernel.cgroup;

import io.tessera.kernel.mount.MountInfo;
import java.util.List;
import java.util.Set;

/**
 * Creates, inspects, empties and removes cgroups with the cgroupfs driver.
 *
 * <p>Paths are absolute cgroup paths such as {@code /tessera/pod-1/ctr-2}; they mean the same
 * directory in every hierarchy the manager covers (all v1 controller and named hierarchies, plus
 * the unified one in hybrid mode; just the unified one on v2). Thread-safe; every operation is
 * idempotent.
 *
 * @see CgroupV1Manager
 * @see CgroupV2Manager
 */
public interface CgroupManager {

  /** The layout this manager was chosen for. */
  CgroupLayout layout();

  /**
   * Creates the cgroup and its missing ancestors in every hierarchy, making each usable (v1 cpuset:
   * cpus and mems copied from the parent; v2: the parent's controllers enabled in its
   * cgroup.subtree_control). Existing cgroups are left as they are.
   */
  void create(String cgroupPath);

  /**
   * Writes the limits that {@code resources} sets into the cgroup's files (fields left unset keep
   * their current value); the cgroup must exist. Everything is validated before the first write, so
   * a request this manager cannot express changes nothing; a write the kernel refuses (EINVAL, e.g.
   * a quota above the parent's on v1) stops there with the files before it written.
   *
   * @throws io.tessera.kernel.errors.InvalidArgumentException a limit this host's cgroups cannot
   *     express (a v2-only unified key on v1, a controller not available), or the kernel refused a
   *     value
   * @throws io.tessera.kernel.errors.NotFoundException the cgroup does not exist
   */
  void apply(String cgroupPath, CgroupResources resources);

  /** Whether the cgroup exists in at least one hierarchy. */
  boolean exists(String cgroupPath);

  /** Moves process {@code pid} into the cgroup in every hierarchy (creating it if needed). */
  void addProcess(String cgroupPath, long pid);

  /**
   * The processes in the cgroup and all its descendants, over all hierarchies; empty if the cgroup
   * does not exist.
   */
  Set<Long> pids(String cgroupPath);

  /**
   * Kills (SIGKILL) every process in the cgroup and its descendants and waits until none is left;
   * the daemon itself is never killed. Uses cgroup.kill on v2 where the kernel has it, otherwise
   * freezes the cgroup (so nothing forks meanwhile), signals every pid, thaws and repeats until
   * empty.
   *
   * @throws io.tessera.kernel.errors.UnavailableException processes left after the time limit
   */
  void killAll(String cgroupPath);

  /**
   * Removes the cgroup and every descendant, leaf first, in all hierarchies; retries briefly while
   * the kernel still reports it busy (EBUSY right after the last process exited). Already gone is
   * fine.
   *
   * @throws io.tessera.kernel.errors.FailedPreconditionException still busy (processes left)
   */
  void delete(String cgroupPath);

  /** The manager for this host, chosen once from its mount table. */
  static CgroupManager forHost() {
    List<MountInfo> mounts = MountInfo.current();
    return forLayout(CgroupLayout.detect(mounts), mounts);
  }

  /** V1 and hybrid hosts get {@link CgroupV1Manager}, v2 hosts {@link CgroupV2Manager}. */
  static CgroupManager forLayout(CgroupLayout layout, List<MountInfo> mounts) {
    List<CgroupHierarchy> hierarchies = CgroupHierarchy.fromMounts(mounts);
    return switch (layout) {
      case V1, HYBRID -> new CgroupV1Manager(layout, hierarchies);
      case V2 ->
          new CgroupV2Manager(
              hierarchies.stream()
                  .filter(CgroupHierarchy::unified)
                  .filter(h -> h.mountPoint().toString().equals(CgroupLayout.CGROUP_ROOT))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "cgroup v2 layout without a cgroup2 mount at "
                                  + CgroupLayout.CGROUP_ROOT)));
    };
  }
}
