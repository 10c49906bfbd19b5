package io.tessera.sandbox.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Linux settings of a pod sandbox (CRI LinuxPodSandboxConfig).
 *
 * @param cgroupParent cgroupfs-style parent path as the kubelet sent it; empty = runtime's choice
 * @param overhead pod overhead from the RuntimeClass, absent when not sent
 * @param resources sum of the containers' resources, absent when not sent
 */
public record LinuxPodSandboxConfig(
    String cgroupParent,
    LinuxSandboxSecurityContext securityContext,
    Map<String, String> sysctls,
    Optional<LinuxContainerResources> overhead,
    Optional<LinuxContainerResources> resources) {

  /** Nothing set. */
  public static final LinuxPodSandboxConfig DEFAULT =
      new LinuxPodSandboxConfig(
          "", LinuxSandboxSecurityContext.DEFAULT, Map.of(), Optional.empty(), Optional.empty());

  public LinuxPodSandboxConfig {
    Objects.requireNonNull(cgroupParent, "cgroup parent");
    Objects.requireNonNull(securityContext, "sandbox security context");
    sysctls = Map.copyOf(sysctls);
    Objects.requireNonNull(overhead, "pod overhead");
    Objects.requireNonNull(resources, "pod resources");
  }
}
