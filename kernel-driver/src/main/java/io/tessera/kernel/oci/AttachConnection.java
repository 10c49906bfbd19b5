package io.tessera.kernel.oci;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.jna.Errno;
import io.tessera.kernel.jna.LibcUnixSockets;
import io.tessera.kernel.jna.SyscallException;
import io.tessera.kernel.proc.SharedFd;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A client connection to conmon's attach socket (SOCK_SEQPACKET): packets of container output come
 * in ({@link AttachPacket}), raw stdin bytes go out, and shutting down the output tells conmon the
 * client's stdin ended (conmon then closes the container's stdin unless it was started with
 * --leave-stdin-open).
 *
 * <p>Thread-safe: one receiver and one sender may run concurrently with {@link #close()}, which
 * wakes a blocked receive (shutdown(2)) and releases the fd once no call is in flight, so the fd
 * number is never reused under a blocked call. Idempotent close.
 */
public final class AttachConnection implements AutoCloseable {
  private final SharedFd shared;
  private final int fd;
  private final Path path;
  private final byte[] buf = new byte[AttachPacket.MAX_PACKET + 1];

  private AttachConnection(int fd, Path path) {
    this.shared = new SharedFd(fd);
    this.fd = fd;
    this.path = path;
  }

  /**
   * Connects to the attach socket at {@code socket}.
   *
   * @throws FailedPreconditionException nobody listens there (conmon is gone: the container ended)
   * @throws InternalException any other failure
   */
  public static AttachConnection connect(Path socket) {
    try {
      return new AttachConnection(LibcUnixSockets.connectSeqpacket(socket.toString()), socket);
    } catch (SyscallException e) {
      if (e.errno() == Errno.ENOENT || e.errno() == Errno.ECONNREFUSED) {
        throw new FailedPreconditionException(
            "attach socket " + socket + ": conmon is not listening (" + e.getMessage() + ")", e);
      }
      throw new InternalException("connect to attach socket " + socket + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new InternalException("connect to attach socket " + socket + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits for the next packet; empty at the end (conmon closed the socket, or this connection was
   * closed). One receiver at a time.
   */
  public Optional<AttachPacket> receive() throws IOException {
    if (!shared.enter()) {
      return Optional.empty();
    }
    try {
      int n = LibcUnixSockets.recv(fd, buf);
      if (n <= 0) {
        return Optional.empty();
      }
      try {
        return Optional.of(AttachPacket.parse(buf, n));
      } catch (IllegalArgumentException e) {
        throw new IOException("attach socket " + path + ": " + e.getMessage(), e);
      }
    } catch (SyscallException e) {
      if (shared.isClosed()) {
        return Optional.empty();
      }
      throw new IOException("receive from attach socket " + path + ": " + e.getMessage(), e);
    } finally {
      shared.exit();
    }
  }

  /** Sends {@code len} bytes of stdin, in packets conmon's buffer can take. */
  public void send(byte[] data, int off, int len) throws IOException {
    if (!shared.enter()) {
      throw new IOException("attach connection to " + path + " is closed");
    }
    try {
      // conmon reads each packet into its fixed connection buffer; 8 KiB packets fit it.
      int chunk = 8192;
      for (int o = off; o < off + len; o += chunk) {
        int n = Math.min(chunk, off + len - o);
        LibcUnixSockets.send(fd, java.util.Arrays.copyOfRange(data, o, o + n), n);
      }
    } catch (SyscallException e) {
      throw new IOException("send to attach socket " + path + ": " + e.getMessage(), e);
    } finally {
      shared.exit();
    }
  }

  /** Tells conmon that this client's stdin ended (shutdown SHUT_WR). Output keeps coming. */
  public void shutdownOutput() {
    if (!shared.enter()) {
      return;
    }
    try {
      LibcUnixSockets.shutdown(fd, LibcUnixSockets.SHUT_WR);
    } catch (SyscallException e) {
      throw new InternalException("shut down stdin of " + path + ": " + e.getMessage(), e);
    } finally {
      shared.exit();
    }
  }

  /** Detaches: wakes a blocked receive, then releases the socket. The container keeps running. */
  @Override
  public void close() {
    shared.close(
        () -> {
          try {
            LibcUnixSockets.shutdown(fd, LibcUnixSockets.SHUT_RDWR);
          } catch (SyscallException e) {
            // The fd is still ours; closing it below releases it either way.
          }
        });
  }
}
