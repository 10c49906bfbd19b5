package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.UnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
