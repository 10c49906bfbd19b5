package io.tessera.kernel.net;

import io.tessera.kernel.errors.InternalException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parser of {@code /proc/net/dev} (proc(5)): two header lines, then one line per interface, {@code
 * name:} followed by eight receive counters (bytes packets errs drop fifo frame compressed
 * multicast) and eight transmit counters (bytes packets errs drop fifo colls carrier compressed). A
 * long name may touch its first counter ({@code tessera0:240674}), so the line is split at the
 * colon, not at blanks.
 */
public final class NetDev {
  private static final int FIELDS = 16;
  private static final int RX_BYTES = 0;
  private static final int RX_ERRS = 2;
  private static final int TX_BYTES = 8;
  private static final int TX_ERRS = 10;

  private NetDev() {}

  /**
   * The interfaces of a {@code /proc/net/dev} text, in its order.
   *
   * @throws InternalException if an interface line does not have sixteen numeric counters
   */
  public static List<InterfaceCounters> parse(String text) {
    List<InterfaceCounters> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      // The header lines carry '|' and no colon.
      if (colon < 0 || line.indexOf('|') >= 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      if (name.isEmpty() || f.length < FIELDS) {
        throw new InternalException("/proc/net/dev line is not an interface line: '" + line + "'");
      }
      try {
        out.add(
            new InterfaceCounters(
                name,
                Long.parseUnsignedLong(f[RX_BYTES]),
                Long.parseUnsignedLong(f[RX_ERRS]),
                Long.parseUnsignedLong(f[TX_BYTES]),
                Long.parseUnsignedLong(f[TX_ERRS])));
      } catch (NumberFormatException e) {
        throw new InternalException("/proc/net/dev counter is not a number: '" + line + "'", e);
      }
    }
    return out;
  }
}
