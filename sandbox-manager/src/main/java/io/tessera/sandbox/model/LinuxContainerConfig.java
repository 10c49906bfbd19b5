package io.tessera.sandbox.model;

import java.util.Objects;
import java.util.Optional;

/**
 * Linux settings of a container (CRI LinuxContainerConfig).
 *
 * @param resources as requested at CreateContainer; absent when not sent. The resources in force
 *     later are in {@link ContainerStatus#resources()}.
 */
public record LinuxContainerConfig(
    Optional<LinuxContainerResources> resources, LinuxContainerSecurityContext securityContext) {

  /** Nothing set. */
  public static final LinuxContainerConfig DEFAULT =
      new LinuxContainerConfig(Optional.empty(), LinuxContainerSecurityContext.DEFAULT);

  public LinuxContainerConfig {
    Objects.requireNonNull(resources, "container resources");
    Objects.requireNonNull(securityContext, "container security context");
  }
}
