package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link CgroupManager} for cgroup v1 and hybrid hosts: one directory per hierarchy (each v1
 * controller mount, named ones like name=systemd, and in hybrid mode the unified mount too, because
 * runc places processes there as well).
 */
public final class CgroupV1Manager implements CgroupManager {
  /** How long {@link #killAll} keeps killing before it gives up. */
  static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration FREEZE_TIMEOUT = Duration.ofSeconds(2);

  private final CgroupLayout layout;
  private final List<CgroupHierarchy> hierarchies;

  public CgroupV1Manager(CgroupLayout layout, List<CgroupHierarchy> hierarchies) {
    if (layout == CgroupLayout.V2) {
      throw new IllegalArgumentException("CgroupV1Manager does not manage a pure v2 host");
    }
    if (hierarchies.isEmpty()) {
      throw new IllegalArgumentException("no cgroup hierarchies");
    }
    this.layout = layout;
    this.hierarchies = List.copyOf(hierarchies);
  }

  @Override
  public CgroupLayout layout() {
    return layout;
  }

  /** The hierarchies this manager writes to. */
  public List<CgroupHierarchy> hierarchies() {
    return hierarchies;
  }

  @Override
  public void create(String cgroupPath) {
    CgroupPaths.validate(cgroupPath);
    for (CgroupHierarchy h : hierarchies) {
      CgroupTree.createDirs(
          h.mountPoint(),
          h.dir(cgroupPath),
          (parent, child) -> {
            if (h.unified()) {
              // A hybrid host's v2 hierarchy carries a few controllers (hugetlb here); delegated
              // like on v2 so that their limits can be set on the new cgroup.
              CgroupV2Manager.enableControllers(parent, child);
            }
            if (h.has("cpuset")) {
              // A new cpuset cgroup starts with no cpus and mems; no task can join it until set.
              inheritCpuset(parent, child, "cpuset.cpus");
              inheritCpuset(parent, child, "cpuset.mems");
            }
          });
    }
  }

  private static void inheritCpuset(Path parent, Path child, String file) {
    if (CgroupTree.read(child.resolve(file)).isEmpty()) {
      CgroupTree.write(child.resolve(file), CgroupTree.read(parent.resolve(file)));
    }
  }

  /**
   * Writes cpu.shares, cpu.cfs_period_us, cpu.cfs_quota_us, cpuset.cpus/mems, memory.limit_in_bytes
   * and memory.memsw.limit_in_bytes (in the order the kernel accepts: memsw may never drop below
   * the memory limit), pids.max and hugetlb.SIZE.limit_in_bytes, each in the hierarchy of its
   * controller. Where hugetlb is not a v1 controller but sits on a hybrid host's v2 hierarchy,
   * hugetlb.SIZE.max is written there.
   *
   * <p>Of the unified (v2) keys only {@code pids.max} has an exact v1 twin, so it is mapped (and
   * wins over {@code pidsLimit}); any other key is {@code INVALID_ARGUMENT} rather than silently
   * ignored.
   */
  @Override
  public void apply(String cgroupPath, CgroupResources r) {
    CgroupPaths.validate(cgroupPath);
    if (!exists(cgroupPath)) {
      throw new NotFoundException("set limits of cgroup " + cgroupPath + ": it does not exist");
    }
    long pids = r.pidsLimit();
    for (Map.Entry<String, String> e : r.unified().entrySet()) {
      if (!e.getKey().equals("pids.max")) {
        throw new InvalidArgumentException(
            "unified cgroup key "
                + e.getKey()
                + " needs cgroup v2, but this host runs cgroup "
                + layout.name().toLowerCase(java.util.Locale.ROOT)
                + " and only pids.max has a v1 equivalent");
      }
      pids = parsePidsMax(e.getValue());
    }
    Map<Path, String> writes = new LinkedHashMap<>();
    if (r.cpuShares() > 0) {
      writes.put(file(cgroupPath, "cpu", "cpu.shares"), Long.toString(r.cpuShares()));
    }
    if (r.cpuPeriod() > 0) {
      writes.put(file(cgroupPath, "cpu", "cpu.cfs_period_us"), Long.toString(r.cpuPeriod()));
    }
    if (r.cpuQuota() != 0) {
      writes.put(file(cgroupPath, "cpu", "cpu.cfs_quota_us"), Long.toString(r.cpuQuota()));
    }
    if (!r.cpusetCpus().isEmpty()) {
      writes.put(file(cgroupPath, "cpuset", "cpuset.cpus"), r.cpusetCpus());
    }
    if (!r.cpusetMems().isEmpty()) {
      writes.put(file(cgroupPath, "cpuset", "cpuset.mems"), r.cpusetMems());
    }
    memory(cgroupPath, r, writes);
    if (pids != 0) {
      writes.put(file(cgroupPath, "pids", "pids.max"), CgroupV2Values.limit(pids));
    }
    for (Map.Entry<String, Long> h : r.hugepageLimits().entrySet()) {
      writes.put(hugetlbFile(cgroupPath, h.getKey()), Long.toString(h.getValue()));
    }
    writes.forEach(CgroupTree::writeLimit);
  }

  /**
   * memory.limit_in_bytes and memsw: the kernel refuses a memory limit above memsw and a memsw
   * below the memory limit, so memsw goes first when the new memory limit exceeds the current memsw
   * (raising both), memory first otherwise (lowering both).
   */
  private void memory(String cgroupPath, CgroupResources r, Map<Path, String> writes) {
    long memory = r.memoryLimit();
    long swap = r.memorySwap();
    if (memory == -1 && swap == 0) {
      swap = -1;
    }
    if (memory == 0 && swap == 0) {
      return;
    }
    Path memoryFile = memory == 0 ? null : file(cgroupPath, "memory", "memory.limit_in_bytes");
    Path swapFile = null;
    if (swap != 0) {
      swapFile = file(cgroupPath, "memory", "memory.memsw.limit_in_bytes");
      if (!Files.exists(swapFile)) {
        if (r.memorySwap() == 0) {
          // Only implied by lifting the memory limit; without swap accounting there is none.
          swapFile = null;
        } else {
          throw new InvalidArgumentException(
              "set memory swap limit of cgroup "
                  + cgroupPath
                  + ": this kernel does not account swap (no memory.memsw.limit_in_bytes)");
        }
      }
    }
    if (swapFile != null && memory > 0 && swap > 0 && swap < memory) {
      throw new InvalidArgumentException(
          "memory swap limit " + swap + " is below the memory limit " + memory);
    }
    boolean swapFirst =
        swapFile != null
            && memoryFile != null
            && (memory == -1 || parseLimit(CgroupTree.read(swapFile)) < memory);
    if (swapFirst) {
      writes.put(swapFile, Long.toString(swap));
    }
    if (memoryFile != null) {
      writes.put(memoryFile, Long.toString(memory));
    }
    if (swapFile != null && !swapFirst) {
      writes.put(swapFile, Long.toString(swap));
    }
  }

  private static long parseLimit(String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  static long parsePidsMax(String value) {
    if (value.trim().equals("max")) {
      return -1;
    }
    try {
      long n = Long.parseLong(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new InvalidArgumentException(
        "unified pids.max \"" + value + "\" must be a positive number or \"max\"");
  }

  /** The file of {@code controller} for the cgroup; the cgroup must exist in that hierarchy. */
  private Path file(String cgroupPath, String controller, String name) {
    CgroupHierarchy h =
        hierarchies.stream()
            .filter(x -> x.has(controller))
            .findFirst()
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "set "
                            + name
                            + " of cgroup "
                            + cgroupPath
                            + ": the "
                            + controller
                            + " controller is not mounted on this host"));
    Path dir = h.dir(cgroupPath);
    if (!Files.isDirectory(dir)) {
      throw new NotFoundException(
          "set " + name + ": cgroup " + cgroupPath + " does not exist in " + h.mountPoint());
    }
    return dir.resolve(name);
  }

  /** hugetlb of a v1 hierarchy, or of the v2 one on a hybrid host where hugetlb lives there. */
  private Path hugetlbFile(String cgroupPath, String pageSize) {
    if (hierarchies.stream().anyMatch(h -> h.has("hugetlb"))) {
      return file(cgroupPath, "hugetlb", "hugetlb." + pageSize + ".limit_in_bytes");
    }
    CgroupHierarchy v2 =
        hierarchies.stream()
            .filter(CgroupHierarchy::unified)
            .findFirst()
            .orElseThrow(
                () ->
                    new InvalidArgumentException(
                        "set hugepage limit of cgroup "
                            + cgroupPath
                            + ": this host has no hugetlb controller"));
    Path dir = v2.dir(cgroupPath);
    Path f = dir.resolve("hugetlb." + pageSize + ".max");
    if (!Files.exists(f) && Files.isDirectory(dir)) {
      delegateDown(v2.mountPoint(), dir, "hugetlb");
    }
    if (!Files.exists(f)) {
      throw new InvalidArgumentException(
          "set hugepage limit "
              + pageSize
              + " of cgroup "
              + cgroupPath
              + ": no "
              + f
              + " (hugetlb not enabled on the v2 hierarchy there, or no such page size)");
    }
    return f;
  }

  /**
   * Enables {@code controller} in cgroup.subtree_control of every ancestor of {@code dir} on the v2
   * hierarchy that does not yet pass it down (runc and the kubelet create their cgroups there
   * without delegating anything); an ancestor with processes of its own refuses (v2's
   * no-internal-process rule), which leaves the file missing and is reported by the caller.
   */
  private static void delegateDown(Path mountPoint, Path dir, String controller) {
    Path parent = mountPoint;
    for (Path segment : mountPoint.relativize(dir)) {
      Path child = parent.resolve(segment.toString());
      String offered = " " + CgroupTree.read(child.resolve("cgroup.controllers")) + " ";
      if (!offered.contains(" " + controller + " ")) {
        try {
          CgroupTree.write(parent.resolve("cgroup.subtree_control"), "+" + controller);
        } catch (RuntimeException e) {
          return;
        }
      }
      parent = child;
    }
  }

  @Override
  public boolean exists(String cgroupPath) {
    CgroupPaths.validate(cgroupPath);
    return hierarchies.stream().anyMatch(h -> Files.isDirectory(h.dir(cgroupPath)));
  }

  @Override
  public void addProcess(String cgroupPath, long pid) {
    create(cgroupPath);
    for (CgroupHierarchy h : hierarchies) {
      CgroupTree.write(h.dir(cgroupPath).resolve("cgroup.procs"), Long.toString(pid));
    }
  }

  @Override
  public Set<Long> pids(String cgroupPath) {
    CgroupPaths.validate(cgroupPath);
    Set<Long> pids = new TreeSet<>();
    for (CgroupHierarchy h : hierarchies) {
      pids.addAll(CgroupTree.pidsRecursive(h.dir(cgroupPath)));
    }
    return pids;
  }

  @Override
  public void killAll(String cgroupPath) {
    CgroupPaths.validate(cgroupPath);
    long deadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
    long self = ProcessHandle.current().pid();
    // Never freeze a cgroup the daemon itself is in: it would freeze the caller.
    Optional<Path> freezer =
        pids(cgroupPath).contains(self) ? Optional.empty() : freezerDir(cgroupPath);
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
      boolean frozen = freezer.isPresent() && freeze(freezer.get());
      try {
        // Re-read under the freeze: anything forked before it is now listed and cannot fork on.
        CgroupTree.killEach(frozen ? pids(cgroupPath) : pids);
      } finally {
        if (frozen) {
          // SIGKILL is delivered to frozen tasks once they thaw.
          CgroupTree.write(freezer.get().resolve("freezer.state"), "THAWED");
        }
      }
      CgroupTree.pause();
    }
  }

  private Optional<Path> freezerDir(String cgroupPath) {
    return hierarchies.stream()
        .filter(h -> h.has("freezer"))
        .map(h -> h.dir(cgroupPath))
        .filter(Files::isDirectory)
        .findFirst();
  }

  /** Freezes the cgroup; false if it did not reach FROZEN in time (killing goes on unfrozen). */
  private static boolean freeze(Path dir) {
    Path state = dir.resolve("freezer.state");
    CgroupTree.write(state, "FROZEN");
    long deadline = System.nanoTime() + FREEZE_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (CgroupTree.read(state).equals("FROZEN")) {
        return true;
      }
      CgroupTree.pause();
    }
    CgroupTree.write(state, "THAWED");
    return false;
  }

  @Override
  public void delete(String cgroupPath) {
    CgroupPaths.validate(cgroupPath);
    RuntimeException first = null;
    long deadline = CgroupTree.removeDeadline();
    for (CgroupHierarchy h : hierarchies) {
      try {
        CgroupTree.removeRecursive(h.dir(cgroupPath), deadline);
      } catch (RuntimeException e) {
        // Go on with the other hierarchies so that one busy controller leaves as little as can be.
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
