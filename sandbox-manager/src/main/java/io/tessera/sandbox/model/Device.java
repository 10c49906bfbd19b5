package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;

/**
 * A host device node exposed to a container (CRI Device).
 *
 * @param permissions cgroup device access, any of "r", "w", "m"
 */
public record Device(String containerPath, String hostPath, String permissions) {
  public Device {
    Checks.nonEmpty(containerPath, "device container path");
    Checks.nonEmpty(hostPath, "device host path");
    if (!permissions.matches("[rwm]*")) {
      throw new InvalidArgumentException(
          "device " + hostPath + " permissions '" + permissions + "' are not a subset of rwm");
    }
  }
}
