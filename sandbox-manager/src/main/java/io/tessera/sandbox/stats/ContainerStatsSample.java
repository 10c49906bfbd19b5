package io.tessera.sandbox.stats;

import io.tessera.kernel.cgroup.CgroupUsage;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One container's resource usage at a sampling instant: CPU, memory and writable layer.
 *
 * <p>Immutable. Timestamps are nanoseconds since the epoch.
 *
 * @param containerId the full container id
 * @param writableLayer absent when the snapshot could not be measured
 */
public record ContainerStatsSample(
    String containerId, Cpu cpu, Memory memory, Optional<WritableLayer> writableLayer) {

  public ContainerStatsSample {
    Objects.requireNonNull(containerId, "container id");
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(writableLayer, "writable layer");
  }

  /**
   * CPU usage.
   *
   * @param usageCoreNanos CPU time used since the container started, all cores summed
   * @param usageNanoCores mean rate over the last two samples, in nanoseconds of CPU per second;
   *     absent until there are two samples
   */
  public record Cpu(long timestamp, long usageCoreNanos, OptionalLong usageNanoCores) {
    /**
     * The rate between two cumulative readings {@code wallNanos} apart; empty if no time passed or
     * the counter went backwards (a different cgroup under the same path).
     */
    static OptionalLong nanoCores(long prevCpuNanos, long cpuNanos, long wallNanos) {
      long cpuDelta = cpuNanos - prevCpuNanos;
      if (wallNanos <= 0 || cpuDelta < 0) {
        return OptionalLong.empty();
      }
      return OptionalLong.of((long) ((double) cpuDelta / wallNanos * 1e9));
    }
  }

  /**
   * Memory usage, computed the way kubelet's eviction manager expects it (as cAdvisor does).
   *
   * @param usageBytes memory charged to the cgroup, page cache included
   * @param workingSetBytes usage minus inactive page cache, never below 0
   * @param availableBytes limit minus working set, never below 0; absent without a limit
   * @param rssBytes anonymous memory
   * @param pageFaults cumulative page faults
   * @param majorPageFaults cumulative faults that needed I/O
   */
  public record Memory(
      long timestamp,
      long usageBytes,
      long workingSetBytes,
      OptionalLong availableBytes,
      long rssBytes,
      long pageFaults,
      long majorPageFaults) {

    /** The memory part of a cgroup reading taken at {@code timestamp}. */
    static Memory of(long timestamp, CgroupUsage u) {
      long workingSet = Math.max(0, u.memoryUsage() - u.memoryStat().inactiveFile());
      OptionalLong available =
          u.memoryLimit().isPresent()
              ? OptionalLong.of(Math.max(0, u.memoryLimit().getAsLong() - workingSet))
              : OptionalLong.empty();
      return new Memory(
          timestamp,
          u.memoryUsage(),
          workingSet,
          available,
          u.memoryStat().rss(),
          u.memoryStat().pageFaults(),
          u.memoryStat().majorPageFaults());
    }
  }

  /**
   * The container's writable layer.
   *
   * @param mountpoint mount point of the file system holding the layer
   * @param usedBytes apparent size of its entries
   * @param inodesUsed distinct inodes in it
   */
  public record WritableLayer(long timestamp, Path mountpoint, long usedBytes, long inodesUsed) {}
}
