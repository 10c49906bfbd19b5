package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.mount.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a cgroup's CPU, memory and task counters from the v1 {@code cpuacct}, {@code memory} and
 * {@code pids} hierarchies, or from the unified hierarchy where a controller is not mounted as v1
 * (so a hybrid host whose v2 tree carries only hugetlb is read from v1). Stateless and thread-safe.
 */
public final class CgroupStatsReader {
  /**
   * v1 reports "no limit" as LONG_MAX rounded down to the page size; anything this large cannot be
   * a real limit.
   */
  private static final long V1_UNLIMITED = 1L << 62;

  private final List<CgroupHierarchy> hierarchies;

  public CgroupStatsReader(List<CgroupHierarchy> hierarchies) {
    this.hierarchies = List.copyOf(hierarchies);
  }

  /** A reader over this host's mounted hierarchies. */
  public static CgroupStatsReader forHost() {
    return new CgroupStatsReader(CgroupHierarchy.fromMounts(MountInfo.current()));
  }

  /**
   * The counters of {@code cgroupPath} (absolute, e.g. {@code /tessera/pod/ctr}); empty when the
   * cgroup does not exist (any more) in a hierarchy that would hold them.
   *
   * @throws InternalException if a counter file exists but cannot be read or parsed
   */
  public Optional<CgroupUsage> read(String cgroupPath) {
    CgroupPaths.validate(cgroupPath);
    OptionalLong cpu = cpuNanos(cgroupPath);
    Optional<CgroupHierarchy> mem = v1("memory");
    if (mem.isPresent()) {
      Path dir = mem.get().dir(cgroupPath);
      Optional<String> usage = readFile(dir.resolve("memory.usage_in_bytes"));
      Optional<String> limit = readFile(dir.resolve("memory.limit_in_bytes"));
      Optional<String> stat = readFile(dir.resolve("memory.stat"));
      if (cpu.isEmpty() || usage.isEmpty() || limit.isEmpty() || stat.isEmpty()) {
        return Optional.empty();
      }
      long l = parseLong(limit.get(), dir);
      return Optional.of(
          new CgroupUsage(
              cpu.getAsLong(),
              parseLong(usage.get(), dir),
              l >= V1_UNLIMITED ? OptionalLong.empty() : OptionalLong.of(l),
              MemoryStat.parseV1(stat.get())));
    }
    Optional<CgroupHierarchy> unified = unified();
    if (unified.isEmpty()) {
      return Optional.empty();
    }
    Path dir = unified.get().dir(cgroupPath);
    Optional<String> usage = readFile(dir.resolve("memory.current"));
    Optional<String> limit = readFile(dir.resolve("memory.max"));
    Optional<String> stat = readFile(dir.resolve("memory.stat"));
    if (cpu.isEmpty() || usage.isEmpty() || limit.isEmpty() || stat.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        new CgroupUsage(
            cpu.getAsLong(),
            parseLong(usage.get(), dir),
            parseV2Max(limit.get(), dir),
            MemoryStat.parseV2(stat.get())));
  }

  /**
   * The number of tasks in {@code cgroupPath} and below: {@code pids.current} where a pids
   * controller holds the cgroup (it counts threads, as containerd and cAdvisor report it), else the
   * processes listed in the {@code cgroup.procs} files of its subtree. Empty when the cgroup does
   * not exist.
   *
   * @throws InternalException if a counter file exists but cannot be read or parsed
   */
  public OptionalLong processCount(String cgroupPath) {
    CgroupPaths.validate(cgroupPath);
    Optional<CgroupHierarchy> pids = v1("pids");
    Path dir = pids.isPresent() ? pids.get().dir(cgroupPath) : null;
    if (dir == null && unified().isPresent()) {
      dir = unified().get().dir(cgroupPath);
    }
    if (dir != null) {
      Path d = dir;
      Optional<String> current = readFile(d.resolve("pids.current"));
      if (current.isPresent()) {
        return OptionalLong.of(parseLong(current.get(), d));
      }
    }
    // No pids controller here (a v2 subtree without it enabled): count cgroup.procs instead.
    for (CgroupHierarchy h : hierarchies) {
      Path any = h.dir(cgroupPath);
      if (Files.isDirectory(any)) {
        return OptionalLong.of(CgroupTree.pidsRecursive(any).size());
      }
    }
    return OptionalLong.empty();
  }

  private OptionalLong cpuNanos(String cgroupPath) {
    Optional<CgroupHierarchy> acct = v1("cpuacct");
    if (acct.isPresent()) {
      Path dir = acct.get().dir(cgroupPath);
      return readFile(dir.resolve("cpuacct.usage"))
          .map(s -> OptionalLong.of(parseLong(s, dir)))
          .orElse(OptionalLong.empty());
    }
    Optional<CgroupHierarchy> unified = unified();
    if (unified.isEmpty()) {
      return OptionalLong.empty();
    }
    Path dir = unified.get().dir(cgroupPath);
    return readFile(dir.resolve("cpu.stat"))
        .map(s -> OptionalLong.of(usageUsecNanos(s, dir)))
        .orElse(OptionalLong.empty());
  }

  /** The {@code usage_usec} line of a v2 {@code cpu.stat}, in nanoseconds. */
  static long usageUsecNanos(String cpuStat, Path dir) {
    Long usec = MemoryStat.keyValues(cpuStat).get("usage_usec");
    if (usec == null) {
      throw new InternalException("cpu.stat of " + dir + " has no usage_usec line");
    }
    return usec * 1000;
  }

  /** A v2 {@code memory.max}: a byte count, or {@code max} for no limit. */
  static OptionalLong parseV2Max(String text, Path dir) {
    String t = text.trim();
    return t.equals("max") ? OptionalLong.empty() : OptionalLong.of(parseLong(t, dir));
  }

  private Optional<CgroupHierarchy> v1(String controller) {
    return hierarchies.stream().filter(h -> !h.unified() && h.has(controller)).findFirst();
  }

  private Optional<CgroupHierarchy> unified() {
    return hierarchies.stream().filter(CgroupHierarchy::unified).findFirst();
  }

  private static long parseLong(String text, Path dir) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new InternalException(
          "cgroup counter in " + dir + " is not a number: '" + text.trim() + "'", e);
    }
  }

  private static Optional<String> readFile(Path file) {
    try {
      return Optional.of(Files.readString(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new InternalException("read cgroup file " + file + ": " + e.getMessage(), e);
    }
  }
}
