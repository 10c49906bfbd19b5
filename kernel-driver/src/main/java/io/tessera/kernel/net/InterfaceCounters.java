package io.tessera.kernel.net;

import java.util.Objects;

/**
 * The cumulative traffic counters of one network interface, as the kernel keeps them since the
 * interface was created.
 *
 * @param name the interface name, e.g. {@code eth0}
 * @param rxErrors receive errors (bad frames, overruns and the like)
 * @param txErrors transmit errors
 */
public record InterfaceCounters(
    String name, long rxBytes, long rxErrors, long txBytes, long txErrors) {
  public InterfaceCounters {
    Objects.requireNonNull(name, "interface name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("interface name must not be empty");
    }
  }
}
