package io.tessera.sandbox.cni;

import java.util.List;

/**
 * The outcome of a successful ADD: the pod's IPs for CRI PodSandboxStatus, and the full result.
 *
 * @param primaryIp the first IPv4 address on the pod's interface (the first IPv6 one when there is
 *     no IPv4)
 * @param additionalIps the others, IPv4 before IPv6, in the plugins' order
 */
public record PodNetworkResult(
    String networkName, String primaryIp, List<String> additionalIps, CniResult result) {
  public PodNetworkResult {
    additionalIps = List.copyOf(additionalIps);
  }

  /** Host-side interfaces (the host end of the veth, bridges, ifb devices). */
  public List<CniResult.Interface> hostInterfaces() {
    return result.hostInterfaces();
  }
}
