package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;

/** Mount system calls: mount(2), umount2(2), and chdir(2) for mounts with relative data. */
public final class LibcMounts {
  public static final long MS_RDONLY = 1L;
  public static final long MS_NOSUID = 2L;
  public static final long MS_NODEV = 4L;
  public static final long MS_NOEXEC = 8L;
  public static final long MS_SYNCHRONOUS = 16L;
  public static final long MS_REMOUNT = 32L;
  public static final long MS_MANDLOCK = 64L;
  public static final long MS_DIRSYNC = 128L;
  public static final long MS_NOSYMFOLLOW = 256L;
  public static final long MS_NOATIME = 1024L;
  public static final long MS_NODIRATIME = 2048L;
  public static final long MS_BIND = 4096L;
  public static final long MS_MOVE = 8192L;
  public static final long MS_REC = 16384L;
  public static final long MS_SILENT = 32768L;
  public static final long MS_UNBINDABLE = 1L << 17;
  public static final long MS_PRIVATE = 1L << 18;
  public static final long MS_SLAVE = 1L << 19;
  public static final long MS_SHARED = 1L << 20;
  public static final long MS_RELATIME = 1L << 21;
  public static final long MS_STRICTATIME = 1L << 24;
  public static final long MS_LAZYTIME = 1L << 25;

  /** umount2(2): abort pending requests (network filesystems). */
  public static final int MNT_FORCE = 1;

  /** umount2(2): lazy unmount, detach now and clean up once the mount is no longer busy. */
  public static final int MNT_DETACH = 2;

  /** umount2(2): do not dereference the target if it is a symbolic link. */
  public static final int UMOUNT_NOFOLLOW = 8;

  private LibcMounts() {}

  /**
   * mount(2). {@code source}, {@code fstype} and {@code data} may be null (bind, remount and
   * propagation changes ignore them). The kernel copies at most one page of {@code data}; longer
   * option strings are cut (overlay then fails with EINVAL or misreads lowerdir). Relative paths in
   * {@code data} (overlay's lowerdir) resolve against the calling thread's cwd.
   */
  public static void mount(String source, String target, String fstype, long flags, String data) {
    try {
      Libc.INSTANCE.mount(source, target, fstype, new NativeLong(flags), data);
    } catch (LastErrorException e) {
      throw Errno.failure(
          "mount("
              + source
              + ", "
              + target
              + ", "
              + fstype
              + ", 0x"
              + Long.toHexString(flags)
              + ", "
              + abbreviate(data)
              + ")",
          e);
    }
  }

  /**
   * umount2(2): EINVAL when {@code target} is not a mount point, ENOENT when it does not exist,
   * EBUSY when in use and {@link #MNT_DETACH} is not given.
   */
  public static void umount2(String target, int flags) {
    try {
      Libc.INSTANCE.umount2(target, flags);
    } catch (LastErrorException e) {
      throw Errno.failure("umount2(" + target + ", " + flags + ")", e);
    }
  }

  /**
   * chdir(2): changes the cwd of the calling thread's fs context, which all threads share unless
   * this one called {@code unshare(CLONE_FS)} first.
   */
  public static void chdir(String path) {
    try {
      Libc.INSTANCE.chdir(path);
    } catch (LastErrorException e) {
      throw Errno.failure("chdir(" + path + ")", e);
    }
  }

  private static String abbreviate(String data) {
    if (data == null || data.length() <= 200) {
      return data;
    }
    return data.substring(0, 200) + "...(" + data.length() + " chars)";
  }
}
