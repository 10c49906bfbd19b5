package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;

/** Pseudo-terminal calls: a new master, its slave's name, and the window size. */
public final class LibcTty {
  private static final int O_RDWR = 2;
  private static final int O_NOCTTY = 0x100;

  /** ioctl_tty(2) request numbers (asm-generic, used by x86-64 and arm64). */
  private static final long TIOCGWINSZ = 0x5413L;

  private static final long TIOCSWINSZ = 0x5414L;

  /** struct winsize: unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel. */
  private static final int WINSIZE_BYTES = 8;

  /** glibc's struct termios is 60 bytes; room to spare. */
  private static final int TERMIOS_BYTES = 128;

  private static final int TCSANOW = 0;

  private LibcTty() {}

  /**
   * posix_openpt(3) with O_RDWR | O_NOCTTY (the master never becomes the caller's controlling
   * terminal), then grantpt(3) and unlockpt(3), so that the slave can be opened. The fd is
   * close-on-exec: glibc's posix_openpt opens /dev/ptmx, and O_CLOEXEC is passed through open(2).
   *
   * @return the master's fd; the caller closes it
   */
  public static int openMaster() {
    int fd;
    try {
      fd = Libc.INSTANCE.posix_openpt(O_RDWR | O_NOCTTY | LibcSys.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw Errno.failure("posix_openpt(O_RDWR|O_NOCTTY|O_CLOEXEC)", e);
    }
    try {
      Libc.INSTANCE.grantpt(fd);
      Libc.INSTANCE.unlockpt(fd);
      return fd;
    } catch (LastErrorException e) {
      LibcSys.closeQuietly(fd);
      throw Errno.failure("grantpt/unlockpt(" + fd + ")", e);
    }
  }

  /** ptsname_r(3): the path of the slave device of master {@code fd}, e.g. /dev/pts/3. */
  public static String slaveName(int fd) {
    byte[] buf = new byte[128];
    int rc = Libc.INSTANCE.ptsname_r(fd, buf, new NativeLong(buf.length));
    if (rc != 0) {
      // ptsname_r returns the error number instead of setting errno.
      throw new SyscallException("ptsname_r(" + fd + ")", rc, null);
    }
    int len = 0;
    while (len < buf.length && buf[len] != 0) {
      len++;
    }
    return new String(buf, 0, len, StandardCharsets.US_ASCII);
  }

  /**
   * ioctl(TIOCSWINSZ) on either side of a pty: sets the window size; when it changes, the kernel
   * sends SIGWINCH to the foreground process group of the terminal (ioctl_tty(2)).
   */
  public static void setWindowSize(int fd, int rows, int columns) {
    Memory ws = new Memory(WINSIZE_BYTES);
    ws.clear();
    ws.setShort(0, (short) rows);
    ws.setShort(2, (short) columns);
    try {
      Libc.INSTANCE.ioctl(fd, new NativeLong(TIOCSWINSZ), ws);
    } catch (LastErrorException e) {
      throw Errno.failure("ioctl(" + fd + ", TIOCSWINSZ, " + rows + "x" + columns + ")", e);
    }
  }

  /**
   * tcgetattr(3), cfmakeraw(3), tcsetattr(TCSANOW): no echo, no line editing, no signal keys, no
   * output processing. On a pty master the terminal attributes are the slave's (the kernel applies
   * termios ioctls on a master to its peer), so this makes the slave raw.
   */
  public static void makeRaw(int fd) {
    Memory termios = new Memory(TERMIOS_BYTES);
    termios.clear();
    try {
      Libc.INSTANCE.tcgetattr(fd, termios);
      Libc.INSTANCE.cfmakeraw(termios);
      Libc.INSTANCE.tcsetattr(fd, TCSANOW, termios);
    } catch (LastErrorException e) {
      throw Errno.failure("make terminal " + fd + " raw", e);
    }
  }

  /** ioctl(TIOCGWINSZ): {rows, columns}. */
  public static int[] windowSize(int fd) {
    Memory ws = new Memory(WINSIZE_BYTES);
    ws.clear();
    try {
      Libc.INSTANCE.ioctl(fd, new NativeLong(TIOCGWINSZ), ws);
    } catch (LastErrorException e) {
      throw Errno.failure("ioctl(" + fd + ", TIOCGWINSZ)", e);
    }
    return new int[] {Short.toUnsignedInt(ws.getShort(0)), Short.toUnsignedInt(ws.getShort(2))};
  }
}
