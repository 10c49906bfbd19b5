package io.tessera.kernel.tty;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.jna.Errno;
import io.tessera.kernel.jna.LibcIo;
import io.tessera.kernel.jna.LibcSys;
import io.tessera.kernel.jna.LibcTty;
import io.tessera.kernel.jna.SyscallException;
import io.tessera.kernel.proc.SharedFd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The master side of a new pseudo-terminal; a child process gets the slave ({@link #slavePath()})
 * as its stdio.
 *
 * <p>The JDK cannot open a pty (reopening /dev/ptmx or /proc/self/fd/N makes a new one), so the
 * master is a raw fd read and written through libc. Reads wait in poll(2) on the master and on a
 * wake-up pipe, so {@link #close()} never races a thread blocked in read(2) on an fd number that
 * could be reused: the fd is closed only after the last read or write in flight returned.
 *
 * <p>Thread-safe: one reader and one writer may run concurrently with {@link #resize} and {@link
 * #close}. {@link #input()} reaches end of file once every process closed the slave (the master
 * then reads EIO) or the master is closed. {@link #close()} is idempotent.
 */
public final class PtyMaster implements AutoCloseable {
  private final SharedFd shared;
  private final int fd;
  private final int wakeRead;
  private final int wakeWrite;
  private final Path slave;

  private PtyMaster(int fd, int[] wake, Path slave) {
    this.shared = new SharedFd(fd, wake[0], wake[1]);
    this.fd = fd;
    this.wakeRead = wake[0];
    this.wakeWrite = wake[1];
    this.slave = slave;
  }

  /** Opens a new pty master (posix_openpt, grantpt, unlockpt). The caller closes it. */
  public static PtyMaster open() {
    int fd;
    try {
      fd = LibcTty.openMaster();
    } catch (SyscallException e) {
      throw new InternalException("open a pseudo-terminal: " + e.getMessage(), e);
    }
    try {
      Path slave = Path.of(LibcTty.slaveName(fd));
      int[] wake = LibcIo.pipe();
      return new PtyMaster(fd, wake, slave);
    } catch (SyscallException e) {
      LibcSys.closeQuietly(fd);
      throw new InternalException("open a pseudo-terminal: " + e.getMessage(), e);
    }
  }

  /** The slave device, e.g. /dev/pts/4. */
  public Path slavePath() {
    return slave;
  }

  /**
   * Sets the window size on the terminal; the kernel sends SIGWINCH to the terminal's foreground
   * process group when it changes. Ignored once closed.
   */
  public void resize(int columns, int rows) {
    if (!shared.enter()) {
      return;
    }
    try {
      LibcTty.setWindowSize(fd, rows, columns);
    } catch (SyscallException e) {
      throw new InternalException("resize pty " + slave + ": " + e.getMessage(), e);
    } finally {
      shared.exit();
    }
  }

  /**
   * Puts the terminal in raw mode (cfmakeraw): bytes pass through unchanged and are not echoed. For
   * a pty whose slave is a proxy that makes its own terminal (a runtime's exec with a tty): only
   * the inner terminal should echo and edit lines, and a ^D must reach it rather than end the
   * proxy's input.
   */
  public void makeRaw() {
    if (!shared.enter()) {
      throw new IllegalStateException("pty " + slave + " is closed");
    }
    try {
      LibcTty.makeRaw(fd);
    } catch (SyscallException e) {
      throw new InternalException("make pty " + slave + " raw: " + e.getMessage(), e);
    } finally {
      shared.exit();
    }
  }

  /** The current window size as {columns, rows}. */
  public int[] windowSize() {
    if (!shared.enter()) {
      throw new IllegalStateException("pty " + slave + " is closed");
    }
    try {
      int[] rc = LibcTty.windowSize(fd);
      return new int[] {rc[1], rc[0]};
    } finally {
      shared.exit();
    }
  }

  /** What the processes on the slave write; one reader at a time. Not closed by closing it. */
  public InputStream input() {
    return new InputStream() {
      private boolean eof;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (eof) {
          return -1;
        }
        int n = readMaster(b, off, len);
        if (n < 0) {
          eof = true;
        }
        return n;
      }
    };
  }

  /** Bytes typed into the terminal; one writer at a time. Closing it does not close the pty. */
  public OutputStream output() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        writeMaster(b, off, len);
      }
    };
  }

  private int readMaster(byte[] b, int off, int len) throws IOException {
    if (!shared.enter()) {
      return -1;
    }
    try {
      short[] rev = LibcIo.pollIn(new int[] {fd, wakeRead}, -1);
      if (rev[1] != 0) {
        return -1;
      }
      byte[] buf = new byte[Math.min(len, 64 * 1024)];
      int n = LibcIo.read(fd, buf, buf.length);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(buf, 0, b, off, n);
      return n;
    } catch (SyscallException e) {
      if (e.errno() == Errno.EIO) {
        // Linux reports EIO on the master once the last slave fd is closed: end of output.
        return -1;
      }
      throw new IOException("read pty " + slave + ": " + e.getMessage(), e);
    } finally {
      shared.exit();
    }
  }

  private void writeMaster(byte[] b, int off, int len) throws IOException {
    if (!shared.enter()) {
      throw new IOException("pty " + slave + " is closed");
    }
    try {
      byte[] buf =
          off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
      LibcIo.writeFully(fd, buf, len);
    } catch (SyscallException e) {
      throw new IOException("write pty " + slave + ": " + e.getMessage(), e);
    } finally {
      shared.exit();
    }
  }

  /**
   * Closes the master: a blocked reader returns end of file at once; a writer blocked because the
   * terminal's buffer is full returns when the slave side closes. The fds are released when the
   * last call in flight returned.
   */
  @Override
  public void close() {
    shared.close(
        () -> {
          try {
            LibcIo.write(wakeWrite, new byte[] {1}, 1);
          } catch (SyscallException e) {
            // The pipe is ours and empty; a failure here only means no reader to wake.
          }
        });
  }
}
