package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.Map;

/**
 * Project quota system calls: statfs(2) for the file system type, the FS_IOC_FSGETXATTR /
 * FS_IOC_FSSETXATTR ioctls (ioctl_xfs_fsgetxattr(2)) for a directory's project id, and quotactl(2)
 * with the XFS commands on project quotas (Q_XGETQUOTA, Q_XSETQLIM over {@code struct
 * fs_disk_quota}, linux/dqblk_xfs.h).
 *
 * <p>Struct layouts are those of the uapi headers, the same on x86-64 and arm64 (fixed-size fields,
 * little-endian; statfs's {@code f_type} is the first, word-sized field). The encoders are package
 * visible so that they are tested on bytes without a kernel.
 */
public final class LibcQuota {

  /** statfs(2) {@code f_type} of XFS (linux/magic.h). */
  public static final long XFS_SUPER_MAGIC = 0x58465342L;

  /** fsxattr {@code fsx_xflags}: new files and directories inherit the project id. */
  public static final int FS_XFLAG_PROJINHERIT = 0x00000200;

  /** quotactl(2) type of project quotas (linux/quota.h). */
  static final int PRJQUOTA = 2;

  /** XQM_CMD(3) and XQM_CMD(4), XQM_CMD(x) being ('X' << 8) + x (linux/dqblk_xfs.h). */
  static final int Q_XGETQUOTA = ('X' << 8) + 3;

  static final int Q_XSETQLIM = ('X' << 8) + 4;

  /** {@code fs_disk_quota.d_version}. */
  static final int FS_DQUOT_VERSION = 1;

  /** {@code fs_disk_quota.d_flags} for a project dquot (XFS_PROJ_QUOTA). */
  static final int FS_PROJ_QUOTA = 2;

  /** {@code d_fieldmask} bits: which limits Q_XSETQLIM changes. */
  static final int FS_DQ_ISOFT = 1;

  static final int FS_DQ_IHARD = 1 << 1;
  static final int FS_DQ_BSOFT = 1 << 2;
  static final int FS_DQ_BHARD = 1 << 3;

  /** {@code struct fsxattr}: xflags, extsize, nextents, projid, cowextsize (u32 each), pad[8]. */
  static final int FSXATTR_SIZE = 28;

  static final int FSX_XFLAGS = 0;
  static final int FSX_PROJID = 12;

  /** _IOR('X', 31, struct fsxattr) and _IOW('X', 32, struct fsxattr) (linux/fs.h). */
  static final long FS_IOC_FSGETXATTR = ioc(2, 'X', 31, FSXATTR_SIZE);

  static final long FS_IOC_FSSETXATTR = ioc(1, 'X', 32, FSXATTR_SIZE);

  /** {@code struct fs_disk_quota}: 112 bytes; the offsets of the fields Tessera uses. */
  static final int DQUOT_SIZE = 112;

  static final int DQ_VERSION = 0;
  static final int DQ_FLAGS = 1;
  static final int DQ_FIELDMASK = 2;
  static final int DQ_ID = 4;
  static final int DQ_BLK_HARD = 8;
  static final int DQ_BLK_SOFT = 16;
  static final int DQ_INO_HARD = 24;
  static final int DQ_INO_SOFT = 32;
  static final int DQ_BCOUNT = 40;
  static final int DQ_ICOUNT = 48;

  /** statfs(2) takes a {@code struct statfs} of 120 bytes on 64-bit Linux; 256 leaves room. */
  private static final int STATFS_BUFFER = 256;

  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;

  /** The raw calls. Each declares LastErrorException so that JNA captures errno. */
  interface Calls extends Library {
    Calls INSTANCE = Native.load("c", Calls.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

    /** statfs(2): fills {@code buf} with the file system holding {@code path}. */
    int statfs(String path, Pointer buf) throws LastErrorException;

    /**
     * quotactl(2): {@code cmd} is QCMD(subcmd, type); {@code special} the block device the file
     * system is mounted from; {@code addr} the command's structure.
     */
    int quotactl(int cmd, String special, int id, Pointer addr) throws LastErrorException;
  }

  /** A directory's fsxattr fields that project quotas use. */
  public record Fsxattr(int xflags, int projectId) {}

  /**
   * One project's dquot in the kernel's units: limits and counts of blocks are 512-byte basic
   * blocks; zero limits mean "none".
   */
  public record DiskQuota(
      long blockHardLimit,
      long blockSoftLimit,
      long inodeHardLimit,
      long inodeSoftLimit,
      long blocks,
      long inodes) {}

  private LibcQuota() {}

  /** The _IOC encoding of asm-generic/ioctl.h: dir(2) | size(14) | type(8) | nr(8). */
  static long ioc(int dir, char type, int nr, int size) {
    return ((long) dir << 30) | ((long) size << 16) | ((long) type << 8) | nr;
  }

  /**
   * QCMD(cmd, type) of linux/quota.h: the command in the high bits, the quota type in the low 8.
   */
  static int qcmd(int cmd, int type) {
    return (cmd << 8) | (type & 0xff);
  }

  /**
   * statfs(2) {@code f_type} of the file system holding {@code path} (a magic number such as {@link
   * #XFS_SUPER_MAGIC}). ENOENT when the path does not exist.
   */
  public static long filesystemType(String path) {
    Memory buf = new Memory(STATFS_BUFFER);
    buf.clear();
    try {
      Calls.INSTANCE.statfs(path, buf);
    } catch (LastErrorException e) {
      throw Errno.failure("statfs(" + path + ")", e);
    }
    // f_type is __fsword_t (a long) at offset 0 on both 64-bit ABIs; the magic fits in 32 bits.
    return buf.getLong(0) & 0xffffffffL;
  }

  /**
   * FS_IOC_FSGETXATTR on {@code path} (opened read-only, which the ioctl allows for directories).
   * ENOTTY or EOPNOTSUPP on file systems without the interface.
   */
  public static Fsxattr getFsxattr(String path) {
    Memory fsx = new Memory(FSXATTR_SIZE);
    fsx.clear();
    withFd(path, fd -> ioctl(fd, FS_IOC_FSGETXATTR, fsx, "FS_IOC_FSGETXATTR", path));
    return decodeFsxattr(fsx);
  }

  /**
   * Sets the project id of {@code path} and, when {@code inherit}, FS_XFLAG_PROJINHERIT, so that
   * files and directories created below take the id (ioctl_xfs_fsgetxattr(2)): read-modify-write of
   * the whole struct, other flags kept. Needs CAP_FOWNER or ownership, and changing a project id
   * needs CAP_SYS_ADMIN in the initial user namespace (EPERM otherwise). Existing files below keep
   * their ids: only new ones inherit.
   */
  public static void setProject(String path, int projectId, boolean inherit) {
    Memory fsx = new Memory(FSXATTR_SIZE);
    fsx.clear();
    withFd(
        path,
        fd -> {
          ioctl(fd, FS_IOC_FSGETXATTR, fsx, "FS_IOC_FSGETXATTR", path);
          encodeProject(fsx, projectId, inherit);
          ioctl(fd, FS_IOC_FSSETXATTR, fsx, "FS_IOC_FSSETXATTR", path);
        });
  }

  /**
   * quotactl(QCMD(Q_XGETQUOTA, PRJQUOTA)) for {@code projectId} on the file system mounted from
   * {@code device}. ENOENT when the project has no dquot yet (nothing charged, no limits), ESRCH
   * when project quotas are not enabled, ENOSYS when the file system has no quota support, EPERM
   * without CAP_SYS_ADMIN for another id than one's own.
   */
  public static DiskQuota getQuota(String device, int projectId) {
    Memory dq = new Memory(DQUOT_SIZE);
    dq.clear();
    try {
      Calls.INSTANCE.quotactl(qcmd(Q_XGETQUOTA, PRJQUOTA), device, projectId, dq);
    } catch (LastErrorException e) {
      throw Errno.failure("quotactl(Q_XGETQUOTA, " + device + ", project " + projectId + ")", e);
    }
    return decodeQuota(dq);
  }

  /**
   * quotactl(QCMD(Q_XSETQLIM, PRJQUOTA)): sets the hard and soft block limits (512-byte blocks) and
   * inode limits of {@code projectId}, all four fields named in {@code d_fieldmask}; zero removes a
   * limit. Needs CAP_SYS_ADMIN. Creates the dquot if there is none.
   */
  public static void setLimits(
      String device,
      int projectId,
      long blockHard,
      long blockSoft,
      long inodeHard,
      long inodeSoft) {
    Memory dq = new Memory(DQUOT_SIZE);
    encodeLimits(dq, projectId, blockHard, blockSoft, inodeHard, inodeSoft);
    try {
      Calls.INSTANCE.quotactl(qcmd(Q_XSETQLIM, PRJQUOTA), device, projectId, dq);
    } catch (LastErrorException e) {
      throw Errno.failure(
          "quotactl(Q_XSETQLIM, "
              + device
              + ", project "
              + projectId
              + ", bhard "
              + blockHard
              + ", ihard "
              + inodeHard
              + ")",
          e);
    }
  }

  static Fsxattr decodeFsxattr(Pointer fsx) {
    return new Fsxattr(fsx.getInt(FSX_XFLAGS), fsx.getInt(FSX_PROJID));
  }

  static void encodeProject(Pointer fsx, int projectId, boolean inherit) {
    int flags = fsx.getInt(FSX_XFLAGS);
    flags = inherit ? flags | FS_XFLAG_PROJINHERIT : flags & ~FS_XFLAG_PROJINHERIT;
    fsx.setInt(FSX_XFLAGS, flags);
    fsx.setInt(FSX_PROJID, projectId);
  }

  static void encodeLimits(
      Memory dq, int projectId, long blockHard, long blockSoft, long inodeHard, long inodeSoft) {
    dq.clear();
    dq.setByte(DQ_VERSION, (byte) FS_DQUOT_VERSION);
    dq.setByte(DQ_FLAGS, (byte) FS_PROJ_QUOTA);
    dq.setShort(DQ_FIELDMASK, (short) (FS_DQ_BHARD | FS_DQ_BSOFT | FS_DQ_IHARD | FS_DQ_ISOFT));
    dq.setInt(DQ_ID, projectId);
    dq.setLong(DQ_BLK_HARD, blockHard);
    dq.setLong(DQ_BLK_SOFT, blockSoft);
    dq.setLong(DQ_INO_HARD, inodeHard);
    dq.setLong(DQ_INO_SOFT, inodeSoft);
  }

  static DiskQuota decodeQuota(Pointer dq) {
    return new DiskQuota(
        dq.getLong(DQ_BLK_HARD),
        dq.getLong(DQ_BLK_SOFT),
        dq.getLong(DQ_INO_HARD),
        dq.getLong(DQ_INO_SOFT),
        dq.getLong(DQ_BCOUNT),
        dq.getLong(DQ_ICOUNT));
  }

  private interface FdCall {
    void call(int fd);
  }

  private static void withFd(String path, FdCall call) {
    int fd;
    try {
      fd = Libc.INSTANCE.open(path, O_RDONLY | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw Errno.failure("open(" + path + ", O_RDONLY)", e);
    }
    try {
      call.call(fd);
    } finally {
      LibcSys.closeQuietly(fd);
    }
  }

  private static void ioctl(int fd, long request, Memory arg, String name, String path) {
    try {
      Libc.INSTANCE.ioctl(fd, new NativeLong(request), arg);
    } catch (LastErrorException e) {
      throw Errno.failure("ioctl(" + path + ", " + name + ")", e);
    }
  }
}
