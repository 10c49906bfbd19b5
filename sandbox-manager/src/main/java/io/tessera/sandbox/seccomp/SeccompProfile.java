package io.tessera.sandbox.seccomp;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The seccomp profile a container asks for: CRI's SecurityProfile for seccomp, in Tessera's own
 * words. A value; {@link #localhostPath} is present exactly for {@link Type#LOCALHOST}, and is then
 * absolute.
 */
public record SeccompProfile(Type type, Optional<Path> localhostPath) {

  /** CRI's SecurityProfile.ProfileType. */
  public enum Type {
    /** The runtime's default profile: Tessera's, see {@link SeccompProfiles}. */
    RUNTIME_DEFAULT,
    /** No seccomp filter. */
    UNCONFINED,
    /** A profile file on the node, named by an absolute path. */
    LOCALHOST
  }

  public SeccompProfile {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(localhostPath, "localhostPath");
    if ((type == Type.LOCALHOST) != localhostPath.isPresent()) {
      throw new InvalidArgumentException(
          "seccomp: a localhost path is given exactly for a Localhost profile, not for " + type);
    }
    localhostPath.ifPresent(
        p -> {
          if (!p.isAbsolute()) {
            throw new InvalidArgumentException(
                "seccomp profile " + p + ": a Localhost profile must be an absolute path");
          }
        });
  }

  public static SeccompProfile runtimeDefault() {
    return new SeccompProfile(Type.RUNTIME_DEFAULT, Optional.empty());
  }

  public static SeccompProfile unconfined() {
    return new SeccompProfile(Type.UNCONFINED, Optional.empty());
  }

  /**
   * A Localhost profile from CRI's {@code localhost_ref}. A leading "localhost/" (the
   * annotation-era spelling some clients still send) is dropped, as containerd does; what remains
   * must be an absolute path.
   *
   * @throws InvalidArgumentException when the reference is empty, relative or not a path
   */
  public static SeccompProfile localhost(String localhostRef) {
    String ref = localhostRef == null ? "" : localhostRef;
    if (ref.startsWith("localhost/")) {
      ref = ref.substring("localhost/".length());
    }
    if (ref.isEmpty()) {
      throw new InvalidArgumentException(
          "seccomp: a Localhost profile needs a path, got '" + localhostRef + "'");
    }
    Path path;
    try {
      path = Path.of(ref);
    } catch (InvalidPathException e) {
      throw new InvalidArgumentException(
          "seccomp profile " + localhostRef + ": not a valid path: " + e.getReason(), e);
    }
    return new SeccompProfile(Type.LOCALHOST, Optional.of(path));
  }
}
