package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.InvalidArgumentException;

/**
 * The runtime-spec's v1-shaped limits in cgroup v2 file syntax, with the same conversions runc
 * makes, so that a container gets the same limits whether runc or Tessera writes them. Pure.
 */
final class CgroupV2Values {
  private CgroupV2Values() {}

  /**
   * cpu.weight (1..10000) for v1 cpu.shares (2..262144): the linear map of one range onto the
   * other, as runc and the kubelet use it, so that shares 1024 becomes weight 39.
   */
  static long cpuWeight(long shares) {
    if (shares == 0) {
      return 0;
    }
    long clamped = Math.max(2, Math.min(262144, shares));
    return 1 + ((clamped - 2) * 9999) / 262142;
  }

  /**
   * cpu.max ("QUOTA PERIOD", "max PERIOD"): an unset quota keeps {@code currentQuota} (the first
   * field of the file now), unlike runc, which resets it to max when only the period changes.
   *
   * @return null when neither is set
   */
  static String cpuMax(long quota, long period, String currentQuota) {
    if (quota == 0 && period == 0) {
      return null;
    }
    String q = quota > 0 ? Long.toString(quota) : quota == -1 ? "max" : currentQuota;
    return period > 0 ? q + " " + period : q;
  }

  /** memory.max, pids.max and similar: -1 is "max". */
  static String limit(long value) {
    return value == -1 ? "max" : Long.toString(value);
  }

  /**
   * memory.swap.max for the runtime-spec's memory.swap, which counts memory plus swap (v1 memsw),
   * while v2 limits swap alone.
   *
   * @return null when swap is left as it is
   * @throws InvalidArgumentException a swap limit without a memory limit, or below it
   */
  static String swapMax(long memorySwap, long memory) {
    if (memory == -1 && memorySwap == 0) {
      // No memory limit: swap must not be the one thing left limited.
      return "max";
    }
    if (memorySwap == 0) {
      return null;
    }
    if (memorySwap == -1) {
      return "max";
    }
    if (memory <= 0) {
      throw new InvalidArgumentException(
          "memory swap limit " + memorySwap + " needs a memory limit (swap counts memory too)");
    }
    if (memorySwap < memory) {
      throw new InvalidArgumentException(
          "memory swap limit " + memorySwap + " is below the memory limit " + memory);
    }
    return Long.toString(memorySwap - memory);
  }
}
