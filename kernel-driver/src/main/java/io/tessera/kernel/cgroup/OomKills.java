package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.mount.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * How many processes the kernel's OOM killer killed in a memory cgroup: the {@code oom_kill} count
 * of v1 {@code memory.oom_control} (Linux 4.13+) or v2 {@code memory.events}. Stateless and
 * thread-safe; reads the cgroup files only, so call it before the cgroup is removed.
 */
public final class OomKills {
  private OomKills() {}

  /**
   * The OOM kill count of {@code cgroupPath} (absolute, e.g. {@code /tessera/pod/ctr}) on this
   * host; empty when the cgroup (or the counter) does not exist.
   */
  public static OptionalLong count(String cgroupPath) {
    return count(CgroupHierarchy.fromMounts(MountInfo.current()), cgroupPath);
  }

  /** As {@link #count(String)}, over the given hierarchies. */
  public static OptionalLong count(List<CgroupHierarchy> hierarchies, String cgroupPath) {
    CgroupPaths.validate(cgroupPath);
    // v1 memory first: on a hybrid host the unified hierarchy has no memory controller.
    for (CgroupHierarchy h : hierarchies) {
      if (!h.unified() && h.has("memory")) {
        return read(h.dir(cgroupPath).resolve("memory.oom_control"));
      }
    }
    for (CgroupHierarchy h : hierarchies) {
      if (h.unified()) {
        OptionalLong n = read(h.dir(cgroupPath).resolve("memory.events"));
        if (n.isPresent()) {
          return n;
        }
      }
    }
    return OptionalLong.empty();
  }

  private static OptionalLong read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new InternalException("read OOM kill count from " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The {@code oom_kill N} line of a {@code memory.oom_control} or {@code memory.events} text ("key
   * value" lines); empty without one.
   */
  static OptionalLong parse(String text) {
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].equals("oom_kill")) {
        try {
          return OptionalLong.of(Long.parseLong(f[1]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }
}
