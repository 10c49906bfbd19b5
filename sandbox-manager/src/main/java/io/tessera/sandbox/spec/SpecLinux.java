package io.tessera.sandbox.spec;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.model.HugepageLimit;
import io.tessera.sandbox.model.LinuxContainerResources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Sysctls and cgroup resources of a container spec. Pure. */
final class SpecLinux {
  private SpecLinux() {}

  /**
   * The pod's sysctls, sorted by name, after checking each is namespaced (so it changes the pod
   * only, never the node) and that its namespace is the pod's own, as the kubelet checks.
   *
   * @throws InvalidArgumentException for a node-wide sysctl, or a net.* sysctl in a host-network
   *     pod, or an IPC sysctl in a host-IPC pod
   */
  static Map<String, String> sysctls(
      Map<String, String> requested, boolean hostNetwork, boolean hostIpc) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : requested.entrySet()) {
      String name = e.getKey().replace('/', '.');
      boolean net = name.startsWith("net.");
      boolean ipc =
          name.startsWith("kernel.shm")
              || name.startsWith("kernel.msg")
              || name.equals("kernel.sem")
              || name.startsWith("fs.mqueue.");
      if (!net && !ipc) {
        throw new InvalidArgumentException(
            "sysctl " + e.getKey() + " is not namespaced: it would change the whole node");
      }
      if (net && hostNetwork) {
        throw new InvalidArgumentException(
            "sysctl " + e.getKey() + " is not allowed in a pod using the host's network");
      }
      if (ipc && hostIpc) {
        throw new InvalidArgumentException(
            "sysctl " + e.getKey() + " is not allowed in a pod using the host's IPC");
      }
      out.put(name, e.getValue());
    }
    return out;
  }

  /** The unified key CRI's only way to carry a pids limit; mapped to the spec's pids.limit. */
  static final String PIDS_MAX = "pids.max";

  /**
   * Adds CRI resources to an OCI {@code linux.resources} tree (runtime-spec config-linux "Control
   * groups"); fields CRI leaves 0 or empty stay unset.
   *
   * <p>CRI has no pids field, so a pids limit comes as unified {@code pids.max} (from the request
   * or the daemon's default): it becomes {@code pids.limit}, which runc sets on v1 and v2 alike.
   * Every other unified key needs cgroup v2: on a v1 host runc refuses the whole container for any
   * of them, so they are refused here with the key named.
   *
   * @throws InvalidArgumentException a unified key other than pids.max on a cgroup v1 host, or a
   *     pids.max that is neither a positive number nor "max"
   */
  static void resources(LinuxContainerResources r, Map<String, Object> into, boolean cgroupV2) {
    Map<String, Object> cpu = new LinkedHashMap<>();
    if (r.cpuShares() > 0) {
      cpu.put("shares", r.cpuShares());
    }
    if (r.cpuQuota() != 0) {
      cpu.put("quota", r.cpuQuota());
    }
    if (r.cpuPeriod() > 0) {
      cpu.put("period", r.cpuPeriod());
    }
    if (!r.cpusetCpus().isEmpty()) {
      cpu.put("cpus", r.cpusetCpus());
    }
    if (!r.cpusetMems().isEmpty()) {
      cpu.put("mems", r.cpusetMems());
    }
    if (!cpu.isEmpty()) {
      into.put("cpu", cpu);
    }
    Map<String, Object> memory = new LinkedHashMap<>();
    if (r.memoryLimitInBytes() > 0) {
      memory.put("limit", r.memoryLimitInBytes());
    }
    if (r.memorySwapLimitInBytes() != 0) {
      memory.put("swap", r.memorySwapLimitInBytes());
    }
    if (!memory.isEmpty()) {
      into.put("memory", memory);
    }
    List<Object> hugepages = new ArrayList<>();
    for (HugepageLimit h : r.hugepageLimits()) {
      Map<String, Object> limit = new LinkedHashMap<>();
      limit.put("pageSize", h.pageSize());
      limit.put("limit", h.limit());
      hugepages.add(limit);
    }
    if (!hugepages.isEmpty()) {
      into.put("hugepageLimits", hugepages);
    }
    Map<String, String> unified = new TreeMap<>(r.unified());
    String pidsMax = unified.remove(PIDS_MAX);
    if (pidsMax != null) {
      into.put("pids", Map.of("limit", pidsLimit(pidsMax)));
    }
    if (!cgroupV2 && !unified.isEmpty()) {
      throw new InvalidArgumentException(
          "unified cgroup keys "
              + unified.keySet()
              + " need cgroup v2; this host runs cgroup v1, where only pids.max has an equivalent");
    }
    if (!unified.isEmpty()) {
      into.put("unified", unified);
    }
  }

  /** The spec's pids.limit for a pids.max value: -1 for "max". */
  static long pidsLimit(String pidsMax) {
    String v = pidsMax.trim();
    if (v.equals("max")) {
      return -1;
    }
    try {
      long n = Long.parseLong(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new InvalidArgumentException(
        "unified pids.max \"" + pidsMax + "\" must be a positive number or \"max\"");
  }
}
