package io.tessera.kernel.cgroup;

import java.util.HashMap;
import java.util.Map;

/**
 * The counters of a memory cgroup's {@code memory.stat} that container stats need. v1 and v2 name
 * them differently: v1's hierarchical {@code total_*} lines cover the cgroup and its descendants,
 * v2's lines always do (Documentation/admin-guide/cgroup-v1/memory.rst, cgroup-v2.rst).
 *
 * @param inactiveFile page cache on the inactive LRU list: reclaimable, so not in the working set
 * @param rss anonymous memory (v1 {@code total_rss}, v2 {@code anon})
 * @param pageFaults all page faults ({@code pgfault})
 * @param majorPageFaults faults that needed I/O ({@code pgmajfault})
 */
public record MemoryStat(long inactiveFile, long rss, long pageFaults, long majorPageFaults) {

  /** Parses a cgroup v1 {@code memory.stat}; a counter that is missing reads 0. */
  public static MemoryStat parseV1(String text) {
    Map<String, Long> m = keyValues(text);
    return new MemoryStat(
        m.getOrDefault("total_inactive_file", m.getOrDefault("inactive_file", 0L)),
        m.getOrDefault("total_rss", m.getOrDefault("rss", 0L)),
        m.getOrDefault("total_pgfault", m.getOrDefault("pgfault", 0L)),
        m.getOrDefault("total_pgmajfault", m.getOrDefault("pgmajfault", 0L)));
  }

  /** Parses a cgroup v2 {@code memory.stat}; a counter that is missing reads 0. */
  public static MemoryStat parseV2(String text) {
    Map<String, Long> m = keyValues(text);
    return new MemoryStat(
        m.getOrDefault("inactive_file", 0L),
        m.getOrDefault("anon", 0L),
        m.getOrDefault("pgfault", 0L),
        m.getOrDefault("pgmajfault", 0L));
  }

  /** The "key value" lines of a flat-keyed cgroup file; malformed lines are skipped. */
  static Map<String, Long> keyValues(String text) {
    Map<String, Long> out = new HashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2) {
        try {
          out.put(f[0], Long.parseLong(f[1]));
        } catch (NumberFormatException e) {
          // Not a counter (a future format); the counters we need are still read.
        }
      }
    }
    return out;
  }
}
