package io.tessera.kernel.fs;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Directory-tree quotas through project ids (XFS project quotas): a directory gets a project id
 * that everything created below it inherits, and the file system caps the blocks and inodes charged
 * to that id.
 *
 * <p>Failures are domain exceptions with the failed call, its object and errno as the message and
 * the {@code SyscallException} as the cause: EPERM is {@code FailedPreconditionException}, ENOSYS,
 * ENOTTY and EOPNOTSUPP (no quota support, no fsxattr interface) are {@code
 * UnimplementedException}, ESRCH (quotas not enabled on the mount) is {@code
 * FailedPreconditionException}, ENOENT {@code NotFoundException}, anything else {@code
 * InternalException}. Implementations are stateless and thread-safe.
 */
public interface ProjectQuotas {

  /**
   * A project's limits and usage, in bytes and inodes; zero limits mean none.
   *
   * @param bytesUsed bytes charged to the project (whole file system blocks)
   */
  record Quota(long byteLimit, long inodeLimit, long bytesUsed, long inodesUsed) {}

  /** The statfs(2) magic number of the file system holding {@code path}. */
  long filesystemType(Path path);

  /** The project id of {@code dir} (0 when it has none). */
  int projectId(Path dir);

  /**
   * Gives {@code dir} the project id {@code projectId} with inheritance, so that everything created
   * below it later is charged to that project. What already exists below keeps its id.
   */
  void assignProject(Path dir, int projectId);

  /**
   * The quota of {@code projectId} on the file system mounted from {@code device}; empty when the
   * project has no quota record (nothing charged to it and no limits).
   */
  Optional<Quota> quota(Path device, int projectId);

  /**
   * Sets the hard limits of {@code projectId} on the file system mounted from {@code device}:
   * {@code byteLimit} rounded up to 512-byte blocks, {@code inodeLimit} inodes; zero removes a
   * limit, so {@code setLimits(dev, id, 0, 0)} clears the project's quota. Soft limits are cleared.
   */
  void setLimits(Path device, int projectId, long byteLimit, long inodeLimit);
}
