package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.util.Map;

/**
 * Loop device ioctls (loop(4), linux/loop.h): LOOP_CTL_GET_FREE on {@code /dev/loop-control},
 * LOOP_CONFIGURE (Linux 5.8+) or, on older kernels, LOOP_SET_FD followed by LOOP_SET_STATUS64, and
 * LOOP_CLR_FD to undo a half-done attach.
 *
 * <p>Struct layouts are the uapi ones, identical on x86-64 and arm64: {@code struct loop_info64} is
 * 232 bytes (five u64, four u32, two 64-byte names, a 32-byte key, two u64), {@code struct
 * loop_config} is {@code fd, block_size} (u32 each), the info, and eight reserved u64: 304 bytes.
 * The encoder is package visible so that it is tested on bytes without a kernel.
 */
public final class LibcLoop {

  /** loop(4): LOOP_CTL_GET_FREE returns the number of a free device, allocating one if needed. */
  static final long LOOP_CTL_GET_FREE = 0x4C82;

  static final long LOOP_SET_FD = 0x4C00;
  static final long LOOP_CLR_FD = 0x4C01;
  static final long LOOP_SET_STATUS64 = 0x4C04;
  static final long LOOP_CONFIGURE = 0x4C0A;

  /** lo_flags: the device detaches itself when its last opener closes it (or unmounts). */
  static final int LO_FLAGS_AUTOCLEAR = 4;

  static final int LOOP_INFO64_SIZE = 232;
  static final int LO_FLAGS_OFFSET = 52;
  static final int LOOP_CONFIG_SIZE = 304;
  static final int CONFIG_FD = 0;
  static final int CONFIG_INFO = 8;

  private static final int O_RDWR = 2;
  private static final int O_CLOEXEC = 0x80000;
  private static final int ENOTTY = 25;

  /** The raw calls; ioctl with an integer argument, as these requests take. */
  interface Calls extends Library {
    Calls INSTANCE = Native.load("c", Calls.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

    int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;
  }

  private LibcLoop() {}

  /**
   * open(2) with O_RDWR|O_CLOEXEC, for {@code /dev/loop-control}, a loop device or its backing file
   * (a read-write loop needs a read-write backing fd). The caller closes it.
   */
  public static int openReadWrite(String path) {
    try {
      return Libc.INSTANCE.open(path, O_RDWR | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw Errno.failure("open(" + path + ", O_RDWR)", e);
    }
  }

  public static void close(int fd) {
    LibcSys.closeQuietly(fd);
  }

  /**
   * LOOP_CTL_GET_FREE on an fd of {@code /dev/loop-control}: the number N of a free device {@code
   * /dev/loopN} (loop(4): "finds a free device, or allocates a new one"). Another process may take
   * it before it is configured; LOOP_CONFIGURE then fails with EBUSY.
   */
  public static int getFree(int controlFd) {
    try {
      return Calls.INSTANCE.ioctl(controlFd, new NativeLong(LOOP_CTL_GET_FREE), new NativeLong(0));
    } catch (LastErrorException e) {
      throw Errno.failure("ioctl(/dev/loop-control, LOOP_CTL_GET_FREE)", e);
    }
  }

  /**
   * Binds {@code backingFd} to the loop device open as {@code loopFd} with LO_FLAGS_AUTOCLEAR, in
   * one LOOP_CONFIGURE call (atomic: no window in which the device is bound without the flag).
   * Where the kernel lacks LOOP_CONFIGURE (EINVAL or ENOTTY before 5.8) it falls back to
   * LOOP_SET_FD + LOOP_SET_STATUS64, clearing the binding if the second call fails. EBUSY: the
   * device is bound already (taken by someone else since LOOP_CTL_GET_FREE).
   */
  public static void configureAutoclear(int loopFd, int backingFd, String device) {
    Memory config = new Memory(LOOP_CONFIG_SIZE);
    encodeConfig(config, backingFd);
    try {
      Calls.INSTANCE.ioctl(loopFd, new NativeLong(LOOP_CONFIGURE), config);
      return;
    } catch (LastErrorException e) {
      if (e.getErrorCode() != Errno.EINVAL && e.getErrorCode() != ENOTTY) {
        throw Errno.failure("ioctl(" + device + ", LOOP_CONFIGURE)", e);
      }
    }
    try {
      Calls.INSTANCE.ioctl(loopFd, new NativeLong(LOOP_SET_FD), new NativeLong(backingFd));
    } catch (LastErrorException e) {
      throw Errno.failure("ioctl(" + device + ", LOOP_SET_FD)", e);
    }
    try {
      Calls.INSTANCE.ioctl(loopFd, new NativeLong(LOOP_SET_STATUS64), config.share(CONFIG_INFO));
    } catch (LastErrorException e) {
      try {
        Calls.INSTANCE.ioctl(loopFd, new NativeLong(LOOP_CLR_FD), new NativeLong(0));
      } catch (LastErrorException ignored) {
        // The set-status failure is what the caller needs to know.
      }
      throw Errno.failure("ioctl(" + device + ", LOOP_SET_STATUS64)", e);
    }
  }

  /** A zeroed loop_config naming {@code backingFd}, with LO_FLAGS_AUTOCLEAR in its info. */
  static void encodeConfig(Memory config, int backingFd) {
    config.clear();
    config.setInt(CONFIG_FD, backingFd);
    config.setInt(CONFIG_INFO + LO_FLAGS_OFFSET, LO_FLAGS_AUTOCLEAR);
  }
}
