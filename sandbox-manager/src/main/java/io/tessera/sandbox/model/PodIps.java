package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The addresses CNI gave a pod (CRI PodSandboxNetworkStatus), textual IPv4 or IPv6.
 *
 * @param primary absent for host-network pods or when no network was set up
 * @param additional further addresses, not repeating {@code primary}; empty without a primary
 */
public record PodIps(Optional<String> primary, List<String> additional) {

  /** No addresses. */
  public static final PodIps NONE = new PodIps(Optional.empty(), List.of());

  public PodIps {
    Objects.requireNonNull(primary, "primary ip");
    additional = List.copyOf(additional);
    if (primary.isEmpty() && !additional.isEmpty()) {
      throw new InvalidArgumentException(
          "pod has additional ips " + additional + " but no primary");
    }
    primary.ifPresent(ip -> Checks.nonEmpty(ip, "primary ip"));
    if (primary.isPresent() && additional.contains(primary.get())) {
      throw new InvalidArgumentException(
          "additional ips " + additional + " repeat the primary " + primary.get());
    }
  }

  public static PodIps of(String primary, String... additional) {
    return new PodIps(Optional.of(primary), List.of(additional));
  }
}
