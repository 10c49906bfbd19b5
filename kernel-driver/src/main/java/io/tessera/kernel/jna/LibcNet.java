package io.tessera.kernel.jna;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import java.nio.charset.StandardCharsets;

/** Network interface flags through netdevice(7) ioctls on a datagram socket. */
public final class LibcNet {
  /** netdevice(7): interface is administratively up. */
  public static final int IFF_UP = 0x1;

  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final long SIOCGIFFLAGS = 0x8913L;
  private static final long SIOCSIFFLAGS = 0x8914L;

  /** struct ifreq: char ifr_name[IFNAMSIZ=16], then a union whose short ifr_flags sits first. */
  private static final int IFREQ_SIZE = 40;

  private static final int IFNAMSIZ = 16;
  private static final int IFR_FLAGS_OFFSET = 16;

  private LibcNet() {}

  /**
   * Reads an interface's flags (SIOCGIFFLAGS) in the network namespace of the calling thread: a
   * socket belongs to the namespace of the thread that created it (socket(2),
   * network_namespaces(7)).
   */
  public static int interfaceFlags(String ifname) {
    return withIfreq(ifname, (fd, ifreq) -> ioctl(fd, SIOCGIFFLAGS, ifreq, ifname));
  }

  /**
   * Sets {@code flags} on top of the interface's current flags (SIOCGIFFLAGS then SIOCSIFFLAGS);
   * needs CAP_NET_ADMIN in the thread's network namespace.
   */
  public static void setInterfaceFlags(String ifname, int flags) {
    withIfreq(
        ifname,
        (fd, ifreq) -> {
          int current = ioctl(fd, SIOCGIFFLAGS, ifreq, ifname);
          ifreq.setShort(IFR_FLAGS_OFFSET, (short) (current | flags));
          ioctl(fd, SIOCSIFFLAGS, ifreq, ifname);
          return current | flags;
        });
  }

  private interface IfreqCall {
    int call(int fd, Memory ifreq);
  }

  private static int withIfreq(String ifname, IfreqCall call) {
    byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length >= IFNAMSIZ) {
      throw new IllegalArgumentException("interface name must be 1-15 bytes: " + ifname);
    }
    Memory ifreq = new Memory(IFREQ_SIZE);
    ifreq.clear();
    ifreq.write(0, name, 0, name.length);
    int fd;
    try {
      fd = Libc.INSTANCE.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw Errno.failure("socket(AF_INET, SOCK_DGRAM)", e);
    }
    try {
      return call.call(fd, ifreq);
    } finally {
      LibcSys.closeQuietly(fd);
    }
  }

  private static int ioctl(int fd, long request, Memory ifreq, String ifname) {
    try {
      Libc.INSTANCE.ioctl(fd, new NativeLong(request), ifreq);
    } catch (LastErrorException e) {
      throw Errno.failure("ioctl(" + ifname + ", 0x" + Long.toHexString(request) + ")", e);
    }
    return Short.toUnsignedInt(ifreq.getShort(IFR_FLAGS_OFFSET));
  }
}
