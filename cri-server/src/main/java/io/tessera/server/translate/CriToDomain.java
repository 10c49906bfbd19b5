package io.tessera.server.translate;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.filter.ContainerFilter;
import io.tessera.sandbox.filter.PodSandboxFilter;
import io.tessera.sandbox.model.Capabilities;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.Device;
import io.tessera.sandbox.model.DnsConfig;
import io.tessera.sandbox.model.HugepageLimit;
import io.tessera.sandbox.model.IdMapping;
import io.tessera.sandbox.model.ImageSpec;
import io.tessera.sandbox.model.KeyValue;
import io.tessera.sandbox.model.LinuxContainerConfig;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.LinuxContainerSecurityContext;
import io.tessera.sandbox.model.LinuxPodSandboxConfig;
import io.tessera.sandbox.model.LinuxSandboxSecurityContext;
import io.tessera.sandbox.model.Mount;
import io.tessera.sandbox.model.MountPropagation;
import io.tessera.sandbox.model.NamespaceMode;
import io.tessera.sandbox.model.NamespaceOptions;
import io.tessera.sandbox.model.PodSandboxConfig;
import io.tessera.sandbox.model.PodSandboxMetadata;
import io.tessera.sandbox.model.PodSandboxState;
import io.tessera.sandbox.model.PortMapping;
import io.tessera.sandbox.model.Protocol;
import io.tessera.sandbox.model.SeLinuxOption;
import io.tessera.sandbox.model.SecurityProfile;
import io.tessera.sandbox.model.SupplementalGroupsPolicy;
import io.tessera.sandbox.model.UserNamespace;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Translates CRI protobuf requests into sandbox-manager domain values.
 *
 * <p>Stateless and thread-safe. A required field left unset is refused with {@link
 * InvalidArgumentException} naming the RPC and the field ("RunPodSandbox: config.metadata.name is
 * required"); values the domain records refuse raise their own {@link InvalidArgumentException}. An
 * enum value this build does not know (protobuf's UNRECOGNIZED) is refused likewise. The deprecated
 * CRI profile strings are folded into {@link SecurityProfile} with containerd's meaning; a
 * structured profile, when sent, wins over them.
 */
public final class CriToDomain {
  private static final String RUN_POD = "RunPodSandbox";
  private static final String CREATE_CONTAINER = "CreateContainer";

  // The spellings of the deprecated profile strings, as the kubelet and dockershim sent them.
  private static final String RUNTIME_DEFAULT = "runtime/default";
  private static final String DOCKER_DEFAULT = "docker/default";
  private static final String UNCONFINED = "unconfined";
  private static final String LOCALHOST_PREFIX = "localhost/";

  private CriToDomain() {}

  /** RunPodSandbox's config; metadata with name, uid and namespace is required. */
  public static PodSandboxConfig podSandboxConfig(io.tessera.cri.v1.PodSandboxConfig config) {
    if (!config.hasMetadata()) {
      throw required(RUN_POD, "config.metadata");
    }
    io.tessera.cri.v1.PodSandboxMetadata m = config.getMetadata();
    requireNonEmpty(m.getName(), RUN_POD, "config.metadata.name");
    requireNonEmpty(m.getUid(), RUN_POD, "config.metadata.uid");
    requireNonEmpty(m.getNamespace(), RUN_POD, "config.metadata.namespace");
    PodSandboxMetadata metadata =
        new PodSandboxMetadata(
            m.getName(), m.getUid(), m.getNamespace(), Integer.toUnsignedLong(m.getAttempt()));
    return PodSandboxConfig.builder(metadata)
        .hostname(config.getHostname())
        .logDirectory(config.getLogDirectory())
        .dnsConfig(
            config.hasDnsConfig()
                ? Optional.of(dnsConfig(config.getDnsConfig()))
                : Optional.empty())
        .portMappings(config.getPortMappingsList().stream().map(CriToDomain::portMapping).toList())
        .labels(config.getLabelsMap())
        .annotations(config.getAnnotationsMap())
        .linux(
            config.hasLinux()
                ? linuxPodSandboxConfig(config.getLinux())
                : LinuxPodSandboxConfig.DEFAULT)
        .build();
  }

  /** CreateContainer's config; metadata.name and image.image are required. */
  public static ContainerConfig containerConfig(io.tessera.cri.v1.ContainerConfig config) {
    if (!config.hasMetadata()) {
      throw required(CREATE_CONTAINER, "config.metadata");
    }
    requireNonEmpty(config.getMetadata().getName(), CREATE_CONTAINER, "config.metadata.name");
    requireNonEmpty(config.getImage().getImage(), CREATE_CONTAINER, "config.image.image");
    ContainerMetadata metadata =
        new ContainerMetadata(
            config.getMetadata().getName(),
            Integer.toUnsignedLong(config.getMetadata().getAttempt()));
    return ContainerConfig.builder(metadata, imageSpec(config.getImage()))
        .command(config.getCommandList())
        .args(config.getArgsList())
        .workingDir(config.getWorkingDir())
        .envs(
            config.getEnvsList().stream().map(e -> new KeyValue(e.getKey(), e.getValue())).toList())
        .mounts(config.getMountsList().stream().map(CriToDomain::mount).toList())
        .devices(
            config.getDevicesList().stream()
                .map(d -> new Device(d.getContainerPath(), d.getHostPath(), d.getPermissions()))
                .toList())
        .labels(config.getLabelsMap())
        .annotations(config.getAnnotationsMap())
        .logPath(config.getLogPath())
        .stdin(config.getStdin())
        .stdinOnce(config.getStdinOnce())
        .tty(config.getTty())
        .linux(
            config.hasLinux()
                ? linuxContainerConfig(config.getLinux())
                : LinuxContainerConfig.DEFAULT)
        .cdiDevices(
            config.getCDIDevicesList().stream().map(io.tessera.cri.v1.CDIDevice::getName).toList())
        .stopSignal(stopSignal(config.getStopSignal()))
        .build();
  }

  /** The unified key a pids limit travels in: CRI has no field of its own for it. */
  public static final String PIDS_MAX = "pids.max";

  /**
   * The container config with the daemon's default pids limit as unified {@code pids.max} when it
   * sets none itself and a default is configured ({@code limit} > 0), so that the container status
   * reports the limit in force. Unchanged otherwise.
   */
  public static io.tessera.cri.v1.ContainerConfig withDefaultPidsLimit(
      io.tessera.cri.v1.ContainerConfig config, long limit) {
    if (limit <= 0 || config.getLinux().getResources().containsUnified(PIDS_MAX)) {
      return config;
    }
    io.tessera.cri.v1.ContainerConfig.Builder b = config.toBuilder();
    b.getLinuxBuilder().getResourcesBuilder().putUnified(PIDS_MAX, Long.toString(limit));
    return b.build();
  }

  /** UpdateContainerResources' resources with the default pids limit, as for a create. */
  public static io.tessera.cri.v1.LinuxContainerResources withDefaultPidsLimit(
      io.tessera.cri.v1.LinuxContainerResources r, long limit) {
    if (limit <= 0 || r.containsUnified(PIDS_MAX)) {
      return r;
    }
    return r.toBuilder().putUnified(PIDS_MAX, Long.toString(limit)).build();
  }

  /**
   * CreateContainer's explicit writable-layer size, WindowsContainerResources.rootfs_size_in_bytes,
   * when sent (a positive value; proto3's 0 is "not sent"). The container domain weighs it against
   * the pod's {@code tessera.io/rootfs-size} annotations and the default.
   */
  public static OptionalLong rootfsSizeBytes(io.tessera.cri.v1.ContainerConfig config) {
    if (!config.hasWindows() || !config.getWindows().hasResources()) {
      return OptionalLong.empty();
    }
    long bytes = config.getWindows().getResources().getRootfsSizeInBytes();
    if (bytes < 0) {
      throw new InvalidArgumentException(
          CREATE_CONTAINER
              + ": config.windows.resources.rootfs_size_in_bytes must not be negative: "
              + bytes);
    }
    return bytes == 0 ? OptionalLong.empty() : OptionalLong.of(bytes);
  }

  /**
   * Resources of CreateContainer, UpdateContainerResources or a pod's overhead/total. CRI's zero
   * values stay zero: the domain reads them as "leave unset" exactly as CRI does.
   */
  public static LinuxContainerResources linuxContainerResources(
      io.tessera.cri.v1.LinuxContainerResources r) {
    return LinuxContainerResources.builder()
        .cpuPeriod(r.getCpuPeriod())
        .cpuQuota(r.getCpuQuota())
        .cpuShares(r.getCpuShares())
        .memoryLimitInBytes(r.getMemoryLimitInBytes())
        .oomScoreAdj(r.getOomScoreAdj())
        .cpusetCpus(r.getCpusetCpus())
        .cpusetMems(r.getCpusetMems())
        .hugepageLimits(
            r.getHugepageLimitsList().stream()
                // limit is uint64; one above Long.MAX_VALUE arrives negative and is refused.
                .map(h -> new HugepageLimit(h.getPageSize(), h.getLimit()))
                .toList())
        .unified(r.getUnifiedMap())
        .memorySwapLimitInBytes(r.getMemorySwapLimitInBytes())
        .build();
  }

  /** ListPodSandbox's filter; the default instance (no filter sent) matches everything. */
  public static PodSandboxFilter podSandboxFilter(io.tessera.cri.v1.PodSandboxFilter filter) {
    return new PodSandboxFilter(
        nonEmpty(filter.getId()),
        filter.hasState()
            ? Optional.of(podSandboxState(filter.getState().getState()))
            : Optional.empty(),
        filter.getLabelSelectorMap());
  }

  /** ListContainers' filter; the default instance (no filter sent) matches everything. */
  public static ContainerFilter containerFilter(io.tessera.cri.v1.ContainerFilter filter) {
    return new ContainerFilter(
        nonEmpty(filter.getId()),
        filter.hasState()
            ? Optional.of(containerState(filter.getState().getState()))
            : Optional.empty(),
        nonEmpty(filter.getPodSandboxId()),
        filter.getLabelSelectorMap());
  }

  /** CRI's ImageSpec as given; {@code image} must be non-empty. */
  public static ImageSpec imageSpec(io.tessera.cri.v1.ImageSpec spec) {
    return new ImageSpec(
        spec.getImage(),
        spec.getAnnotationsMap(),
        spec.getUserSpecifiedImage(),
        spec.getRuntimeHandler(),
        spec.getImageRef());
  }

  public static NamespaceMode namespaceMode(io.tessera.cri.v1.NamespaceMode mode) {
    return switch (mode) {
      case POD -> NamespaceMode.POD;
      case CONTAINER -> NamespaceMode.CONTAINER;
      case NODE -> NamespaceMode.NODE;
      case TARGET -> NamespaceMode.TARGET;
      case UNRECOGNIZED -> throw unrecognized("namespace mode");
    };
  }

  public static MountPropagation mountPropagation(io.tessera.cri.v1.MountPropagation p) {
    return switch (p) {
      case PROPAGATION_PRIVATE -> MountPropagation.PRIVATE;
      case PROPAGATION_HOST_TO_CONTAINER -> MountPropagation.HOST_TO_CONTAINER;
      case PROPAGATION_BIDIRECTIONAL -> MountPropagation.BIDIRECTIONAL;
      case UNRECOGNIZED -> throw unrecognized("mount propagation");
    };
  }

  public static PodSandboxState podSandboxState(io.tessera.cri.v1.PodSandboxState s) {
    return switch (s) {
      case SANDBOX_READY -> PodSandboxState.READY;
      case SANDBOX_NOTREADY -> PodSandboxState.NOTREADY;
      case UNRECOGNIZED -> throw unrecognized("pod sandbox state");
    };
  }

  public static ContainerState containerState(io.tessera.cri.v1.ContainerState s) {
    return switch (s) {
      case CONTAINER_CREATED -> ContainerState.CREATED;
      case CONTAINER_RUNNING -> ContainerState.RUNNING;
      case CONTAINER_EXITED -> ContainerState.EXITED;
      case CONTAINER_UNKNOWN -> ContainerState.UNKNOWN;
      case UNRECOGNIZED -> throw unrecognized("container state");
    };
  }

  public static Protocol protocol(io.tessera.cri.v1.Protocol p) {
    return switch (p) {
      case TCP -> Protocol.TCP;
      case UDP -> Protocol.UDP;
      case SCTP -> Protocol.SCTP;
      case UNRECOGNIZED -> throw unrecognized("protocol");
    };
  }

  public static SupplementalGroupsPolicy supplementalGroupsPolicy(
      io.tessera.cri.v1.SupplementalGroupsPolicy p) {
    return switch (p) {
      case Merge -> SupplementalGroupsPolicy.MERGE;
      case Strict -> SupplementalGroupsPolicy.STRICT;
      case UNRECOGNIZED -> throw unrecognized("supplemental groups policy");
    };
  }

  public static SecurityProfile.Type profileType(io.tessera.cri.v1.SecurityProfile.ProfileType t) {
    return switch (t) {
      case RuntimeDefault -> SecurityProfile.Type.RUNTIME_DEFAULT;
      case Unconfined -> SecurityProfile.Type.UNCONFINED;
      case Localhost -> SecurityProfile.Type.LOCALHOST;
      case UNRECOGNIZED -> throw unrecognized("security profile type");
    };
  }

  /** CRI's stop signal: RUNTIME_DEFAULT is absent, any other its name ("SIGTERM"). */
  public static Optional<String> stopSignal(io.tessera.cri.v1.Signal s) {
    // The CRI constant names are the signal names the domain expects, so the rest need no table.
    return switch (s) {
      case RUNTIME_DEFAULT -> Optional.empty();
      case UNRECOGNIZED -> throw unrecognized("stop signal");
      default -> Optional.of(s.name());
    };
  }

  /**
   * A deprecated profile string (seccomp_profile_path, apparmor_profile) as containerd reads it: ""
   * is unset, "runtime/default" and "docker/default" the runtime's default, "unconfined" no
   * profile, "localhost/REF" a local profile; anything else is refused.
   */
  static Optional<SecurityProfile> deprecatedProfile(String value, String rpc, String field) {
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.equals(RUNTIME_DEFAULT) || value.equals(DOCKER_DEFAULT)) {
      return Optional.of(SecurityProfile.runtimeDefault());
    }
    if (value.equals(UNCONFINED)) {
      return Optional.of(SecurityProfile.unconfined());
    }
    if (value.startsWith(LOCALHOST_PREFIX) && value.length() > LOCALHOST_PREFIX.length()) {
      return Optional.of(SecurityProfile.localhost(value.substring(LOCALHOST_PREFIX.length())));
    }
    throw new InvalidArgumentException(
        rpc
            + ": "
            + field
            + " '"
            + value
            + "' is none of runtime/default, docker/default, unconfined, localhost/<profile>");
  }

  private static LinuxPodSandboxConfig linuxPodSandboxConfig(
      io.tessera.cri.v1.LinuxPodSandboxConfig linux) {
    return new LinuxPodSandboxConfig(
        linux.getCgroupParent(),
        linux.hasSecurityContext()
            ? sandboxSecurityContext(linux.getSecurityContext())
            : LinuxSandboxSecurityContext.DEFAULT,
        linux.getSysctlsMap(),
        linux.hasOverhead()
            ? Optional.of(linuxContainerResources(linux.getOverhead()))
            : Optional.empty(),
        linux.hasResources()
            ? Optional.of(linuxContainerResources(linux.getResources()))
            : Optional.empty());
  }

  @SuppressWarnings("deprecation") // reads seccomp_profile_path, still sent by older kubelets
  private static LinuxSandboxSecurityContext sandboxSecurityContext(
      io.tessera.cri.v1.LinuxSandboxSecurityContext sc) {
    return LinuxSandboxSecurityContext.builder()
        .namespaceOptions(
            sc.hasNamespaceOptions()
                ? namespaceOptions(sc.getNamespaceOptions())
                : NamespaceOptions.DEFAULT)
        .seLinuxOptions(
            sc.hasSelinuxOptions()
                ? Optional.of(seLinuxOption(sc.getSelinuxOptions()))
                : Optional.empty())
        .runAsUser(sc.hasRunAsUser() ? OptionalLong.of(sc.getRunAsUser().getValue()) : none())
        .runAsGroup(sc.hasRunAsGroup() ? OptionalLong.of(sc.getRunAsGroup().getValue()) : none())
        .readonlyRootfs(sc.getReadonlyRootfs())
        .supplementalGroups(sc.getSupplementalGroupsList())
        .supplementalGroupsPolicy(supplementalGroupsPolicy(sc.getSupplementalGroupsPolicy()))
        .privileged(sc.getPrivileged())
        .seccomp(
            sc.hasSeccomp()
                ? Optional.of(securityProfile(sc.getSeccomp()))
                : deprecatedProfile(
                    sc.getSeccompProfilePath(),
                    RUN_POD,
                    "config.linux.security_context.seccomp_profile_path"))
        .apparmor(
            sc.hasApparmor() ? Optional.of(securityProfile(sc.getApparmor())) : Optional.empty())
        .build();
  }

  private static LinuxContainerConfig linuxContainerConfig(
      io.tessera.cri.v1.LinuxContainerConfig linux) {
    return new LinuxContainerConfig(
        linux.hasResources()
            ? Optional.of(linuxContainerResources(linux.getResources()))
            : Optional.empty(),
        linux.hasSecurityContext()
            ? containerSecurityContext(linux.getSecurityContext())
            : LinuxContainerSecurityContext.DEFAULT);
  }

  @SuppressWarnings("deprecation") // reads apparmor_profile and seccomp_profile_path
  private static LinuxContainerSecurityContext containerSecurityContext(
      io.tessera.cri.v1.LinuxContainerSecurityContext sc) {
    io.tessera.cri.v1.Capability caps = sc.getCapabilities();
    return LinuxContainerSecurityContext.builder()
        .capabilities(
            new Capabilities(
                caps.getAddCapabilitiesList(),
                caps.getDropCapabilitiesList(),
                caps.getAddAmbientCapabilitiesList()))
        .privileged(sc.getPrivileged())
        .namespaceOptions(
            sc.hasNamespaceOptions()
                ? namespaceOptions(sc.getNamespaceOptions())
                : NamespaceOptions.DEFAULT)
        .seLinuxOptions(
            sc.hasSelinuxOptions()
                ? Optional.of(seLinuxOption(sc.getSelinuxOptions()))
                : Optional.empty())
        .runAsUser(sc.hasRunAsUser() ? OptionalLong.of(sc.getRunAsUser().getValue()) : none())
        .runAsGroup(sc.hasRunAsGroup() ? OptionalLong.of(sc.getRunAsGroup().getValue()) : none())
        .runAsUsername(nonEmpty(sc.getRunAsUsername()))
        .readonlyRootfs(sc.getReadonlyRootfs())
        .supplementalGroups(sc.getSupplementalGroupsList())
        .supplementalGroupsPolicy(supplementalGroupsPolicy(sc.getSupplementalGroupsPolicy()))
        .noNewPrivs(sc.getNoNewPrivs())
        .maskedPaths(sc.getMaskedPathsList())
        .readonlyPaths(sc.getReadonlyPathsList())
        .seccomp(
            sc.hasSeccomp()
                ? Optional.of(securityProfile(sc.getSeccomp()))
                : deprecatedProfile(
                    sc.getSeccompProfilePath(),
                    CREATE_CONTAINER,
                    "config.linux.security_context.seccomp_profile_path"))
        .apparmor(
            sc.hasApparmor()
                ? Optional.of(securityProfile(sc.getApparmor()))
                : deprecatedProfile(
                    sc.getApparmorProfile(),
                    CREATE_CONTAINER,
                    "config.linux.security_context.apparmor_profile"))
        .build();
  }

  private static NamespaceOptions namespaceOptions(io.tessera.cri.v1.NamespaceOption ns) {
    return new NamespaceOptions(
        namespaceMode(ns.getNetwork()),
        namespaceMode(ns.getPid()),
        namespaceMode(ns.getIpc()),
        ns.getTargetId(),
        ns.hasUsernsOptions()
            ? Optional.of(userNamespace(ns.getUsernsOptions()))
            : Optional.empty());
  }

  private static UserNamespace userNamespace(io.tessera.cri.v1.UserNamespace u) {
    return new UserNamespace(
        namespaceMode(u.getMode()), idMappings(u.getUidsList()), idMappings(u.getGidsList()));
  }

  private static List<IdMapping> idMappings(List<io.tessera.cri.v1.IDMapping> mappings) {
    return mappings.stream()
        .map(
            m ->
                new IdMapping(
                    Integer.toUnsignedLong(m.getHostId()),
                    Integer.toUnsignedLong(m.getContainerId()),
                    Integer.toUnsignedLong(m.getLength())))
        .toList();
  }

  private static SeLinuxOption seLinuxOption(io.tessera.cri.v1.SELinuxOption o) {
    return new SeLinuxOption(o.getUser(), o.getRole(), o.getType(), o.getLevel());
  }

  private static SecurityProfile securityProfile(io.tessera.cri.v1.SecurityProfile p) {
    return new SecurityProfile(profileType(p.getProfileType()), p.getLocalhostRef());
  }

  private static DnsConfig dnsConfig(io.tessera.cri.v1.DNSConfig d) {
    return new DnsConfig(d.getServersList(), d.getSearchesList(), d.getOptionsList());
  }

  private static PortMapping portMapping(io.tessera.cri.v1.PortMapping p) {
    return new PortMapping(
        protocol(p.getProtocol()), p.getContainerPort(), p.getHostPort(), p.getHostIp());
  }

  private static Mount mount(io.tessera.cri.v1.Mount m) {
    // As containerd: a mount is an image volume when it names an image, whatever else it says.
    boolean imageVolume = !m.getImage().getImage().isEmpty();
    if (imageVolume && !m.getHostPath().isEmpty()) {
      throw new InvalidArgumentException(
          CREATE_CONTAINER
              + ": mount at "
              + m.getContainerPath()
              + " names both host_path "
              + m.getHostPath()
              + " and image "
              + m.getImage().getImage());
    }
    Mount.Builder b =
        imageVolume
            ? Mount.image(m.getContainerPath(), imageSpec(m.getImage()))
            : Mount.hostPath(m.getContainerPath(), m.getHostPath());
    return b.readonly(imageVolume || m.getReadonly())
        .selinuxRelabel(m.getSelinuxRelabel())
        .propagation(mountPropagation(m.getPropagation()))
        .uidMappings(idMappings(m.getUidMappingsList()))
        .gidMappings(idMappings(m.getGidMappingsList()))
        .recursiveReadOnly(m.getRecursiveReadOnly())
        .imageSubPath(m.getImageSubPath())
        .build();
  }

  private static Optional<String> nonEmpty(String s) {
    return s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private static OptionalLong none() {
    return OptionalLong.empty();
  }

  private static void requireNonEmpty(String value, String rpc, String field) {
    if (value.isEmpty()) {
      throw required(rpc, field);
    }
  }

  private static InvalidArgumentException required(String rpc, String field) {
    return new InvalidArgumentException(rpc + ": " + field + " is required");
  }

  // protobuf hides the number of an UNRECOGNIZED value (getNumber() throws), so none is given.
  private static InvalidArgumentException unrecognized(String what) {
    return new InvalidArgumentException("a " + what + " value is not one CRI v1 defines");
  }
}
