package io.tessera.sandbox.spec;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Reads a file of a container's root filesystem the way the container would see it, from the host.
 *
 * <p>The rootfs is image content, so its symlinks are untrusted: a path is resolved component by
 * component, an absolute symlink target is taken relative to the rootfs (what the kernel does
 * inside the container's root, e.g. /etc/passwd -> /usr/lib/passwd), and a ".." that would leave
 * the rootfs is refused, so nothing outside the rootfs is ever read. The rootfs is not running
 * anything yet when a spec is built, so nothing swaps links between the walk and the read.
 */
final class RootfsFiles {
  private static final int MAX_LINKS = 40;
  private static final long MAX_SIZE = 4L << 20;

  private RootfsFiles() {}

  /**
   * The content of {@code containerPath} (absolute, as seen in the container) in {@code rootfs};
   * empty when it does not exist.
   *
   * @throws InvalidArgumentException when it resolves outside the rootfs, loops, is not a regular
   *     file, or is larger than 4 MiB
   */
  static Optional<String> read(Path rootfs, String containerPath) {
    Optional<Path> file = resolve(rootfs, containerPath);
    if (file.isEmpty()) {
      return Optional.empty();
    }
    Path p = file.get();
    try {
      if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        throw new InvalidArgumentException(
            "rootfs " + rootfs + ": " + containerPath + " is not a regular file");
      }
      if (Files.size(p) > MAX_SIZE) {
        throw new InvalidArgumentException(
            "rootfs " + rootfs + ": " + containerPath + " is larger than " + MAX_SIZE + " bytes");
      }
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new InternalException("read " + containerPath + " in rootfs " + rootfs, e);
    }
  }

  /** The host path of {@code containerPath} inside {@code rootfs}; empty when it does not exist. */
  static Optional<Path> resolve(Path rootfs, String containerPath) {
    Path root = rootfs.toAbsolutePath().normalize();
    Deque<String> todo = new ArrayDeque<>(List.of(containerPath.split("/")));
    Path current = root;
    int links = 0;
    try {
      while (!todo.isEmpty()) {
        String c = todo.pollFirst();
        if (c.isEmpty() || c.equals(".")) {
          continue;
        }
        if (c.equals("..")) {
          if (current.equals(root)) {
            throw new InvalidArgumentException(
                "rootfs " + rootfs + ": " + containerPath + " resolves outside the rootfs");
          }
          current = current.getParent();
          continue;
        }
        Path next = current.resolve(c);
        if (Files.isSymbolicLink(next)) {
          if (++links > MAX_LINKS) {
            throw new InvalidArgumentException(
                "rootfs " + rootfs + ": too many symlinks resolving " + containerPath);
          }
          String target = Files.readSymbolicLink(next).toString();
          List<String> parts = List.of(target.split("/"));
          for (int i = parts.size() - 1; i >= 0; i--) {
            todo.addFirst(parts.get(i));
          }
          if (target.startsWith("/")) {
            current = root;
          }
          continue;
        }
        if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
          return Optional.empty();
        }
        current = next;
      }
    } catch (IOException e) {
      throw new InternalException("resolve " + containerPath + " in rootfs " + rootfs, e);
    }
    return Optional.of(current);
  }
}
