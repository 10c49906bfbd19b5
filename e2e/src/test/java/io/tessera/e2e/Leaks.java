package io.tessera.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Kernel facts that show what a daemon left behind: mounts and processes. */
final class Leaks {
  private Leaks() {}

  /** Mount points at or below {@code dir}, from /proc/self/mountinfo. */
  static List<String> mountsUnder(Path dir) {
    List<String> found = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        String mountPoint = f[4].replace("\\040", " ");
        if (mountPoint.startsWith(dir.toString())) {
          found.add("mount left behind: " + mountPoint + " (" + line + ")");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** Live processes whose command line names {@code dir} (conmon, runc, workloads). */
  static List<String> processesMentioning(Path dir) {
    return processesMentioning(dir, -1);
  }

  /** The same, not counting {@code daemonPid} (a daemon that is still meant to run). */
  static List<String> processesMentioning(Path dir, long daemonPid) {
    List<String> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.matches("\\d+")
            || Long.parseLong(name) == self
            || Long.parseLong(name) == daemonPid) {
          continue;
        }
        try {
          String cmd =
              new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ')
                  .trim();
          if (cmd.contains(dir.toString())) {
            found.add("process left behind: " + name + " " + cmd);
          }
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** Which pid's namespace file of a type (e.g. "net") - its inode identity. */
  static String namespaceOf(long pid, String type) {
    try {
      return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", type)).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
