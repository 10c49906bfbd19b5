package io.tessera.sandbox.cni;

import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Finds an IPv4 subnet that no host route or interface address uses. Parsers are pure. */
final class HostSubnets {
  private HostSubnets() {}

  /** An IPv4 network, base address masked to its prefix. */
  record Ipv4Net(long base, int prefix) {
    Ipv4Net {
      if (prefix < 0 || prefix > 32) {
        throw new IllegalArgumentException("IPv4 prefix " + prefix + " out of range");
      }
      base = base & mask(prefix);
    }

    static Ipv4Net parse(String cidr) {
      Optional<IpLiterals.Cidr> c = IpLiterals.Cidr.parse(cidr);
      if (c.isEmpty() || !IpLiterals.isIpv4(c.get().address())) {
        throw new IllegalArgumentException("\"" + cidr + "\" is not an IPv4 CIDR");
      }
      byte[] b = c.get().address().getAddress();
      long v =
          ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
      return new Ipv4Net(v, c.get().prefix());
    }

    static long mask(int prefix) {
      return prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
    }

    boolean overlaps(Ipv4Net o) {
      int p = Math.min(prefix, o.prefix);
      return (base & mask(p)) == (o.base & mask(p));
    }

    @Override
    public String toString() {
      return ((base >> 24) & 0xff)
          + "."
          + ((base >> 16) & 0xff)
          + "."
          + ((base >> 8) & 0xff)
          + "."
          + (base & 0xff)
          + "/"
          + prefix;
    }
  }

  /**
   * The destinations of /proc/net/route, default routes left out (they cover everything and would
   * leave no subnet free). The kernel prints addresses as hex of the in-memory (network order)
   * word, so on little-endian hosts the bytes read reversed.
   */
  static List<Ipv4Net> parseProcNetRoute(String text, ByteOrder order) {
    return parseProcNetRoute(text, order, null);
  }

  /** The same, leaving out routes through {@code skipInterface} (null skips none). */
  static List<Ipv4Net> parseProcNetRoute(String text, ByteOrder order, String skipInterface) {
    List<Ipv4Net> out = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].trim().split("\\s+");
      if (f.length < 8 || f[0].equals(skipInterface)) {
        continue;
      }
      try {
        long dst = word(f[1], order);
        long mask = word(f[7], order);
        int prefix = Long.bitCount(mask);
        if (prefix == 0) {
          continue;
        }
        out.add(new Ipv4Net(dst, prefix));
      } catch (NumberFormatException e) {
        // Not a route line.
      }
    }
    return out;
  }

  private static long word(String hex, ByteOrder order) {
    long v = Long.parseLong(hex, 16) & 0xffffffffL;
    if (order == ByteOrder.LITTLE_ENDIAN) {
      v = Long.reverseBytes(v) >>> 32;
    }
    return v;
  }

  /** The networks of the host's IPv4 interface addresses, except those of {@code skipInterface}. */
  static List<Ipv4Net> interfaceNetworks(String skipInterface) {
    List<Ipv4Net> out = new ArrayList<>();
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (ni.getName().equals(skipInterface)) {
          continue;
        }
        for (InterfaceAddress a : ni.getInterfaceAddresses()) {
          if (a.getAddress() instanceof Inet4Address v4) {
            out.add(Ipv4Net.parse(v4.getHostAddress() + "/" + a.getNetworkPrefixLength()));
          }
        }
      }
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list the host's network interfaces", e);
    }
    return out;
  }

  /** The first candidate that overlaps nothing in use. */
  static Optional<Ipv4Net> pickFree(List<Ipv4Net> candidates, Collection<Ipv4Net> inUse) {
    for (Ipv4Net c : candidates) {
      if (inUse.stream().noneMatch(c::overlaps)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
