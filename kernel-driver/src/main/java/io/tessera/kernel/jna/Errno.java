package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import java.util.Map;

/** The errno values (errno(3), Linux x86-64 and arm64 numbering) that callers test for. */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENOTDIR = 20;
  public static final int EINVAL = 22;
  public static final int ENOSPC = 28;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int EOPNOTSUPP = 95;
  public static final int ENOTCONN = 107;
  public static final int ECONNREFUSED = 111;

  private static final Map<Integer, String> NAMES =
      Map.ofEntries(
          Map.entry(EPERM, "EPERM"),
          Map.entry(ENOENT, "ENOENT"),
          Map.entry(ESRCH, "ESRCH"),
          Map.entry(EINTR, "EINTR"),
          Map.entry(EIO, "EIO"),
          Map.entry(ENXIO, "ENXIO"),
          Map.entry(EBADF, "EBADF"),
          Map.entry(EAGAIN, "EAGAIN"),
          Map.entry(ENOMEM, "ENOMEM"),
          Map.entry(EACCES, "EACCES"),
          Map.entry(EBUSY, "EBUSY"),
          Map.entry(EEXIST, "EEXIST"),
          Map.entry(ENOTDIR, "ENOTDIR"),
          Map.entry(EINVAL, "EINVAL"),
          Map.entry(ENOSPC, "ENOSPC"),
          Map.entry(ENAMETOOLONG, "ENAMETOOLONG"),
          Map.entry(ENOSYS, "ENOSYS"),
          Map.entry(ENOTEMPTY, "ENOTEMPTY"),
          Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
          Map.entry(ENOTCONN, "ENOTCONN"),
          Map.entry(ECONNREFUSED, "ECONNREFUSED"));

  private Errno() {}

  /** {@code EBUSY (Device or resource busy)}; the text is strerror(3)'s. */
  public static String describe(int errno) {
    String text = Libc.INSTANCE.strerror(errno);
    return NAMES.getOrDefault(errno, "errno " + errno) + " (" + text + ")";
  }

  static SyscallException failure(String call, LastErrorException e) {
    return new SyscallException(call, e.getErrorCode(), e);
  }
}
