package io.tessera.e2e.bench;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles of durations in nanoseconds. */
final class Percentiles {
  private final long[] sorted;

  Percentiles(List<Long> nanos) {
    if (nanos.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  /** The smallest sample with at least {@code p} percent of samples at or below it. */
  long nanos(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  double millis(double p) {
    return nanos(p) / 1e6;
  }

  double meanMillis() {
    return Arrays.stream(sorted).average().orElseThrow() / 1e6;
  }

  int count() {
    return sorted.length;
  }
}
