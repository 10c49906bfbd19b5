package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Limits for one cgroup, in the runtime-spec's terms (config-linux "Control groups"), which is what
 * both managers translate into their files. As in CRI and the runtime-spec, 0 or empty means "leave
 * the file as it is"; -1 means "no limit" where the kernel has one ({@code max}).
 *
 * @param cpuShares v1 cpu.shares (2..262144); v2 cpu.weight is derived from it as runc does
 * @param cpuQuota CFS quota in microseconds per period, -1 for none
 * @param cpuPeriod CFS period in microseconds
 * @param cpusetCpus cpuset list syntax, e.g. "0-3,6"
 * @param cpusetMems NUMA nodes, cpuset list syntax
 * @param memoryLimit bytes, -1 for none
 * @param memorySwap memory plus swap in bytes (the runtime-spec's meaning, v1 memsw), -1 for none;
 *     v2 memory.swap.max gets the difference
 * @param pidsLimit most tasks, -1 for none
 * @param hugepageLimits page size as the kernel spells it in file names ("2MB", "1GB") to bytes
 * @param unified raw cgroup v2 files to values; on v1 only keys with an exact v1 equivalent are
 *     accepted (see {@link CgroupV1Manager#apply})
 */
public record CgroupResources(
    long cpuShares,
    long cpuQuota,
    long cpuPeriod,
    String cpusetCpus,
    String cpusetMems,
    long memoryLimit,
    long memorySwap,
    long pidsLimit,
    Map<String, Long> hugepageLimits,
    Map<String, String> unified) {

  /** Nothing set: applying it changes no file. */
  public static final CgroupResources NONE = builder().build();

  private static final Pattern PAGE_SIZE = Pattern.compile("[0-9]+[KMG]B");

  /** A cgroup v2 interface file name: no path separator, so a key can never leave its cgroup. */
  private static final Pattern UNIFIED_KEY = Pattern.compile("[a-z0-9_]+\\.[A-Za-z0-9_.]+");

  public CgroupResources {
    Objects.requireNonNull(cpusetCpus, "cpuset cpus");
    Objects.requireNonNull(cpusetMems, "cpuset mems");
    if (cpuShares < 0 || cpuPeriod < 0) {
      throw new InvalidArgumentException(
          "cpu shares " + cpuShares + " and period " + cpuPeriod + " must not be negative");
    }
    if (cpuQuota < -1 || memoryLimit < -1 || memorySwap < -1 || pidsLimit < -1) {
      throw new InvalidArgumentException(
          "cpu quota, memory, swap and pids limits must be -1 (no limit), 0 (unset) or positive");
    }
    hugepageLimits = Map.copyOf(hugepageLimits);
    for (Map.Entry<String, Long> h : hugepageLimits.entrySet()) {
      if (!PAGE_SIZE.matcher(h.getKey()).matches() || h.getValue() < 0) {
        throw new InvalidArgumentException(
            "hugepage limit "
                + h.getKey()
                + "="
                + h.getValue()
                + ": page size like 2MB, bytes >= 0");
      }
    }
    unified = Map.copyOf(unified);
    for (Map.Entry<String, String> e : unified.entrySet()) {
      String key = e.getKey();
      if (!UNIFIED_KEY.matcher(key).matches()) {
        throw new InvalidArgumentException(
            "unified cgroup key \"" + key + "\" is not a cgroup v2 file name (controller.name)");
      }
      // Structure and membership files are the managers' own business, never a limit.
      if (key.equals("cgroup.procs")
          || key.equals("cgroup.threads")
          || key.equals("cgroup.subtree_control")
          || key.equals("cgroup.type")
          || key.equals("cgroup.kill")
          || key.equals("cgroup.freeze")) {
        throw new InvalidArgumentException(
            "unified cgroup key " + key + " is managed by the runtime, not a limit");
      }
      if (e.getValue().indexOf('\n') >= 0) {
        throw new InvalidArgumentException("unified cgroup value of " + key + " has a newline");
      }
    }
  }

  /** Whether applying this would change nothing. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the fields of a {@link CgroupResources}; not thread-safe. */
  public static final class Builder {
    private long cpuShares;
    private long cpuQuota;
    private long cpuPeriod;
    private String cpusetCpus = "";
    private String cpusetMems = "";
    private long memoryLimit;
    private long memorySwap;
    private long pidsLimit;
    private final Map<String, Long> hugepageLimits = new LinkedHashMap<>();
    private final Map<String, String> unified = new LinkedHashMap<>();

    private Builder() {}

    public Builder cpuShares(long v) {
      cpuShares = v;
      return this;
    }

    public Builder cpuQuota(long v) {
      cpuQuota = v;
      return this;
    }

    public Builder cpuPeriod(long v) {
      cpuPeriod = v;
      return this;
    }

    public Builder cpusetCpus(String v) {
      cpusetCpus = v;
      return this;
    }

    public Builder cpusetMems(String v) {
      cpusetMems = v;
      return this;
    }

    public Builder memoryLimit(long v) {
      memoryLimit = v;
      return this;
    }

    public Builder memorySwap(long v) {
      memorySwap = v;
      return this;
    }

    public Builder pidsLimit(long v) {
      pidsLimit = v;
      return this;
    }

    public Builder hugepageLimit(String pageSize, long bytes) {
      hugepageLimits.put(pageSize, bytes);
      return this;
    }

    public Builder unified(String key, String value) {
      unified.put(key, value);
      return this;
    }

    public Builder unified(Map<String, String> values) {
      unified.putAll(values);
      return this;
    }

    public CgroupResources build() {
      return new CgroupResources(
          cpuShares,
          cpuQuota,
          cpuPeriod,
          cpusetCpus,
          cpusetMems,
          memoryLimit,
          memorySwap,
          pidsLimit,
          hugepageLimits,
          unified);
    }
  }
}
