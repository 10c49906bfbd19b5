package io.tessera.sandbox.model;

import java.util.Objects;

/**
 * A pod port published on the host (CRI PortMapping).
 *
 * @param containerPort 0 = not given
 * @param hostPort 0 = no host port at all (not a random one)
 * @param hostIp empty = every host address
 */
public record PortMapping(Protocol protocol, int containerPort, int hostPort, String hostIp) {
  public PortMapping {
    Objects.requireNonNull(protocol, "port mapping protocol");
    Checks.port(containerPort, "container port");
    Checks.port(hostPort, "host port");
    Objects.requireNonNull(hostIp, "port mapping host ip");
  }
}
