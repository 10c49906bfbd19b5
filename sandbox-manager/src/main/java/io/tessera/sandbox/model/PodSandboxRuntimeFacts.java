package io.tessera.sandbox.model;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What Tessera made on the host for a pod sandbox while running RunPodSandbox: the runtime's facts,
 * as opposed to the request in {@link PodSandboxConfig}.
 *
 * <p>Fixed once the sandbox is stored. They say what was made, not what is still there:
 * StopPodSandbox tears these down (idempotently, so it can be repeated after a crash) and the
 * record keeps naming them so that removal and start-up recovery know what to look for.
 *
 * @param namespacePaths pinned namespace files (bind mounts of /proc/.../ns/*) by type
 * @param infraPid the infra process (catatonit), present only where the pod needs one
 * @param cgroupPath the pod's cgroup, as a path inside the cgroup hierarchy (e.g.
 *     "/kubepods/besteffort/pod1234")
 * @param shmPath the pod's /dev/shm mount; absent with a NODE IPC namespace
 */
public record PodSandboxRuntimeFacts(
    Map<NamespaceType, Path> namespacePaths,
    OptionalLong infraPid,
    Optional<String> cgroupPath,
    Optional<Path> hostsPath,
    Optional<Path> resolvConfPath,
    Optional<Path> hostnamePath,
    Optional<Path> shmPath,
    PodIps ips) {

  /** Nothing made (yet). */
  public static final PodSandboxRuntimeFacts NONE = builder().build();

  public PodSandboxRuntimeFacts {
    namespacePaths = Map.copyOf(namespacePaths);
    namespacePaths.forEach((t, p) -> Checks.absolute(p, t.ociName() + " namespace path"));
    Objects.requireNonNull(infraPid, "infra pid");
    infraPid.ifPresent(pid -> Checks.positive(pid, "infra pid"));
    Objects.requireNonNull(cgroupPath, "pod cgroup path");
    cgroupPath.ifPresent(p -> Checks.nonEmpty(p, "pod cgroup path"));
    hostsPath.ifPresent(p -> Checks.absolute(p, "hosts path"));
    resolvConfPath.ifPresent(p -> Checks.absolute(p, "resolv.conf path"));
    hostnamePath.ifPresent(p -> Checks.absolute(p, "hostname path"));
    shmPath.ifPresent(p -> Checks.absolute(p, "shm path"));
    Objects.requireNonNull(ips, "pod ips");
  }

  /** The pinned namespace file of the given type, if one was made. */
  public Optional<Path> namespacePath(NamespaceType type) {
    return Optional.ofNullable(namespacePaths.get(type));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .namespacePaths(namespacePaths)
        .infraPid(infraPid)
        .cgroupPath(cgroupPath)
        .hostsPath(hostsPath)
        .resolvConfPath(resolvConfPath)
        .hostnamePath(hostnamePath)
        .shmPath(shmPath)
        .ips(ips);
  }

  /**
   * Collects the facts one by one as RunPodSandbox makes them; not thread-safe. The service keeps
   * one beside its cleanup stack while it creates the sandbox.
   */
  public static final class Builder {
    private final Map<NamespaceType, Path> namespacePaths = new EnumMap<>(NamespaceType.class);
    private OptionalLong infraPid = OptionalLong.empty();
    private Optional<String> cgroupPath = Optional.empty();
    private Optional<Path> hostsPath = Optional.empty();
    private Optional<Path> resolvConfPath = Optional.empty();
    private Optional<Path> hostnamePath = Optional.empty();
    private Optional<Path> shmPath = Optional.empty();
    private PodIps ips = PodIps.NONE;

    private Builder() {}

    public Builder namespacePaths(Map<NamespaceType, Path> v) {
      namespacePaths.clear();
      namespacePaths.putAll(v);
      return this;
    }

    public Builder namespacePath(NamespaceType type, Path path) {
      namespacePaths.put(type, path);
      return this;
    }

    public Builder infraPid(OptionalLong v) {
      this.infraPid = v;
      return this;
    }

    public Builder cgroupPath(Optional<String> v) {
      this.cgroupPath = v;
      return this;
    }

    public Builder hostsPath(Optional<Path> v) {
      this.hostsPath = v;
      return this;
    }

    public Builder resolvConfPath(Optional<Path> v) {
      this.resolvConfPath = v;
      return this;
    }

    public Builder hostnamePath(Optional<Path> v) {
      this.hostnamePath = v;
      return this;
    }

    public Builder shmPath(Optional<Path> v) {
      this.shmPath = v;
      return this;
    }

    public Builder ips(PodIps v) {
      this.ips = v;
      return this;
    }

    public PodSandboxRuntimeFacts build() {
      return new PodSandboxRuntimeFacts(
          namespacePaths,
          infraPid,
          cgroupPath,
          hostsPath,
          resolvConfPath,
          hostnamePath,
          shmPath,
          ips);
    }
  }
}
