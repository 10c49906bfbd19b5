package io.tessera.sandbox.spec;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.fs.DeviceNumbers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** {@link HostDevices} of this host. Stateless. */
final class SystemHostDevices implements HostDevices {
  static final SystemHostDevices INSTANCE = new SystemHostDevices();

  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;

  /**
   * Directories runc itself fills or that hold nothing a privileged container should see twice:
   * containerd skips the same ones when listing host devices.
   */
  private static final List<String> SKIPPED_DIRS = List.of("/dev/pts", "/dev/shm", "/dev/mqueue");

  private SystemHostDevices() {}

  @Override
  public Optional<HostDevice> stat(Path hostPath) {
    Path real;
    try {
      real = hostPath.toRealPath();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new InternalException("resolve device " + hostPath, e);
    }
    return node(real);
  }

  @Override
  public List<HostDevice> list() {
    return walk(Path.of("/dev"));
  }

  @Override
  public List<HostDevice> under(Path dir) {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new InternalException("resolve device directory " + dir, e);
    }
    return Files.isDirectory(real) ? walk(real) : List.of();
  }

  private static List<HostDevice> walk(Path dir) {
    List<HostDevice> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> SKIPPED_DIRS.stream().noneMatch(d -> p.startsWith(d)))
          .filter(p -> !Files.isSymbolicLink(p))
          .forEach(p -> node(p).ifPresent(out::add));
    } catch (IOException | UncheckedIOException e) {
      throw new InternalException("list host devices under " + dir, e);
    }
    out.sort(Comparator.comparing(HostDevice::path));
    return out;
  }

  private static Optional<HostDevice> node(Path p) {
    try {
      int mode = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      String type;
      if ((mode & S_IFMT) == S_IFCHR) {
        type = "c";
      } else if ((mode & S_IFMT) == S_IFBLK) {
        type = "b";
      } else {
        return Optional.empty();
      }
      long rdev = (long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
      int uid = (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      int gid = (int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
      return Optional.of(
          new HostDevice(
              p.toString(),
              type,
              DeviceNumbers.major(rdev),
              DeviceNumbers.minor(rdev),
              mode & 07777,
              Integer.toUnsignedLong(uid),
              Integer.toUnsignedLong(gid)));
    } catch (NoSuchFileException e) {
      // A node that vanished while /dev was listed (hot-unplug): nothing to grant.
      return Optional.empty();
    } catch (IOException e) {
      throw new InternalException("stat device " + p, e);
    }
  }
}
