package io.tessera.server.translate;

import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.ContainerRuntimeFacts;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.ContainerStatus;
import io.tessera.sandbox.model.HugepageLimit;
import io.tessera.sandbox.model.IdMapping;
import io.tessera.sandbox.model.ImageSpec;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.LinuxContainerUser;
import io.tessera.sandbox.model.Mount;
import io.tessera.sandbox.model.MountPropagation;
import io.tessera.sandbox.model.NamespaceMode;
import io.tessera.sandbox.model.NamespaceOptions;
import io.tessera.sandbox.model.PodIps;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxMetadata;
import io.tessera.sandbox.model.PodSandboxState;
import io.tessera.sandbox.model.UserNamespace;
import io.tessera.sandbox.stats.ContainerStatsSample;
import io.tessera.sandbox.stats.PodSandboxStatsSample;
import java.util.List;
import java.util.Optional;

/**
 * Translates sandbox-manager domain values into CRI protobuf responses (list items and statuses).
 *
 * <p>Stateless and thread-safe; never fails on a valid domain value. Where CRI leaves a choice the
 * values are reported as containerd reports them, so that kubelet and crictl see what they expect:
 * a container status's {@code image_ref} is the digest reference when one is known, its {@code
 * log_path} is absolute, and the pod's namespace options are echoed from its request.
 */
public final class DomainToCri {
  private DomainToCri() {}

  /** A ListPodSandbox item. */
  public static io.tessera.cri.v1.PodSandbox podSandbox(PodSandbox pod) {
    return io.tessera.cri.v1.PodSandbox.newBuilder()
        .setId(pod.id())
        .setMetadata(podSandboxMetadata(pod.metadata()))
        .setState(podSandboxState(pod.state()))
        .setCreatedAt(pod.createdAt())
        .putAllLabels(pod.labels())
        .putAllAnnotations(pod.annotations())
        .setRuntimeHandler(pod.runtimeHandler())
        .build();
  }

  /** PodSandboxStatus's status: addresses from the runtime facts, namespaces from the request. */
  public static io.tessera.cri.v1.PodSandboxStatus podSandboxStatus(PodSandbox pod) {
    NamespaceOptions ns = pod.config().linux().securityContext().namespaceOptions();
    return io.tessera.cri.v1.PodSandboxStatus.newBuilder()
        .setId(pod.id())
        .setMetadata(podSandboxMetadata(pod.metadata()))
        .setState(podSandboxState(pod.state()))
        .setCreatedAt(pod.createdAt())
        .setNetwork(network(pod.facts().ips()))
        .setLinux(
            io.tessera.cri.v1.LinuxPodSandboxStatus.newBuilder()
                .setNamespaces(
                    io.tessera.cri.v1.Namespace.newBuilder().setOptions(namespaceOptions(ns))))
        .putAllLabels(pod.labels())
        .putAllAnnotations(pod.annotations())
        .setRuntimeHandler(pod.runtimeHandler())
        .build();
  }

  /** A ListContainers item; {@code image_ref} and {@code image_id} are both the image id. */
  public static io.tessera.cri.v1.Container container(Container c) {
    return io.tessera.cri.v1.Container.newBuilder()
        .setId(c.id())
        .setPodSandboxId(c.podSandboxId())
        .setMetadata(containerMetadata(c.metadata()))
        .setImage(imageSpec(c.config().image()))
        .setImageRef(c.facts().imageId())
        .setState(containerState(c.state()))
        .setCreatedAt(c.createdAt())
        .putAllLabels(c.labels())
        .putAllAnnotations(c.annotations())
        .setImageId(c.facts().imageId())
        .build();
  }

  /**
   * ContainerStatus's status. {@code image_ref} is the digest reference (repo@sha256:...) when
   * known, else the image id, as containerd does; {@code image_id} is always the image id.
   */
  public static io.tessera.cri.v1.ContainerStatus containerStatus(Container c) {
    ContainerConfig config = c.config();
    ContainerRuntimeFacts facts = c.facts();
    ContainerStatus status = c.status();
    io.tessera.cri.v1.ContainerStatus.Builder b =
        io.tessera.cri.v1.ContainerStatus.newBuilder()
            .setId(c.id())
            .setMetadata(containerMetadata(config.metadata()))
            .setState(containerState(status.state()))
            .setCreatedAt(status.createdAt())
            .setStartedAt(status.startedAt())
            .setFinishedAt(status.finishedAt())
            .setExitCode(status.exitCode())
            .setImage(imageSpec(config.image()))
            .setImageRef(facts.imageRef().isEmpty() ? facts.imageId() : facts.imageRef())
            .setImageId(facts.imageId())
            .setReason(status.reason())
            .setMessage(status.message())
            .putAllLabels(config.labels())
            .putAllAnnotations(config.annotations())
            .addAllMounts(config.mounts().stream().map(DomainToCri::mount).toList())
            .setLogPath(facts.logPath().map(Object::toString).orElse(""))
            .setStopSignal(stopSignal(facts.stopSignal()));
    status
        .resources()
        .ifPresent(
            r ->
                b.setResources(
                    io.tessera.cri.v1.ContainerResources.newBuilder()
                        .setLinux(linuxContainerResources(r))));
    facts
        .user()
        .ifPresent(
            u -> b.setUser(io.tessera.cri.v1.ContainerUser.newBuilder().setLinux(linuxUser(u))));
    return b.build();
  }

  /** Resources back in CRI's form, e.g. for a status. */
  public static io.tessera.cri.v1.LinuxContainerResources linuxContainerResources(
      LinuxContainerResources r) {
    return io.tessera.cri.v1.LinuxContainerResources.newBuilder()
        .setCpuPeriod(r.cpuPeriod())
        .setCpuQuota(r.cpuQuota())
        .setCpuShares(r.cpuShares())
        .setMemoryLimitInBytes(r.memoryLimitInBytes())
        .setOomScoreAdj(r.oomScoreAdj())
        .setCpusetCpus(r.cpusetCpus())
        .setCpusetMems(r.cpusetMems())
        .addAllHugepageLimits(r.hugepageLimits().stream().map(DomainToCri::hugepageLimit).toList())
        .putAllUnified(r.unified())
        .setMemorySwapLimitInBytes(r.memorySwapLimitInBytes())
        .build();
  }

  /** An ImageSpec exactly as it was requested. */
  public static io.tessera.cri.v1.ImageSpec imageSpec(ImageSpec spec) {
    return io.tessera.cri.v1.ImageSpec.newBuilder()
        .setImage(spec.image())
        .putAllAnnotations(spec.annotations())
        .setUserSpecifiedImage(spec.userSpecifiedImage())
        .setRuntimeHandler(spec.runtimeHandler())
        .setImageRef(spec.imageRef())
        .build();
  }

  /** A container mount in CRI's form; an image volume names its image and no host path. */
  public static io.tessera.cri.v1.Mount mount(Mount m) {
    io.tessera.cri.v1.Mount.Builder b =
        io.tessera.cri.v1.Mount.newBuilder()
            .setContainerPath(m.containerPath())
            .setHostPath(m.hostPath())
            .setReadonly(m.readonly())
            .setSelinuxRelabel(m.selinuxRelabel())
            .setPropagation(mountPropagation(m.propagation()))
            .addAllUidMappings(idMappings(m.uidMappings()))
            .addAllGidMappings(idMappings(m.gidMappings()))
            .setRecursiveReadOnly(m.recursiveReadOnly())
            .setImageSubPath(m.imageSubPath());
    m.image().ifPresent(i -> b.setImage(imageSpec(i)));
    return b.build();
  }

  public static io.tessera.cri.v1.NamespaceOption namespaceOptions(NamespaceOptions ns) {
    io.tessera.cri.v1.NamespaceOption.Builder b =
        io.tessera.cri.v1.NamespaceOption.newBuilder()
            .setNetwork(namespaceMode(ns.network()))
            .setPid(namespaceMode(ns.pid()))
            .setIpc(namespaceMode(ns.ipc()))
            .setTargetId(ns.targetId());
    ns.userNamespace().ifPresent(u -> b.setUsernsOptions(userNamespace(u)));
    return b.build();
  }

  public static io.tessera.cri.v1.NamespaceMode namespaceMode(NamespaceMode mode) {
    return switch (mode) {
      case POD -> io.tessera.cri.v1.NamespaceMode.POD;
      case CONTAINER -> io.tessera.cri.v1.NamespaceMode.CONTAINER;
      case NODE -> io.tessera.cri.v1.NamespaceMode.NODE;
      case TARGET -> io.tessera.cri.v1.NamespaceMode.TARGET;
    };
  }

  public static io.tessera.cri.v1.MountPropagation mountPropagation(MountPropagation p) {
    return switch (p) {
      case PRIVATE -> io.tessera.cri.v1.MountPropagation.PROPAGATION_PRIVATE;
      case HOST_TO_CONTAINER -> io.tessera.cri.v1.MountPropagation.PROPAGATION_HOST_TO_CONTAINER;
      case BIDIRECTIONAL -> io.tessera.cri.v1.MountPropagation.PROPAGATION_BIDIRECTIONAL;
    };
  }

  public static io.tessera.cri.v1.PodSandboxState podSandboxState(PodSandboxState s) {
    return switch (s) {
      case READY -> io.tessera.cri.v1.PodSandboxState.SANDBOX_READY;
      case NOTREADY -> io.tessera.cri.v1.PodSandboxState.SANDBOX_NOTREADY;
    };
  }

  public static io.tessera.cri.v1.ContainerState containerState(ContainerState s) {
    return switch (s) {
      case CREATED -> io.tessera.cri.v1.ContainerState.CONTAINER_CREATED;
      case RUNNING -> io.tessera.cri.v1.ContainerState.CONTAINER_RUNNING;
      case EXITED -> io.tessera.cri.v1.ContainerState.CONTAINER_EXITED;
      case UNKNOWN -> io.tessera.cri.v1.ContainerState.CONTAINER_UNKNOWN;
    };
  }

  /**
   * A signal name in CRI's enum. A name CRI has no constant for (an image may say "SIGRTMIN+3" or
   * "15") is reported as RUNTIME_DEFAULT, as containerd does, rather than failing the status call.
   */
  public static io.tessera.cri.v1.Signal stopSignal(String name) {
    if (name.equals(io.tessera.cri.v1.Signal.UNRECOGNIZED.name())) {
      return io.tessera.cri.v1.Signal.RUNTIME_DEFAULT;
    }
    try {
      return io.tessera.cri.v1.Signal.valueOf(name);
    } catch (IllegalArgumentException notInCri) {
      return io.tessera.cri.v1.Signal.RUNTIME_DEFAULT;
    }
  }

  private static io.tessera.cri.v1.PodSandboxNetworkStatus network(PodIps ips) {
    return io.tessera.cri.v1.PodSandboxNetworkStatus.newBuilder()
        .setIp(ips.primary().orElse(""))
        .addAllAdditionalIps(
            ips.additional().stream()
                .map(ip -> io.tessera.cri.v1.PodIP.newBuilder().setIp(ip).build())
                .toList())
        .build();
  }

  private static io.tessera.cri.v1.PodSandboxMetadata podSandboxMetadata(PodSandboxMetadata m) {
    return io.tessera.cri.v1.PodSandboxMetadata.newBuilder()
        .setName(m.name())
        .setUid(m.uid())
        .setNamespace(m.namespace())
        .setAttempt((int) m.attempt())
        .build();
  }

  private static io.tessera.cri.v1.ContainerMetadata containerMetadata(ContainerMetadata m) {
    return io.tessera.cri.v1.ContainerMetadata.newBuilder()
        .setName(m.name())
        .setAttempt((int) m.attempt())
        .build();
  }

  private static io.tessera.cri.v1.UserNamespace userNamespace(UserNamespace u) {
    return io.tessera.cri.v1.UserNamespace.newBuilder()
        .setMode(namespaceMode(u.mode()))
        .addAllUids(idMappings(u.uids()))
        .addAllGids(idMappings(u.gids()))
        .build();
  }

  // uint32 fields travel as Java int: the narrowing cast keeps the low 32 bits, which is the value.
  private static List<io.tessera.cri.v1.IDMapping> idMappings(List<IdMapping> mappings) {
    return mappings.stream()
        .map(
            m ->
                io.tessera.cri.v1.IDMapping.newBuilder()
                    .setHostId((int) m.hostId())
                    .setContainerId((int) m.containerId())
                    .setLength((int) m.length())
                    .build())
        .toList();
  }

  private static io.tessera.cri.v1.HugepageLimit hugepageLimit(HugepageLimit h) {
    return io.tessera.cri.v1.HugepageLimit.newBuilder()
        .setPageSize(h.pageSize())
        .setLimit(h.limit())
        .build();
  }

  private static io.tessera.cri.v1.LinuxContainerUser linuxUser(LinuxContainerUser u) {
    return io.tessera.cri.v1.LinuxContainerUser.newBuilder()
        .setUid(u.uid())
        .setGid(u.gid())
        .addAllSupplementalGroups(u.supplementalGroups())
        .build();
  }

  /**
   * ContainerStats: the attributes always; CPU, memory and writable layer only from a sample
   * (kubelet reads absent usage as unknown, not as zero).
   */
  public static io.tessera.cri.v1.ContainerStats containerStats(
      Container c, Optional<ContainerStatsSample> sample) {
    io.tessera.cri.v1.ContainerStats.Builder b =
        io.tessera.cri.v1.ContainerStats.newBuilder()
            .setAttributes(
                io.tessera.cri.v1.ContainerAttributes.newBuilder()
                    .setId(c.id())
                    .setMetadata(containerMetadata(c.metadata()))
                    .putAllLabels(c.labels())
                    .putAllAnnotations(c.annotations()));
    sample.ifPresent(
        s -> {
          b.setCpu(cpuUsage(s.cpu())).setMemory(memoryUsage(s.memory()));
          s.writableLayer()
              .ifPresent(
                  w ->
                      b.setWritableLayer(
                          io.tessera.cri.v1.FilesystemUsage.newBuilder()
                              .setTimestamp(w.timestamp())
                              .setFsId(
                                  io.tessera.cri.v1.FilesystemIdentifier.newBuilder()
                                      .setMountpoint(w.mountpoint().toString()))
                              .setUsedBytes(u64(w.usedBytes()))
                              .setInodesUsed(u64(w.inodesUsed()))));
        });
    return b.build();
  }

  /**
   * PodSandboxStats: the attributes always; the linux part with whatever the sample holds (cgroup
   * CPU and memory, tasks, network of the pod's own netns) and {@code containers} as given.
   */
  public static io.tessera.cri.v1.PodSandboxStats podSandboxStats(
      PodSandbox pod,
      Optional<PodSandboxStatsSample> sample,
      List<io.tessera.cri.v1.ContainerStats> containers) {
    io.tessera.cri.v1.LinuxPodSandboxStats.Builder linux =
        io.tessera.cri.v1.LinuxPodSandboxStats.newBuilder().addAllContainers(containers);
    sample.ifPresent(
        s -> {
          s.cpu().ifPresent(cpu -> linux.setCpu(cpuUsage(cpu)));
          s.memory().ifPresent(m -> linux.setMemory(memoryUsage(m)));
          s.processes()
              .ifPresent(
                  p ->
                      linux.setProcess(
                          io.tessera.cri.v1.ProcessUsage.newBuilder()
                              .setTimestamp(p.timestamp())
                              .setProcessCount(u64(p.count()))));
          s.network().ifPresent(n -> linux.setNetwork(networkUsage(n)));
        });
    return io.tessera.cri.v1.PodSandboxStats.newBuilder()
        .setAttributes(
            io.tessera.cri.v1.PodSandboxAttributes.newBuilder()
                .setId(pod.id())
                .setMetadata(podSandboxMetadata(pod.metadata()))
                .putAllLabels(pod.labels())
                .putAllAnnotations(pod.annotations()))
        .setLinux(linux)
        .build();
  }

  private static io.tessera.cri.v1.CpuUsage cpuUsage(ContainerStatsSample.Cpu cpu) {
    io.tessera.cri.v1.CpuUsage.Builder b =
        io.tessera.cri.v1.CpuUsage.newBuilder()
            .setTimestamp(cpu.timestamp())
            .setUsageCoreNanoSeconds(u64(cpu.usageCoreNanos()));
    cpu.usageNanoCores().ifPresent(n -> b.setUsageNanoCores(u64(n)));
    return b.build();
  }

  private static io.tessera.cri.v1.MemoryUsage memoryUsage(ContainerStatsSample.Memory m) {
    io.tessera.cri.v1.MemoryUsage.Builder b =
        io.tessera.cri.v1.MemoryUsage.newBuilder()
            .setTimestamp(m.timestamp())
            .setWorkingSetBytes(u64(m.workingSetBytes()))
            .setUsageBytes(u64(m.usageBytes()))
            .setRssBytes(u64(m.rssBytes()))
            .setPageFaults(u64(m.pageFaults()))
            .setMajorPageFaults(u64(m.majorPageFaults()));
    m.availableBytes().ifPresent(a -> b.setAvailableBytes(u64(a)));
    return b.build();
  }

  private static io.tessera.cri.v1.NetworkUsage networkUsage(PodSandboxStatsSample.Network n) {
    io.tessera.cri.v1.NetworkUsage.Builder b =
        io.tessera.cri.v1.NetworkUsage.newBuilder().setTimestamp(n.timestamp());
    n.defaultInterface().ifPresent(i -> b.setDefaultInterface(interfaceUsage(i)));
    n.interfaces().forEach(i -> b.addInterfaces(interfaceUsage(i)));
    return b.build();
  }

  private static io.tessera.cri.v1.NetworkInterfaceUsage interfaceUsage(
      io.tessera.kernel.net.InterfaceCounters i) {
    return io.tessera.cri.v1.NetworkInterfaceUsage.newBuilder()
        .setName(i.name())
        .setRxBytes(u64(i.rxBytes()))
        .setRxErrors(u64(i.rxErrors()))
        .setTxBytes(u64(i.txBytes()))
        .setTxErrors(u64(i.txErrors()))
        .build();
  }

  // uint64 fields travel as Java long; counters above Long.MAX_VALUE keep their bits.
  private static io.tessera.cri.v1.UInt64Value u64(long v) {
    return io.tessera.cri.v1.UInt64Value.newBuilder().setValue(v).build();
  }
}
