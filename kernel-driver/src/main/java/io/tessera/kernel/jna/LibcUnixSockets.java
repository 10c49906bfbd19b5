package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;

/**
 * SOCK_SEQPACKET Unix sockets (unix(7)), which the JDK does not offer: it has only stream sockets.
 * A seqpacket socket keeps message boundaries, as conmon's attach socket relies on.
 */
public final class LibcUnixSockets {
  private static final int AF_UNIX = 1;
  private static final int SOCK_SEQPACKET = 5;
  private static final int MSG_NOSIGNAL = 0x4000;

  /** shutdown(2) directions. */
  public static final int SHUT_RD = 0;

  public static final int SHUT_WR = 1;
  public static final int SHUT_RDWR = 2;

  /** struct sockaddr_un: sa_family_t (2 bytes), then sun_path[108]. */
  private static final int SUN_PATH_OFFSET = 2;

  private static final int SUN_PATH_BYTES = 108;

  private LibcUnixSockets() {}

  /**
   * socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC) and connect(2) to {@code path}, which must fit
   * sun_path with its NUL (107 bytes).
   *
   * @return the connected fd; the caller closes it
   */
  public static int connectSeqpacket(String path) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    if (p.length >= SUN_PATH_BYTES) {
      throw new IllegalArgumentException(
          "socket path is " + p.length + " bytes, over the 107 sun_path holds: " + path);
    }
    int fd;
    try {
      fd = Libc.INSTANCE.socket(AF_UNIX, SOCK_SEQPACKET | LibcSys.O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw Errno.failure("socket(AF_UNIX, SOCK_SEQPACKET)", e);
    }
    Memory addr = new Memory(SUN_PATH_OFFSET + SUN_PATH_BYTES);
    addr.clear();
    addr.setShort(0, (short) AF_UNIX);
    addr.write(SUN_PATH_OFFSET, p, 0, p.length);
    try {
      Libc.INSTANCE.connect(fd, addr, SUN_PATH_OFFSET + p.length + 1);
      return fd;
    } catch (LastErrorException e) {
      LibcSys.closeQuietly(fd);
      throw Errno.failure("connect(" + path + ")", e);
    }
  }

  /**
   * recv(2) of one packet into {@code buf}: a packet longer than the buffer is truncated (unix(7)
   * seqpacket), so size the buffer for the peer's largest packet. 0 when the peer closed or shut
   * down its writing side, or this side was shut down for reading.
   */
  public static int recv(int fd, byte[] buf) {
    while (true) {
      try {
        return Libc.INSTANCE.recv(fd, buf, new NativeLong(buf.length), 0).intValue();
      } catch (LastErrorException e) {
        if (e.getErrorCode() != Errno.EINTR) {
          throw Errno.failure("recv(" + fd + ")", e);
        }
      }
    }
  }

  /** send(2) of one packet, MSG_NOSIGNAL so a closed peer is EPIPE rather than SIGPIPE. */
  public static void send(int fd, byte[] buf, int len) {
    try {
      int sent = Libc.INSTANCE.send(fd, buf, new NativeLong(len), MSG_NOSIGNAL).intValue();
      if (sent != len) {
        throw new SyscallException(
            "send(" + fd + ", " + len + ") sent " + sent, Errno.EAGAIN, null);
      }
    } catch (LastErrorException e) {
      throw Errno.failure("send(" + fd + ", " + len + ")", e);
    }
  }

  /**
   * shutdown(2); wakes a thread blocked in recv on the same socket (it returns 0). ENOTCONN (the
   * peer is gone) is ignored.
   */
  public static void shutdown(int fd, int how) {
    try {
      Libc.INSTANCE.shutdown(fd, how);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != Errno.ENOTCONN) {
        throw Errno.failure("shutdown(" + fd + ", " + how + ")", e);
      }
    }
  }
}
