package io.tessera.sandbox.model;

import java.util.Objects;

/** SELinux label parts (CRI SELinuxOption); empty parts are left to the runtime's default. */
public record SeLinuxOption(String user, String role, String type, String level) {
  public SeLinuxOption {
    Objects.requireNonNull(user, "selinux user");
    Objects.requireNonNull(role, "selinux role");
    Objects.requireNonNull(type, "selinux type");
    Objects.requireNonNull(level, "selinux level");
  }
}
