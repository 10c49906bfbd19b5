package io.tessera.sandbox.spec;

import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.ns.NsType;
import io.tessera.kernel.proc.OomScoreAdj;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.seccomp.SeccompProfiles;
import io.tessera.storage.image.ImageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Everything {@link ContainerSpecs#build} needs to write one container's OCI spec: the requests,
 * the image's defaults and what the runtime already made on the host for the pod and container.
 * Immutable (the functions it holds must be thread-safe to share it).
 *
 * @param rootfs the container's mounted root filesystem; the spec's root and where the image's
 *     /etc/passwd and /etc/group are read
 * @param podNamespaces the pod's pinned namespace files (NET, IPC, UTS); a type is absent when the
 *     pod shares the host's
 * @param podPidSource the infra process whose pid namespace containers in POD pid mode join
 * @param targetPid the host pid of a container by id, for pid mode TARGET; empty when it does not
 *     run
 * @param cgroupsPath the container's cgroup (under the pod's), as linux.cgroupsPath
 * @param shmDir the pod's /dev/shm; absent with host IPC (the host's /dev/shm is used) or when the
 *     container should get a private tmpfs
 * @param oomScoreAdjFloor the daemon's own oom_score_adj: requested values are clamped to it
 * @param cgroupV2 whether the host runs the unified hierarchy (a cgroup namespace is made only
 *     then, as containerd does)
 * @param hostCapabilities what the daemon may grant (its bounding set): a privileged container's
 *     capabilities, and what "add ALL" means
 * @param hostMounts the host's mount table, read only for mounts asking for propagation
 * @param hostPathExists used to detect AppArmor (/sys/kernel/security/apparmor) and SELinux
 *     (/sys/fs/selinux) on the host
 */
public record ContainerSpecInput(
    PodSandbox pod,
    ContainerConfig config,
    ImageConfig image,
    String containerId,
    Path rootfs,
    Map<NsType, Path> podNamespaces,
    OptionalLong podPidSource,
    Function<String, OptionalLong> targetPid,
    String cgroupsPath,
    Path hostsFile,
    Path resolvConfFile,
    Path hostnameFile,
    Optional<Path> shmDir,
    SeccompProfiles seccompProfiles,
    String arch,
    int oomScoreAdjFloor,
    HostDevices hostDevices,
    boolean cgroupV2,
    List<String> hostCapabilities,
    Supplier<List<MountInfo>> hostMounts,
    Predicate<Path> hostPathExists) {

  public ContainerSpecInput {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(config, "container config");
    Objects.requireNonNull(image, "image config");
    Objects.requireNonNull(containerId, "container id");
    Objects.requireNonNull(rootfs, "rootfs");
    podNamespaces = Map.copyOf(podNamespaces);
    Objects.requireNonNull(podPidSource, "pod pid source");
    Objects.requireNonNull(targetPid, "target pid lookup");
    Objects.requireNonNull(cgroupsPath, "cgroups path");
    Objects.requireNonNull(hostsFile, "hosts file");
    Objects.requireNonNull(resolvConfFile, "resolv.conf file");
    Objects.requireNonNull(hostnameFile, "hostname file");
    Objects.requireNonNull(shmDir, "shm dir");
    Objects.requireNonNull(seccompProfiles, "seccomp profiles");
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(hostDevices, "host devices");
    hostCapabilities = List.copyOf(hostCapabilities);
    Objects.requireNonNull(hostMounts, "host mounts");
    Objects.requireNonNull(hostPathExists, "host path predicate");
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Collects the fields; not thread-safe. Required: pod, config, image, containerId, rootfs,
   * cgroupsPath, hostsFile, resolvConfFile, hostnameFile, seccompProfiles. Defaults: no pod
   * namespaces, no pid source, no target containers, no shm dir, this host's arch, this process's
   * oom_score_adj, {@link HostDevices#system()}, cgroup v1, this process's capability bounding set
   * and mount table, {@link Files#exists}.
   */
  public static final class Builder {
    private PodSandbox pod;
    private ContainerConfig config;
    private ImageConfig image;
    private String containerId;
    private Path rootfs;
    private final Map<NsType, Path> podNamespaces = new EnumMap<>(NsType.class);
    private OptionalLong podPidSource = OptionalLong.empty();
    private Function<String, OptionalLong> targetPid = id -> OptionalLong.empty();
    private String cgroupsPath;
    private Path hostsFile;
    private Path resolvConfFile;
    private Path hostnameFile;
    private Optional<Path> shmDir = Optional.empty();
    private SeccompProfiles seccompProfiles;
    private String arch;
    private Integer oomScoreAdjFloor;
    private HostDevices hostDevices = HostDevices.system();
    private List<String> hostCapabilities;
    private Supplier<List<MountInfo>> hostMounts = MountInfo::current;
    private boolean cgroupV2;
    private Predicate<Path> hostPathExists = p -> Files.exists(p);

    private Builder() {}

    public Builder pod(PodSandbox v) {
      this.pod = v;
      return this;
    }

    public Builder config(ContainerConfig v) {
      this.config = v;
      return this;
    }

    public Builder image(ImageConfig v) {
      this.image = v;
      return this;
    }

    public Builder containerId(String v) {
      this.containerId = v;
      return this;
    }

    public Builder rootfs(Path v) {
      this.rootfs = v;
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

    public Builder podPidSource(OptionalLong v) {
      this.podPidSource = v;
      return this;
    }

    public Builder targetPid(Function<String, OptionalLong> v) {
      this.targetPid = v;
      return this;
    }

    public Builder cgroupsPath(String v) {
      this.cgroupsPath = v;
      return this;
    }

    public Builder hostsFile(Path v) {
      this.hostsFile = v;
      return this;
    }

    public Builder resolvConfFile(Path v) {
      this.resolvConfFile = v;
      return this;
    }

    public Builder hostnameFile(Path v) {
      this.hostnameFile = v;
      return this;
    }

    public Builder shmDir(Optional<Path> v) {
      this.shmDir = v;
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

    public Builder oomScoreAdjFloor(int v) {
      this.oomScoreAdjFloor = v;
      return this;
    }

    public Builder hostDevices(HostDevices v) {
      this.hostDevices = v;
      return this;
    }

    public Builder cgroupV2(boolean v) {
      this.cgroupV2 = v;
      return this;
    }

    public Builder hostCapabilities(List<String> v) {
      this.hostCapabilities = v;
      return this;
    }

    public Builder hostMounts(Supplier<List<MountInfo>> v) {
      this.hostMounts = v;
      return this;
    }

    public Builder hostPathExists(Predicate<Path> v) {
      this.hostPathExists = v;
      return this;
    }

    public ContainerSpecInput build() {
      return new ContainerSpecInput(
          pod,
          config,
          image,
          containerId,
          rootfs,
          podNamespaces,
          podPidSource,
          targetPid,
          cgroupsPath,
          hostsFile,
          resolvConfFile,
          hostnameFile,
          shmDir,
          seccompProfiles,
          arch != null ? arch : SeccompProfiles.hostArch(),
          oomScoreAdjFloor != null ? oomScoreAdjFloor : OomScoreAdj.current(),
          hostDevices,
          cgroupV2,
          hostCapabilities != null ? hostCapabilities : CapabilitySets.hostBounding(),
          hostMounts,
          hostPathExists);
    }
  }
}
