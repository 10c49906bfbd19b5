package io.tessera.sandbox.spec;

import io.tessera.kernel.ns.NsType;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.seccomp.SeccompProfiles;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ContainerSpecs#infra} needs for a pod's infra process (catatonit as pid 1 of the
 * pod's shared pid namespace). Immutable.
 *
 * @param rootfs a directory used read-only as the infra container's root; it must hold an (empty)
 *     /catatonit file and /proc, /dev, /sys directories, or be writable so the runtime can make
 *     them
 * @param catatonit the host's catatonit binary, bind-mounted read-only at /catatonit
 * @param podNamespaces the pod's pinned NET, IPC, UTS files; absent types are the host's
 * @param cgroupsPath the pod's cgroup
 */
public record InfraSpecInput(
    PodSandbox pod,
    Path rootfs,
    Path catatonit,
    Map<NsType, Path> podNamespaces,
    String cgroupsPath,
    SeccompProfiles seccompProfiles,
    String arch) {

  public InfraSpecInput {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(rootfs, "rootfs");
    Objects.requireNonNull(catatonit, "catatonit");
    podNamespaces = Map.copyOf(podNamespaces);
    Objects.requireNonNull(cgroupsPath, "cgroups path");
    Objects.requireNonNull(seccompProfiles, "seccomp profiles");
    Objects.requireNonNull(arch, "arch");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Collects the fields; not thread-safe. Defaults: catatonit at /usr/bin/catatonit, no pod
   * namespaces, this host's arch.
   */
  public static final class Builder {
    private PodSandbox pod;
    private Path rootfs;
    private Path catatonit = Path.of("/usr/bin/catatonit");
    private final Map<NsType, Path> podNamespaces = new EnumMap<>(NsType.class);
    private String cgroupsPath;
    private SeccompProfiles seccompProfiles;
    private String arch = SeccompProfiles.hostArch();

    private Builder() {}

    public Builder pod(PodSandbox v) {
      this.pod = v;
      return this;
    }

    public Builder rootfs(Path v) {
      this.rootfs = v;
      return this;
    }

    public Builder catatonit(Path v) {
      this.catatonit = v;
      return this;
    }

    public Builder podNamespaces(Map<NsType, Path> v) {
      podNamespaces.clear();
      podNamespaces.putAll(v);
      return this;
    }

    public Builder podNamespace(NsType type, Path path) {
      podNamespaces.put(type, path);
      return this;
    }

    public Builder cgroupsPath(String v) {
      this.cgroupsPath = v;
      return this;
    }

    public Builder seccompProfiles(SeccompProfiles v) {
      this.seccompProfiles = v;
      return this;
    }

    public Builder arch(String v) {
      this.arch = v;
      return this;
    }

    public InfraSpecInput build() {
      return new InfraSpecInput(
          pod, rootfs, catatonit, podNamespaces, cgroupsPath, seccompProfiles, arch);
    }
  }
}
