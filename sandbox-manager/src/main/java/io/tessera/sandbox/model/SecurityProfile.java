package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Objects;

/**
 * A seccomp or AppArmor profile choice (CRI SecurityProfile). The deprecated string fields of CRI
 * (seccomp_profile_path, apparmor_profile) are translated into this at the gRPC edge.
 *
 * @param localhostRef only for LOCALHOST: an absolute file path (seccomp) or a profile name
 *     (AppArmor); empty otherwise
 */
public record SecurityProfile(Type type, String localhostRef) {

  /** CRI's ProfileType. */
  public enum Type {
    RUNTIME_DEFAULT,
    UNCONFINED,
    LOCALHOST
  }

  public SecurityProfile {
    Objects.requireNonNull(type, "security profile type");
    Objects.requireNonNull(localhostRef, "security profile localhost ref");
    if (type == Type.LOCALHOST && localhostRef.isEmpty()) {
      throw new InvalidArgumentException("a Localhost security profile needs a localhost ref");
    }
    if (type != Type.LOCALHOST && !localhostRef.isEmpty()) {
      throw new InvalidArgumentException(
          "security profile " + type + " must not name a localhost ref ('" + localhostRef + "')");
    }
  }

  public static SecurityProfile runtimeDefault() {
    return new SecurityProfile(Type.RUNTIME_DEFAULT, "");
  }

  public static SecurityProfile unconfined() {
    return new SecurityProfile(Type.UNCONFINED, "");
  }

  public static SecurityProfile localhost(String ref) {
    return new SecurityProfile(Type.LOCALHOST, ref);
  }
}
