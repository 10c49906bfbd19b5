package io.tessera.sandbox.cni;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Locale;
import java.util.Optional;

/**
 * One CRI port mapping, passed to plugins that declare the {@code portMappings} capability.
 *
 * @param hostPort 0 means "no host port": such a mapping is not passed to plugins (as the kubelet
 *     expects of CRI runtimes)
 * @param hostIp empty for every host address
 */
public record PortMapping(int hostPort, int containerPort, Protocol protocol, String hostIp) {

  /** CRI's protocols; the CNI convention spells them in lower case. */
  public enum Protocol {
    TCP,
    UDP,
    SCTP;

    String cniName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public PortMapping {
    if (hostPort < 0 || hostPort > 65535) {
      throw new InvalidArgumentException("port mapping: host port " + hostPort + " out of range");
    }
    if (containerPort < 1 || containerPort > 65535) {
      throw new InvalidArgumentException(
          "port mapping: container port " + containerPort + " out of range");
    }
    if (protocol == null) {
      throw new InvalidArgumentException("port mapping: protocol missing");
    }
    hostIp = hostIp == null ? "" : hostIp;
    if (!hostIp.isEmpty() && IpLiterals.parse(hostIp).isEmpty()) {
      throw new InvalidArgumentException(
          "port mapping: host IP \"" + hostIp + "\" is not an IP address");
    }
  }

  public static PortMapping tcp(int hostPort, int containerPort) {
    return new PortMapping(hostPort, containerPort, Protocol.TCP, "");
  }

  public Optional<String> hostIpIfSet() {
    return hostIp.isEmpty() ? Optional.empty() : Optional.of(hostIp);
  }
}
