package io.tessera.kernel.proc;

import io.tessera.kernel.cgroup.CgroupHierarchy;
import io.tessera.kernel.mount.MountInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What integration tests check after themselves: mounts, processes and cgroups left behind. */
public final class Leaks {
  private Leaks() {}

  /** Mount points at or below {@code dir}. */
  public static List<String> mountsUnder(Path dir) {
    String prefix = dir.toAbsolutePath().normalize().toString();
    List<String> out = new ArrayList<>();
    for (MountInfo m : MountInfo.current()) {
      if (m.mountPoint().equals(prefix) || m.mountPoint().startsWith(prefix + "/")) {
        out.add(m.mountPoint());
      }
    }
    return out;
  }

  /** Processes (other than this JVM) whose command line contains {@code text}. */
  public static List<Long> processesMentioning(String text) {
    List<Long> out = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        long pid = Long.parseLong(p.getFileName().toString());
        if (pid == self) {
          continue;
        }
        try {
          String cmdline =
              new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
          if (cmdline.contains(text)) {
            out.add(pid);
          }
        } catch (IOException e) {
          // Exited meanwhile.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("list /proc", e);
    }
    return out;
  }

  /** SIGKILLs what {@link #processesMentioning} finds; returns what it killed. */
  public static List<Long> killProcessesMentioning(String text) {
    List<Long> pids = processesMentioning(text);
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    return pids;
  }

  /** Directories named {@code cgroupPath} in any mounted cgroup hierarchy. */
  public static List<Path> cgroupDirs(String cgroupPath) {
    List<Path> out = new ArrayList<>();
    for (CgroupHierarchy h : CgroupHierarchy.fromMounts(MountInfo.current())) {
      Path dir = h.mountPoint().resolve(cgroupPath.substring(1));
      if (Files.isDirectory(dir)) {
        out.add(dir);
      }
    }
    return out;
  }
}
