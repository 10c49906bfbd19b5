package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.jna.Errno;
import io.tessera.kernel.jna.LibcSys;
import io.tessera.kernel.jna.SyscallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/** The file operations on cgroupfs that both managers share, for one hierarchy. */
final class CgroupTree {
  /** How long a removal keeps retrying EBUSY (the kernel frees a cgroup shortly after exit). */
  static final Duration REMOVE_RETRY = Duration.ofSeconds(5);

  private static final Duration RETRY_PAUSE = Duration.ofMillis(10);

  private CgroupTree() {}

  /**
   * Creates {@code dir} and its missing ancestors below {@code mountPoint}, calling {@code
   * onCreated(parent, child)} for each level this call created, top-down.
   */
  static void createDirs(Path mountPoint, Path dir, BiConsumer<Path, Path> onCreated) {
    Path relative = mountPoint.relativize(dir);
    Path current = mountPoint;
    for (Path segment : relative) {
      Path parent = current;
      current = current.resolve(segment.toString());
      try {
        Files.createDirectory(current);
        onCreated.accept(parent, current);
      } catch (FileAlreadyExistsException e) {
        // Exists already: created by us before, by runc, or by someone else. Left as it is.
      } catch (IOException e) {
        throw new InternalException("create cgroup " + current, e);
      }
    }
  }

  /** The pids in cgroup.procs of {@code dir} and its descendants; none if it does not exist. */
  static Set<Long> pidsRecursive(Path dir) {
    Set<Long> pids = new TreeSet<>();
    for (Path d : subtree(dir)) {
      pids.addAll(readPids(d.resolve("cgroup.procs")));
    }
    return pids;
  }

  static List<Long> readPids(Path procs) {
    List<Long> pids = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line.trim()));
        }
      }
    } catch (NoSuchFileException e) {
      // The cgroup vanished while we walked it.
    } catch (IOException e) {
      throw new InternalException("read " + procs, e);
    }
    return pids;
  }

  /** {@code dir} and every directory below it, parents before children. */
  static List<Path> subtree(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isDirectory).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      // A child removed while walking; one retry sees a consistent enough tree.
      try (Stream<Path> walk = Files.walk(dir)) {
        return walk.filter(Files::isDirectory).toList();
      } catch (IOException | java.io.UncheckedIOException again) {
        if (!Files.isDirectory(dir)) {
          return List.of();
        }
        throw new InternalException("walk cgroup " + dir, again);
      }
    }
  }

  /**
   * Removes {@code dir} and its descendants, children first; gone already is fine. EBUSY is retried
   * until {@code deadline} (System.nanoTime) only while the cgroup has no processes: the kernel
   * releases an emptied cgroup asynchronously, but one with processes stays busy, so that fails at
   * once.
   */
  static void removeRecursive(Path dir, long deadline) {
    List<Path> dirs = new ArrayList<>(subtree(dir));
    dirs.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    for (Path d : dirs) {
      removeWithRetry(d, deadline);
    }
  }

  /** A deadline {@link #REMOVE_RETRY} from now, shared by all hierarchies of one delete. */
  static long removeDeadline() {
    return System.nanoTime() + REMOVE_RETRY.toNanos();
  }

  private static void removeWithRetry(Path dir, long deadline) {
    while (true) {
      try {
        LibcSys.rmdir(dir.toString());
        return;
      } catch (SyscallException e) {
        if (e.errno() == Errno.ENOENT) {
          return;
        }
        if (e.errno() != Errno.EBUSY) {
          throw new InternalException("remove cgroup " + dir, e);
        }
        List<Long> pids = readPids(dir.resolve("cgroup.procs"));
        if (!pids.isEmpty() || System.nanoTime() > deadline) {
          throw new FailedPreconditionException(
              "remove cgroup " + dir + ": busy" + (pids.isEmpty() ? "" : ", processes " + pids), e);
        }
        pause();
      }
    }
  }

  static void write(Path file, String value) {
    try {
      writeTruncating(file, value);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("write " + file + ": cgroup does not exist", e);
    } catch (IOException e) {
      throw new InternalException("write '" + value.trim() + "' to " + file, e);
    }
  }

  /**
   * Writes a limit: a missing file means the controller is not there for this cgroup, and a value
   * the kernel refuses (EINVAL, ERANGE, EBUSY on v1 for a cpuset or quota that breaks the
   * hierarchy) is the caller's argument; both are {@link InvalidArgumentException}.
   */
  static void writeLimit(Path file, String value) {
    try {
      writeTruncating(file, value);
    } catch (NoSuchFileException e) {
      throw new InvalidArgumentException(
          "set "
              + file.getFileName()
              + " of cgroup "
              + file.getParent()
              + ": no such file (controller not available there)",
          e);
    } catch (IOException e) {
      String why = String.valueOf(e.getMessage());
      if (why.contains("Invalid argument")
          || why.contains("Numerical result out of range")
          || why.contains("Device or resource busy")) {
        throw new InvalidArgumentException(
            "set " + file + " to '" + value + "': the kernel refused it (" + why + ")", e);
      }
      throw new InternalException("write '" + value + "' to " + file, e);
    }
  }

  private static void writeTruncating(Path file, String value) throws IOException {
    // O_TRUNC as runc opens them: cgroupfs ignores it, a plain file (a test's fake tree) needs it.
    Files.writeString(
        file,
        value,
        StandardCharsets.US_ASCII,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      throw new InternalException("read " + file, e);
    }
  }

  /** SIGKILLs each pid, never the daemon itself; pids already gone are skipped. */
  static void killEach(Set<Long> pids) {
    long self = ProcessHandle.current().pid();
    for (long pid : pids) {
      if (pid != self) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InternalException("interrupted while waiting for a cgroup", e);
    }
  }
}
