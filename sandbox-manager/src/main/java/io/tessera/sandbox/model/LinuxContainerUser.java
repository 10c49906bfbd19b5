package io.tessera.sandbox.model;

import java.util.List;

/** The identity a container's first process started with (CRI LinuxContainerUser). */
public record LinuxContainerUser(long uid, long gid, List<Long> supplementalGroups) {
  public LinuxContainerUser {
    Checks.uint32(uid, "uid");
    Checks.uint32(gid, "gid");
    supplementalGroups = List.copyOf(supplementalGroups);
  }
}
