package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

/** Byte I/O on raw fds the JDK cannot wrap (pty masters, seqpacket sockets), poll, pipes, kill. */
public final class LibcIo {
  public static final int O_WRONLY = 1;
  public static final int O_NONBLOCK = 0x800;

  /** poll(2) event bits. */
  public static final short POLLIN = 0x1;

  public static final short POLLERR = 0x8;
  public static final short POLLHUP = 0x10;

  private LibcIo() {}

  /**
   * read(2): up to {@code len} bytes into {@code buf}; 0 at end of file. Blocks per the fd's mode.
   */
  public static int read(int fd, byte[] buf, int len) {
    try {
      return Libc.INSTANCE.read(fd, buf, new NativeLong(len)).intValue();
    } catch (LastErrorException e) {
      throw Errno.failure("read(" + fd + ")", e);
    }
  }

  /** write(2): may write fewer than {@code len} bytes; returns how many. */
  public static int write(int fd, byte[] buf, int len) {
    try {
      return Libc.INSTANCE.write(fd, buf, new NativeLong(len)).intValue();
    } catch (LastErrorException e) {
      throw Errno.failure("write(" + fd + ")", e);
    }
  }

  /** Writes all of {@code buf[0, len)}, looping over short writes. */
  public static void writeFully(int fd, byte[] buf, int len) {
    int off = 0;
    while (off < len) {
      byte[] rest = off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, len);
      off += write(fd, rest, len - off);
    }
  }

  /**
   * poll(2) on {@code fds} for POLLIN, without timeout ({@code timeoutMillis} -1) or with one.
   * POLLHUP and POLLERR are always reported.
   *
   * @return the revents of each fd, in order
   */
  public static short[] pollIn(int[] fds, int timeoutMillis) {
    Memory pfds = new Memory(8L * fds.length);
    pfds.clear();
    for (int i = 0; i < fds.length; i++) {
      pfds.setInt(8L * i, fds[i]);
      pfds.setShort(8L * i + 4, POLLIN);
    }
    while (true) {
      try {
        Libc.INSTANCE.poll(pfds, new NativeLong(fds.length), timeoutMillis);
        break;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != Errno.EINTR) {
          throw Errno.failure("poll", e);
        }
      }
    }
    short[] revents = new short[fds.length];
    for (int i = 0; i < fds.length; i++) {
      revents[i] = pfds.getShort(8L * i + 6);
    }
    return revents;
  }

  /** pipe2(2) with O_CLOEXEC: {read end, write end}. */
  public static int[] pipe() {
    int[] fds = new int[2];
    try {
      Libc.INSTANCE.pipe2(fds, LibcSys.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw Errno.failure("pipe2(O_CLOEXEC)", e);
    }
    return fds;
  }

  /**
   * kill(2): sends {@code signal} to {@code pid}; false when there is no such process (ESRCH). The
   * JDK can only send SIGTERM and SIGKILL; SIGSTOP is needed to freeze a process tree.
   */
  public static boolean kill(long pid, int signal) {
    try {
      Libc.INSTANCE.kill(Math.toIntExact(pid), signal);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == Errno.ESRCH) {
        return false;
      }
      throw Errno.failure("kill(" + pid + ", " + signal + ")", e);
    }
  }
}
