package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;

/** File descriptor and directory calls the JDK does not offer with errno: open, rmdir, mkfifo. */
public final class LibcSys {
  public static final int O_RDONLY = 0;
  public static final int O_CLOEXEC = 0x80000;

  private LibcSys() {}

  /**
   * open(2) without O_CREAT (so no mode). Callers pass {@link #O_CLOEXEC} so the fd never leaks
   * into a child the JVM spawns concurrently.
   */
  public static int open(String path, int flags) {
    try {
      return Libc.INSTANCE.open(path, flags);
    } catch (LastErrorException e) {
      throw Errno.failure("open(" + path + ", 0x" + Integer.toHexString(flags) + ")", e);
    }
  }

  /** close(2); errors are ignored because the fd is released even when close reports one. */
  public static void closeQuietly(int fd) {
    try {
      Libc.INSTANCE.close(fd);
    } catch (LastErrorException e) {
      // close(2): "the file descriptor is released early" even on EINTR/EIO; nothing to retry.
    }
  }

  /**
   * rmdir(2). On cgroupfs this removes a cgroup: EBUSY while it still has processes or children,
   * ENOENT when already gone; control files inside do not count as content.
   */
  public static void rmdir(String path) {
    try {
      Libc.INSTANCE.rmdir(path);
    } catch (LastErrorException e) {
      throw Errno.failure("rmdir(" + path + ")", e);
    }
  }

  /** mkfifo(3): creates a named pipe, EEXIST if the path exists; mode is masked by the umask. */
  public static void mkfifo(String path, int mode) {
    try {
      Libc.INSTANCE.mkfifo(path, mode);
    } catch (LastErrorException e) {
      throw Errno.failure("mkfifo(" + path + ", 0" + Integer.toOctalString(mode) + ")", e);
    }
  }
}
