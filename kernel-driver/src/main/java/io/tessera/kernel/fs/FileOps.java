package io.tessera.kernel.fs;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * File system operations the JDK cannot do exactly: device nodes and FIFOs, all 12 mode bits,
 * extended attributes of links in any namespace, nanosecond times of links, and flushing a file
 * system.
 *
 * <p>No method follows a final symbolic link. Parent components of a path are resolved by the
 * kernel as usual, so callers that must not leave a tree check the parents themselves. Owners are
 * set with the JDK ({@code Files.setAttribute(p, "unix:uid", uid, NOFOLLOW_LINKS)} is lchown(2)).
 *
 * <p>Failures are domain exceptions chosen by errno (ENOENT: {@code NotFoundException}, EEXIST:
 * {@code AlreadyExistsException}, EPERM/EACCES: {@code FailedPreconditionException}, EOPNOTSUPP:
 * {@code UnimplementedException}, ENOSPC/EDQUOT: {@code ResourceExhaustedException}, EINVAL: {@code
 * InvalidArgumentException}, anything else {@code InternalException}); the message names the call,
 * the path and strerror, the cause is an {@link ErrnoException}. Implementations are stateless and
 * thread-safe.
 */
public interface FileOps {

  /** The kinds of node {@link #mknod} creates. */
  enum NodeType {
    CHAR_DEVICE,
    BLOCK_DEVICE,
    FIFO
  }

  /**
   * Creates a device node or FIFO with exactly {@code permissions} (07777, not reduced by the
   * umask). {@code major}/{@code minor} are ignored for FIFOs.
   *
   * @throws io.tessera.kernel.errors.AlreadyExistsException if {@code path} exists
   */
  void mknod(Path path, NodeType type, int permissions, int major, int minor);

  /**
   * Sets all 12 permission bits (setuid 04000, setgid 02000, sticky 01000 included) of {@code path}
   * without following a final symlink.
   *
   * @throws io.tessera.kernel.errors.UnimplementedException if {@code path} is a symlink (Linux has
   *     no symlink modes)
   */
  void chmod(Path path, int mode);

  /**
   * Creates the symlink {@code link} whose content is exactly {@code target} (not normalized, not
   * resolved, may point anywhere or nowhere).
   */
  void symlink(String target, Path link);

  /** Sets (creates or replaces) the extended attribute {@code name} of the link itself. */
  void setXattr(Path path, String name, byte[] value);

  /** The value of the extended attribute {@code name} of the link itself, empty if unset. */
  Optional<byte[]> getXattr(Path path, String name);

  /** Removes the extended attribute {@code name} of the link itself; absent is not an error. */
  void removeXattr(Path path, String name);

  /** The extended attribute names of the link itself that the caller may read. */
  List<String> listXattrs(Path path);

  /** Sets access and modification time, nanoseconds included, of the link itself. */
  void setTimes(Path path, Instant accessTime, Instant modifyTime);

  /** Flushes all dirty data and metadata of the file system holding the directory {@code dir}. */
  void syncFilesystem(Path dir);
}
