package io.tessera.sandbox.cni;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses IP address literals without ever resolving a host name. */
final class IpLiterals {
  // InetAddress.getByName resolves names; only hand it strings that can only be literals.
  private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private IpLiterals() {}

  static Optional<InetAddress> parse(String s) {
    if (s == null || s.isEmpty() || !LITERAL.matcher(s).matches()) {
      return Optional.empty();
    }
    if (!s.contains(":") && !V4.matcher(s).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  static boolean isIpv4(InetAddress a) {
    return a instanceof Inet4Address;
  }

  /** A validated CIDR ("10.88.0.0/16", "fd00::/64"); the address part is kept as written. */
  record Cidr(InetAddress address, int prefix) {
    static Optional<Cidr> parse(String s) {
      if (s == null) {
        return Optional.empty();
      }
      int slash = s.indexOf('/');
      if (slash < 0 || slash != s.lastIndexOf('/')) {
        return Optional.empty();
      }
      Optional<InetAddress> a = IpLiterals.parse(s.substring(0, slash));
      if (a.isEmpty()) {
        return Optional.empty();
      }
      int max = isIpv4(a.get()) ? 32 : 128;
      try {
        int p = Integer.parseInt(s.substring(slash + 1));
        return p < 0 || p > max ? Optional.empty() : Optional.of(new Cidr(a.get(), p));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    String ip() {
      return address.getHostAddress();
    }
  }
}
