package io.tessera.sandbox.seccomp;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a container's seccomp request into the OCI runtime-spec {@code linux.seccomp} object that
 * runc and crun load (a Jackson {@link JsonNode}, so the OCI spec model can hold it as-is).
 *
 * <p>RuntimeDefault is Tessera's own profile, with the same effect as the moby/containerd default:
 * everything not listed fails with EPERM; about 350 ordinary syscalls are allowed; {@code socket}
 * for every family but vsock; {@code personality} for the harmless domains only; {@code clone}
 * without namespace flags and {@code clone3} answered with ENOSYS (so libc falls back to clone)
 * unless CAP_SYS_ADMIN is held; and the syscalls each capability exists to guard (mount, unshare,
 * setns... for CAP_SYS_ADMIN, ptrace for CAP_SYS_PTRACE, reboot for CAP_SYS_BOOT, and so on) only
 * when the container holds that capability. Localhost profiles are read in OCI or Docker form (see
 * {@code LocalhostProfile}).
 *
 * <p>Capabilities are the container's effective set after CRI's add/drop has been applied, named
 * with or without the CAP_ prefix, in any case. Architectures: x86_64 and aarch64 (Go's amd64 and
 * arm64 are accepted too); others fail with UnimplementedException.
 *
 * <p>Immutable and thread-safe; every call returns a fresh object the caller may change.
 */
public final class SeccompProfiles {
  private final RuntimeDefaultProfile runtimeDefault;
  private final KernelVersion kernel;

  SeccompProfiles(RuntimeDefaultProfile runtimeDefault, KernelVersion kernel) {
    this.runtimeDefault = Objects.requireNonNull(runtimeDefault);
    this.kernel = Objects.requireNonNull(kernel);
  }

  /**
   * Profiles for this host: its running kernel decides minKernel conditions.
   *
   * @throws io.tessera.kernel.errors.InternalException when the built-in profile is broken
   */
  public static SeccompProfiles forHost() {
    return new SeccompProfiles(RuntimeDefaultProfile.load(), KernelVersion.host());
  }

  /** This host's architecture as {@link #runtimeDefault} takes it, e.g. "x86_64". */
  public static String hostArch() {
    return SeccompArch.hostName();
  }

  /** The RuntimeDefault profile for a container holding {@code effectiveCapabilities}. */
  public JsonNode runtimeDefault(Set<String> effectiveCapabilities, String arch) {
    return runtimeDefault.expand(capabilities(effectiveCapabilities), SeccompArch.of(arch), kernel);
  }

  /**
   * The profile in the file at {@code profile}, in OCI form, with any Docker-form conditions
   * resolved for {@code effectiveCapabilities}, {@code arch} and this host's kernel. The file is
   * read on every call (kubelet semantics: the profile on disk when the container is created).
   *
   * @throws InvalidArgumentException naming the path and the problem: relative path, missing or
   *     unreadable file, not JSON, or not a valid profile
   */
  public JsonNode localhost(Path profile, Set<String> effectiveCapabilities, String arch) {
    Objects.requireNonNull(profile, "profile");
    return LocalhostProfile.read(
        profile, capabilities(effectiveCapabilities), SeccompArch.of(arch), kernel);
  }

  /** Unconfined: no {@code linux.seccomp} at all. */
  public static Optional<JsonNode> unconfined() {
    return Optional.empty();
  }

  /**
   * The {@code linux.seccomp} object for a container, or empty for none.
   *
   * <p>Semantics followed, from the kubelet and containerd:
   *
   * <ul>
   *   <li>An absent request ({@code null}) is Unconfined: CRI leaves the choice of a default to the
   *       kubelet, which sends RuntimeDefault itself when it runs with --seccomp-default.
   *   <li>Privileged containers get no filter for RuntimeDefault or Unconfined. Kubernetes
   *       documents that privileged containers run Unconfined and containerd drops seccomp for
   *       them; and the kubelet sends RuntimeDefault for privileged containers too when
   *       --seccomp-default is on, so at the CRI edge RuntimeDefault cannot be told from a default
   *       the user never chose.
   *   <li>A privileged container does get a Localhost profile: the kubelet never invents one, so it
   *       was explicitly requested by the pod's author, and honouring it is the safe reading (CRI-O
   *       offers the same as an opt-in). This is where Tessera differs from containerd.
   * </ul>
   */
  public Optional<JsonNode> forContainer(
      SeccompProfile requested,
      boolean privileged,
      Set<String> effectiveCapabilities,
      String arch) {
    if (requested == null) {
      return unconfined();
    }
    return switch (requested.type()) {
      case UNCONFINED -> unconfined();
      case RUNTIME_DEFAULT ->
          privileged ? unconfined() : Optional.of(runtimeDefault(effectiveCapabilities, arch));
      case LOCALHOST ->
          Optional.of(
              localhost(requested.localhostPath().orElseThrow(), effectiveCapabilities, arch));
    };
  }

  private static Set<String> capabilities(Set<String> caps) {
    Objects.requireNonNull(caps, "effectiveCapabilities");
    Set<String> out = new LinkedHashSet<>();
    for (String c : caps) {
      if (c == null || c.isBlank() || !c.trim().matches("(?i)[a-z0-9_]+")) {
        throw new InvalidArgumentException("seccomp: '" + c + "' is not a capability name");
      }
      out.add(OciSeccomp.capabilityName(c));
    }
    return Collections.unmodifiableSet(out);
  }
}
