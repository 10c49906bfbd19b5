package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link CgroupManager} for the unified (v2) hierarchy. */
public final class CgroupV2Manager implements CgroupManager {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupV2Manager.class);

  static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private final CgroupHierarchy hierarchy;

  /**
   * @param hierarchy a cgroup2 mount; normally at /sys/fs/cgroup, any cgroup2 mount works (tests
   *     use a hybrid host's /sys/fs/cgroup/unified)
   */
  public CgroupV2Manager(CgroupHierarchy hierarchy) {
    if (!hierarchy.unified()) {
      throw new IllegalArgumentException("not a cgroup2 hierarchy: " + hierarchy.mountPoint());
    }
    this.hierarchy = hierarchy;
  }

  @Override
  public CgroupLayout layout() {
    return CgroupLayout.V2;
  }

  @Override
  public void create(String cgroupPath) {
    CgroupTree.createDirs(
        hierarchy.mountPoint(), hierarchy.dir(cgroupPath), CgroupV2Manager::enableControllers);
  }

  /**
   * Delegates to the new child every controller its parent has, one at a time: a controller the
   * parent cannot delegate (a threaded one, or a parent with processes of its own, which v2's
   * no-internal-process rule forbids) is skipped, the cgroup is still usable without it.
   */
  static void enableControllers(Path parent, Path child) {
    String available = CgroupTree.read(parent.resolve("cgroup.controllers"));
    String enabled = " " + CgroupTree.read(parent.resolve("cgroup.subtree_control")) + " ";
    if (available.isEmpty()) {
      return;
    }
    for (String controller : available.split(" ")) {
      if (!enabled.contains(" " + controller + " ")) {
        try {
          CgroupTree.write(parent.resolve("cgroup.subtree_control"), "+" + controller);
        } catch (RuntimeException e) {
          LOG.debug("cannot enable {} below {}: {}", controller, parent, e.toString());
        }
      }
    }
  }

  /**
   * Writes cpu.weight (from shares, as runc converts), cpu.max, cpuset.cpus/mems, memory.max,
   * memory.swap.max (the spec's memory+swap minus memory), pids.max, hugetlb.SIZE.max, then the
   * unified keys as given, so that they win over a field they overlap. A file that is not there
   * (controller not enabled for this cgroup) is {@code INVALID_ARGUMENT}.
   */
  @Override
  public void apply(String cgroupPath, CgroupResources r) {
    Path dir = hierarchy.dir(cgroupPath);
    if (!Files.isDirectory(dir)) {
      throw new NotFoundException("set limits of cgroup " + cgroupPath + ": it does not exist");
    }
    Map<String, String> writes = new LinkedHashMap<>();
    long weight = CgroupV2Values.cpuWeight(r.cpuShares());
    if (weight > 0) {
      writes.put("cpu.weight", Long.toString(weight));
    }
    if (r.cpuQuota() != 0 || r.cpuPeriod() != 0) {
      String current =
          r.cpuQuota() == 0 ? CgroupTree.read(existing(dir, "cpu.max")).split(" ")[0] : "";
      writes.put("cpu.max", CgroupV2Values.cpuMax(r.cpuQuota(), r.cpuPeriod(), current));
    }
    if (!r.cpusetCpus().isEmpty()) {
      writes.put("cpuset.cpus", r.cpusetCpus());
    }
    if (!r.cpusetMems().isEmpty()) {
      writes.put("cpuset.mems", r.cpusetMems());
    }
    String swap = CgroupV2Values.swapMax(r.memorySwap(), r.memoryLimit());
    // Lifting the memory limit lifts swap with it, where the kernel accounts swap at all.
    boolean implied = r.memorySwap() == 0;
    if (swap != null && (!implied || Files.exists(dir.resolve("memory.swap.max")))) {
      writes.put("memory.swap.max", swap);
    }
    if (r.memoryLimit() != 0) {
      writes.put("memory.max", CgroupV2Values.limit(r.memoryLimit()));
    }
    if (r.pidsLimit() != 0) {
      writes.put("pids.max", CgroupV2Values.limit(r.pidsLimit()));
    }
    r.hugepageLimits()
        .forEach((size, bytes) -> writes.put("hugetlb." + size + ".max", Long.toString(bytes)));
    writes.putAll(r.unified());
    // Every file first, so that a controller that is not there changes nothing.
    for (String file : writes.keySet()) {
      existing(dir, file);
    }
    writes.forEach((file, value) -> CgroupTree.writeLimit(dir.resolve(file), value));
  }

  private static Path existing(Path dir, String file) {
    Path p = dir.resolve(file);
    if (!Files.exists(p)) {
      String controller = file.substring(0, file.indexOf('.'));
      throw new InvalidArgumentException(
          "set "
              + file
              + " of cgroup "
              + dir
              + ": no such file; the "
              + controller
              + " controller is not enabled there (cgroup.controllers of the parent lists what is"
              + " available)");
    }
    return p;
  }

  @Override
  public boolean exists(String cgroupPath) {
    return Files.isDirectory(hierarchy.dir(cgroupPath));
  }

  @Override
  public void addProcess(String cgroupPath, long pid) {
    create(cgroupPath);
    CgroupTree.write(hierarchy.dir(cgroupPath).resolve("cgroup.procs"), Long.toString(pid));
  }

  @Override
  public Set<Long> pids(String cgroupPath) {
    return CgroupTree.pidsRecursive(hierarchy.dir(cgroupPath));
  }

  @Override
  public void killAll(String cgroupPath) {
    Path dir = hierarchy.dir(cgroupPath);
    if (!Files.isDirectory(dir)) {
      return;
    }
    long self = ProcessHandle.current().pid();
    Set<Long> initial = pids(cgroupPath);
    // cgroup.kill (Linux 5.14) kills the whole subtree atomically, forks included; but it would
    // kill the daemon too if the daemon were inside, so then fall back to signalling each pid.
    boolean useKillFile = Files.exists(dir.resolve("cgroup.kill")) && !initial.contains(self);
    long deadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
    while (true) {
      Set<Long> pids = pids(cgroupPath);
      pids.remove(self);
      if (pids.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new UnavailableException(
            "kill cgroup "
                + cgroupPath
                + ": processes "
                + pids
                + " still alive after "
                + KILL_TIMEOUT.toSeconds()
                + " s");
      }
      if (useKillFile) {
        CgroupTree.write(dir.resolve("cgroup.kill"), "1");
      } else {
        boolean frozen = !initial.contains(self) && freeze(dir);
        try {
          CgroupTree.killEach(frozen ? pids(cgroupPath) : pids);
        } finally {
          if (frozen) {
            CgroupTree.write(dir.resolve("cgroup.freeze"), "0");
          }
        }
      }
      CgroupTree.pause();
    }
  }

  private static boolean freeze(Path dir) {
    Path freezeFile = dir.resolve("cgroup.freeze");
    if (!Files.exists(freezeFile)) {
      return false;
    }
    CgroupTree.write(freezeFile, "1");
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (CgroupTree.read(dir.resolve("cgroup.events")).contains("frozen 1")) {
        return true;
      }
      CgroupTree.pause();
    }
    CgroupTree.write(freezeFile, "0");
    return false;
  }

  @Override
  public void delete(String cgroupPath) {
    CgroupTree.removeRecursive(hierarchy.dir(cgroupPath), CgroupTree.removeDeadline());
  }
}
