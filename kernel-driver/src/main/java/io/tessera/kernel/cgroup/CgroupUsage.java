package io.tessera.kernel.cgroup;

import java.util.OptionalLong;

/**
 * A point-in-time reading of a container cgroup's CPU and memory counters.
 *
 * @param cpuNanos CPU time used by the cgroup's tasks since it was created
 * @param memoryUsage memory charged to the cgroup, page cache included
 * @param memoryLimit the memory limit; empty when unlimited
 * @param memoryStat the {@code memory.stat} counters
 */
public record CgroupUsage(
    long cpuNanos, long memoryUsage, OptionalLong memoryLimit, MemoryStat memoryStat) {}
