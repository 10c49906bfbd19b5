package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * glibc's file system calls that the JDK does not offer (device nodes, full mode bits, extended
 * attributes on links, nanosecond times on links, syncfs).
 *
 * <p>Interface mapping; every method that can fail declares {@link LastErrorException}, so JNA
 * captures {@code errno} right after the call. Path and name arguments are NUL-terminated byte
 * arrays so that callers control the encoding (the JDK's own {@code sun.jnu.encoding}). {@code
 * size_t}/{@code ssize_t} are {@link NativeLong}; {@code dev_t} is 64-bit in glibc on every Linux
 * ABI, hence {@code long}. Only constants whose values are the same on x86-64 and arm64 are used
 * (O_DIRECTORY and O_NOFOLLOW, for one, differ and are left out).
 */
public interface LibcFiles extends Library {

  LibcFiles INSTANCE = Native.load("c", LibcFiles.class);

  /** Relative paths are resolved against the working directory (fcntl.h). */
  int AT_FDCWD = -100;

  /** Do not dereference a final symbolic link (fcntl.h). */
  int AT_SYMLINK_NOFOLLOW = 0x100;

  int S_IFIFO = 0010000;
  int S_IFCHR = 0020000;
  int S_IFBLK = 0060000;

  int O_RDONLY = 0;
  int O_CLOEXEC = 02000000;

  int EPERM = 1;
  int ENOENT = 2;
  int EACCES = 13;
  int EEXIST = 17;
  int ENOTDIR = 20;
  int EINVAL = 22;
  int ENOSPC = 28;
  int ERANGE = 34;
  int ELOOP = 40;
  int ENODATA = 61;
  int EOPNOTSUPP = 95;
  int EDQUOT = 122;

  /**
   * mknodat(2): creates a file system node (FIFO, character or block device) named {@code path}.
   * The permission bits of {@code mode} are reduced by the process umask. Never follows a final
   * symlink: an existing name fails with EEXIST. {@code dev} is {@code makedev(major, minor)} and
   * ignored for FIFOs. Needs CAP_MKNOD for devices.
   */
  int mknodat(int dirfd, byte[] path, int mode, long dev) throws LastErrorException;

  /**
   * fchmodat(2) as glibc implements it: sets all 12 mode bits (setuid, setgid and sticky included).
   * With {@link #AT_SYMLINK_NOFOLLOW} glibc uses fchmodat2 (Linux 6.6) or an O_PATH descriptor via
   * /proc, so a final symlink is never followed; on a symlink it fails with EOPNOTSUPP because
   * Linux has no symlink modes.
   */
  int fchmodat(int dirfd, byte[] path, int mode, int flags) throws LastErrorException;

  /**
   * utimensat(2): sets access and modification times with nanosecond precision. {@code times} is
   * {@code struct timespec[2]} flattened: {atime sec, atime nsec, mtime sec, mtime nsec}. With
   * {@link #AT_SYMLINK_NOFOLLOW} a symlink's own times are set.
   */
  int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;

  /**
   * symlinkat(2): creates {@code linkpath} holding the bytes of {@code target} verbatim; the target
   * is not checked or resolved. Fails with EEXIST when {@code linkpath} exists (even as a dangling
   * symlink).
   */
  int symlinkat(byte[] target, int newdirfd, byte[] linkpath) throws LastErrorException;

  /**
   * lsetxattr(2): sets an extended attribute of the link itself (a final symlink is not followed).
   * Any namespace; trusted.* and security.* need CAP_SYS_ADMIN (security.capability needs
   * CAP_SETFCAP); user.* is refused (EPERM) on symlinks and device nodes.
   */
  int lsetxattr(byte[] path, byte[] name, byte[] value, NativeLong size, int flags)
      throws LastErrorException;

  /**
   * lgetxattr(2): reads an attribute of the link itself into {@code value}; with size 0 returns the
   * size needed. ENODATA when the attribute does not exist, ERANGE when the buffer is small.
   */
  NativeLong lgetxattr(byte[] path, byte[] name, byte[] value, NativeLong size)
      throws LastErrorException;

  /**
   * llistxattr(2): the names of the link's attributes, each NUL-terminated, into {@code list}; with
   * size 0 returns the size needed. Names the caller may not read (trusted.* without CAP_SYS_ADMIN)
   * are left out by the kernel.
   */
  NativeLong llistxattr(byte[] path, byte[] list, NativeLong size) throws LastErrorException;

  /** lremovexattr(2): removes an attribute of the link itself; ENODATA when it does not exist. */
  int lremovexattr(byte[] path, byte[] name) throws LastErrorException;

  /** open(2) without O_CREAT (so the variadic mode argument is not needed). */
  int open(byte[] path, int flags) throws LastErrorException;

  /** close(2). */
  int close(int fd) throws LastErrorException;

  /**
   * syncfs(2): writes all dirty data and metadata of the file system holding {@code fd} to disk and
   * waits for it (since Linux 5.8 write-back errors are reported).
   */
  int syncfs(int fd) throws LastErrorException;

  /** strerror(3): the text of an errno value. glibc returns static strings for known values. */
  String strerror(int errnum);
}
