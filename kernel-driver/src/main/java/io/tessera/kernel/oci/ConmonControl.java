package io.tessera.kernel.oci;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.jna.LibcIo;
import io.tessera.kernel.jna.LibcSys;
import io.tessera.kernel.jna.SyscallException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Messages to conmon's control fifo ({@code <bundle>/ctl}): one line {@code "<type> <height>
 * <width>\n"}, type 1 resizing the container's terminal, type 2 reopening the log file.
 *
 * <p>Stateless and thread-safe. Each message is one write(2) far below PIPE_BUF, so concurrent
 * writers never interleave (pipe(7)).
 */
public final class ConmonControl {
  static final int RESIZE = 1;
  static final int REOPEN_LOGS = 2;

  /** Newer conmon releases refuse sizes beyond this (their ctrl.c checks 0..1000). */
  static final int MAX_CELLS = 1000;

  private ConmonControl() {}

  /** The resize line for a terminal of {@code rows} x {@code columns}. */
  public static String resizeMessage(int rows, int columns) {
    if (rows < 1 || columns < 1) {
      throw new InvalidArgumentException(
          "terminal size " + columns + "x" + rows + ": both must be positive");
    }
    return RESIZE + " " + Math.min(rows, MAX_CELLS) + " " + Math.min(columns, MAX_CELLS) + "\n";
  }

  /** The log-reopen line. */
  public static String reopenLogMessage() {
    return REOPEN_LOGS + " 0 0\n";
  }

  /**
   * Writes {@code message} to the fifo at {@code ctl}. The fifo is opened non-blocking, so a conmon
   * that is gone (no reader) fails at once (ENXIO, fifo(7)) instead of blocking forever.
   *
   * @throws FailedPreconditionException no conmon reads the fifo
   */
  public static void send(Path ctl, String message) {
    byte[] line = message.getBytes(StandardCharsets.US_ASCII);
    int fd;
    try {
      fd = LibcSys.open(ctl.toString(), LibcIo.O_WRONLY | LibcIo.O_NONBLOCK | LibcSys.O_CLOEXEC);
    } catch (SyscallException e) {
      throw new FailedPreconditionException(
          "conmon control fifo " + ctl + ": no conmon reads it (" + e.getMessage() + ")", e);
    }
    try {
      LibcIo.writeFully(fd, line, line.length);
    } catch (SyscallException e) {
      throw new InternalException("write to conmon control fifo " + ctl + ": " + e.getMessage(), e);
    } finally {
      LibcSys.closeQuietly(fd);
    }
  }
}
