package io.tessera.kernel.fs;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.kernel.jna.Errno;
import io.tessera.kernel.jna.LibcQuota;
import io.tessera.kernel.jna.SyscallException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@link ProjectQuotas} over statfs(2), the fsxattr ioctls and quotactl(2) ({@link LibcQuota}).
 * Stateless and thread-safe; every call opens and closes what it uses. quotactl needs the mount's
 * block device path, which the caller finds in mountinfo.
 */
public final class ProjectQuotasJna implements ProjectQuotas {

  /** quotactl counts blocks in 512-byte "basic blocks" whatever the file system block size. */
  static final long BASIC_BLOCK = 512;

  /** ENOTTY: the file system does not implement the ioctl. */
  private static final int ENOTTY = 25;

  @Override
  public long filesystemType(Path path) {
    try {
      return LibcQuota.filesystemType(path.toString());
    } catch (SyscallException e) {
      throw domain(e);
    }
  }

  @Override
  public int projectId(Path dir) {
    try {
      return LibcQuota.getFsxattr(dir.toString()).projectId();
    } catch (SyscallException e) {
      throw domain(e);
    }
  }

  @Override
  public void assignProject(Path dir, int projectId) {
    if (projectId <= 0) {
      throw new InvalidArgumentException("project id for " + dir + " must be positive");
    }
    try {
      LibcQuota.setProject(dir.toString(), projectId, true);
    } catch (SyscallException e) {
      throw domain(e);
    }
  }

  @Override
  public Optional<Quota> quota(Path device, int projectId) {
    try {
      LibcQuota.DiskQuota q = LibcQuota.getQuota(device.toString(), projectId);
      return Optional.of(
          new Quota(
              q.blockHardLimit() * BASIC_BLOCK,
              q.inodeHardLimit(),
              q.blocks() * BASIC_BLOCK,
              q.inodes()));
    } catch (SyscallException e) {
      if (e.errno() == Errno.ENOENT) {
        return Optional.empty();
      }
      throw domain(e);
    }
  }

  @Override
  public void setLimits(Path device, int projectId, long byteLimit, long inodeLimit) {
    if (byteLimit < 0 || inodeLimit < 0) {
      throw new InvalidArgumentException(
          "quota of project " + projectId + " on " + device + ": limits must not be negative");
    }
    try {
      LibcQuota.setLimits(device.toString(), projectId, basicBlocks(byteLimit), 0, inodeLimit, 0);
    } catch (SyscallException e) {
      throw domain(e);
    }
  }

  /** Bytes rounded up to whole 512-byte blocks. */
  static long basicBlocks(long bytes) {
    return (bytes + BASIC_BLOCK - 1) / BASIC_BLOCK;
  }

  static TesseraException domain(SyscallException e) {
    String message = e.getMessage();
    return switch (e.errno()) {
      case Errno.ENOENT -> new NotFoundException(message, e);
      case Errno.EPERM, Errno.EACCES, Errno.ESRCH -> new FailedPreconditionException(message, e);
      case Errno.ENOSYS, Errno.EOPNOTSUPP, ENOTTY -> new UnimplementedException(message, e);
      case Errno.EINVAL -> new InvalidArgumentException(message, e);
      default -> new InternalException(message, e);
    };
  }
}
