package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * cgroup resource settings of a container, or of a pod's overhead or total (CRI
 * LinuxContainerResources). As in CRI, 0 or empty means "leave unset" for every field but {@code
 * oomScoreAdj}, whose 0 is a real value.
 *
 * @param cpuPeriod CFS period, microseconds
 * @param cpuQuota CFS quota, microseconds
 * @param cpuShares relative CPU weight (cgroup v1 shares)
 * @param oomScoreAdj -1000..1000
 * @param cpusetCpus cpuset list syntax, e.g. "0-3,6"
 * @param cpusetMems NUMA nodes, cpuset list syntax
 * @param unified raw cgroup v2 files, e.g. "memory.high" to "1073741824"
 */
public record LinuxContainerResources(
    long cpuPeriod,
    long cpuQuota,
    long cpuShares,
    long memoryLimitInBytes,
    long oomScoreAdj,
    String cpusetCpus,
    String cpusetMems,
    List<HugepageLimit> hugepageLimits,
    Map<String, String> unified,
    long memorySwapLimitInBytes) {

  /** Nothing set. */
  public static final LinuxContainerResources NONE = builder().build();

  public LinuxContainerResources {
    if (oomScoreAdj < -1000 || oomScoreAdj > 1000) {
      throw new InvalidArgumentException(
          "oom_score_adj " + oomScoreAdj + " is outside -1000..1000");
    }
    Objects.requireNonNull(cpusetCpus, "cpuset cpus");
    Objects.requireNonNull(cpusetMems, "cpuset mems");
    hugepageLimits = List.copyOf(hugepageLimits);
    unified = Map.copyOf(unified);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .cpuPeriod(cpuPeriod)
        .cpuQuota(cpuQuota)
        .cpuShares(cpuShares)
        .memoryLimitInBytes(memoryLimitInBytes)
        .oomScoreAdj(oomScoreAdj)
        .cpusetCpus(cpusetCpus)
        .cpusetMems(cpusetMems)
        .hugepageLimits(hugepageLimits)
        .unified(unified)
        .memorySwapLimitInBytes(memorySwapLimitInBytes);
  }

  /** Collects the fields of a {@link LinuxContainerResources}; not thread-safe. */
  public static final class Builder {
    private long cpuPeriod;
    private long cpuQuota;
    private long cpuShares;
    private long memoryLimitInBytes;
    private long oomScoreAdj;
    private String cpusetCpus = "";
    private String cpusetMems = "";
    private List<HugepageLimit> hugepageLimits = new ArrayList<>();
    private Map<String, String> unified = new LinkedHashMap<>();
    private long memorySwapLimitInBytes;

    private Builder() {}

    public Builder cpuPeriod(long v) {
      this.cpuPeriod = v;
      return this;
    }

    public Builder cpuQuota(long v) {
      this.cpuQuota = v;
      return this;
    }

    public Builder cpuShares(long v) {
      this.cpuShares = v;
      return this;
    }

    public Builder memoryLimitInBytes(long v) {
      this.memoryLimitInBytes = v;
      return this;
    }

    public Builder oomScoreAdj(long v) {
      this.oomScoreAdj = v;
      return this;
    }

    public Builder cpusetCpus(String v) {
      this.cpusetCpus = v;
      return this;
    }

    public Builder cpusetMems(String v) {
      this.cpusetMems = v;
      return this;
    }

    public Builder hugepageLimits(List<HugepageLimit> v) {
      this.hugepageLimits = new ArrayList<>(v);
      return this;
    }

    public Builder unified(Map<String, String> v) {
      this.unified = new LinkedHashMap<>(v);
      return this;
    }

    public Builder memorySwapLimitInBytes(long v) {
      this.memorySwapLimitInBytes = v;
      return this;
    }

    public LinuxContainerResources build() {
      return new LinuxContainerResources(
          cpuPeriod,
          cpuQuota,
          cpuShares,
          memoryLimitInBytes,
          oomScoreAdj,
          cpusetCpus,
          cpusetMems,
          hugepageLimits,
          unified,
          memorySwapLimitInBytes);
    }
  }
}
