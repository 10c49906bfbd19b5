package io.tessera.server.grpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tessera.cri.v1.AttachRequest;
import io.tessera.cri.v1.AttachResponse;
import io.tessera.cri.v1.CgroupDriver;
import io.tessera.cri.v1.ContainerAttributes;
import io.tessera.cri.v1.ContainerStats;
import io.tessera.cri.v1.ContainerStatsRequest;
import io.tessera.cri.v1.ContainerStatsResponse;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.ContainerStatusResponse;
import io.tessera.cri.v1.CpuUsage;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.CreateContainerResponse;
import io.tessera.cri.v1.ExecRequest;
import io.tessera.cri.v1.ExecResponse;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.FilesystemIdentifier;
import io.tessera.cri.v1.FilesystemUsage;
import io.tessera.cri.v1.LinuxRuntimeConfiguration;
import io.tessera.cri.v1.ListContainerStatsRequest;
import io.tessera.cri.v1.ListContainerStatsResponse;
import io.tessera.cri.v1.ListContainersRequest;
import io.tessera.cri.v1.ListContainersResponse;
import io.tessera.cri.v1.ListPodSandboxRequest;
import io.tessera.cri.v1.ListPodSandboxResponse;
import io.tessera.cri.v1.MemoryUsage;
import io.tessera.cri.v1.PodSandboxStatusRequest;
import io.tessera.cri.v1.PodSandboxStatusResponse;
import io.tessera.cri.v1.PortForwardRequest;
import io.tessera.cri.v1.PortForwardResponse;
import io.tessera.cri.v1.RemoveContainerRequest;
import io.tessera.cri.v1.RemoveContainerResponse;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RemovePodSandboxResponse;
import io.tessera.cri.v1.ReopenContainerLogRequest;
import io.tessera.cri.v1.ReopenContainerLogResponse;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxResponse;
import io.tessera.cri.v1.RuntimeCondition;
import io.tessera.cri.v1.RuntimeConfigRequest;
import io.tessera.cri.v1.RuntimeConfigResponse;
import io.tessera.cri.v1.RuntimeHandler;
import io.tessera.cri.v1.RuntimeHandlerFeatures;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.RuntimeStatus;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StartContainerResponse;
import io.tessera.cri.v1.StatusRequest;
import io.tessera.cri.v1.StatusResponse;
import io.tessera.cri.v1.StopContainerRequest;
import io.tessera.cri.v1.StopContainerResponse;
import io.tessera.cri.v1.StopPodSandboxRequest;
import io.tessera.cri.v1.StopPodSandboxResponse;
import io.tessera.cri.v1.UInt64Value;
import io.tessera.cri.v1.UpdateContainerResourcesRequest;
import io.tessera.cri.v1.UpdateContainerResourcesResponse;
import io.tessera.cri.v1.UpdateRuntimeConfigRequest;
import io.tessera.cri.v1.UpdateRuntimeConfigResponse;
import io.tessera.cri.v1.VersionRequest;
import io.tessera.cri.v1.VersionResponse;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.oci.ExecResult;
import io.tessera.sandbox.cni.NetworkStatus;
import io.tessera.sandbox.filter.ContainerFilter;
import io.tessera.sandbox.filter.PodSandboxFilter;
import io.tessera.sandbox.lifecycle.Containers;
import io.tessera.sandbox.lifecycle.PodSandboxes;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.stats.ContainerStatsSample;
import io.tessera.sandbox.streaming.StreamOptions;
import io.tessera.server.BuildInfo;
import io.tessera.server.HostFacts;
import io.tessera.server.NodeRuntime;
import io.tessera.server.config.TesseraConfig;
import io.tessera.server.streaming.StreamRequest;
import io.tessera.server.streaming.StreamingServer;
import io.tessera.server.translate.CriToDomain;
import io.tessera.server.translate.DomainToCri;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CRI RuntimeService. Handlers validate, call the domain and translate; failures go to {@code
 * onError} and become statuses in {@link CriCallInterceptor}. RPCs not overridden here answer
 * UNIMPLEMENTED naming the method (grpc-java's generated default), until their issue lands.
 */
public final class CriRuntimeService extends RuntimeServiceGrpc.RuntimeServiceImplBase {
  /** The CRI "version" field: the version of the kubelet-runtime API this server speaks. */
  static final String KUBE_RUNTIME_API_VERSION = "0.1.0";

  static final String RUNTIME_NAME = "tessera";
  static final String RUNTIME_API_VERSION = "v1";

  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final TesseraConfig config;
  private final HostFacts host;
  private final PodSandboxes pods;
  private final Containers containers;

  private final NodeRuntime node;

  /** Serves Exec/Attach/PortForward URLs; null when the daemon runs without one. */
  private final StreamingServer streaming;

  public CriRuntimeService(TesseraConfig config, HostFacts host, NodeRuntime node) {
    this(config, host, node, null);
  }

  /** With the streaming server that serves the URLs Exec, Attach and PortForward return. */
  public CriRuntimeService(
      TesseraConfig config, HostFacts host, NodeRuntime node, StreamingServer streaming) {
    this.config = config;
    this.host = host;
    this.node = node;
    this.pods = node.pods();
    this.containers = node.containers();
    this.streaming = streaming;
  }

  @Override
  public void runPodSandbox(
      RunPodSandboxRequest request, StreamObserver<RunPodSandboxResponse> out) {
    Unary.respond(
        out,
        () -> {
          if (!request.hasConfig()) {
            throw new InvalidArgumentException("RunPodSandbox: config is required");
          }
          PodSandbox pod =
              pods.run(
                  CriToDomain.podSandboxConfig(request.getConfig()), request.getRuntimeHandler());
          return RunPodSandboxResponse.newBuilder().setPodSandboxId(pod.id()).build();
        });
  }

  @Override
  public void stopPodSandbox(
      StopPodSandboxRequest request, StreamObserver<StopPodSandboxResponse> out) {
    Unary.respond(
        out,
        () -> {
          pods.stop(requireId(request.getPodSandboxId(), "StopPodSandbox", "pod_sandbox_id"));
          return StopPodSandboxResponse.getDefaultInstance();
        });
  }

  @Override
  public void removePodSandbox(
      RemovePodSandboxRequest request, StreamObserver<RemovePodSandboxResponse> out) {
    Unary.respond(
        out,
        () -> {
          pods.remove(requireId(request.getPodSandboxId(), "RemovePodSandbox", "pod_sandbox_id"));
          return RemovePodSandboxResponse.getDefaultInstance();
        });
  }

  @Override
  public void podSandboxStatus(
      PodSandboxStatusRequest request, StreamObserver<PodSandboxStatusResponse> out) {
    Unary.respond(
        out,
        () -> {
          PodSandbox pod =
              pods.status(
                  requireId(request.getPodSandboxId(), "PodSandboxStatus", "pod_sandbox_id"));
          PodSandboxStatusResponse.Builder b =
              PodSandboxStatusResponse.newBuilder()
                  .setStatus(DomainToCri.podSandboxStatus(pod))
                  .setTimestamp(nowNanos());
          if (request.getVerbose()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("id", pod.id());
            info.put("runtimeHandler", pod.runtimeHandler());
            Map<String, String> ns = new LinkedHashMap<>();
            pod.facts().namespacePaths().forEach((t, p) -> ns.put(t.ociName(), p.toString()));
            info.put("namespaces", ns);
            info.put("cgroupPath", pod.facts().cgroupPath().orElse(""));
            info.put("shmPath", pod.facts().shmPath().map(Object::toString).orElse(""));
            info.put("hostsPath", pod.facts().hostsPath().map(Object::toString).orElse(""));
            info.put(
                "resolvConfPath", pod.facts().resolvConfPath().map(Object::toString).orElse(""));
            b.putInfo("info", json(info));
          }
          return b.build();
        });
  }

  @Override
  public void listPodSandbox(
      ListPodSandboxRequest request, StreamObserver<ListPodSandboxResponse> out) {
    Unary.respond(
        out,
        () -> {
          ListPodSandboxResponse.Builder b = ListPodSandboxResponse.newBuilder();
          pods.list(
                  request.hasFilter()
                      ? CriToDomain.podSandboxFilter(request.getFilter())
                      : PodSandboxFilter.ALL)
              .forEach(p -> b.addItems(DomainToCri.podSandbox(p)));
          return b.build();
        });
  }

  @Override
  public void createContainer(
      CreateContainerRequest request, StreamObserver<CreateContainerResponse> out) {
    Unary.respond(
        out,
        () -> {
          String pod = requireId(request.getPodSandboxId(), "CreateContainer", "pod_sandbox_id");
          if (!request.hasConfig()) {
            throw new InvalidArgumentException("CreateContainer: config is required");
          }
          Container c = containers.create(pod, CriToDomain.containerConfig(request.getConfig()));
          return CreateContainerResponse.newBuilder().setContainerId(c.id()).build();
        });
  }

  @Override
  public void startContainer(
      StartContainerRequest request, StreamObserver<StartContainerResponse> out) {
    Unary.respond(
        out,
        () -> {
          containers.start(requireId(request.getContainerId(), "StartContainer", "container_id"));
          return StartContainerResponse.getDefaultInstance();
        });
  }

  @Override
  public void stopContainer(
      StopContainerRequest request, StreamObserver<StopContainerResponse> out) {
    Unary.respond(
        out,
        () -> {
          if (request.getTimeout() < 0) {
            throw new InvalidArgumentException("StopContainer: timeout must not be negative");
          }
          containers.stop(
              requireId(request.getContainerId(), "StopContainer", "container_id"),
              Duration.ofSeconds(request.getTimeout()));
          return StopContainerResponse.getDefaultInstance();
        });
  }

  @Override
  public void removeContainer(
      RemoveContainerRequest request, StreamObserver<RemoveContainerResponse> out) {
    Unary.respond(
        out,
        () -> {
          containers.remove(requireId(request.getContainerId(), "RemoveContainer", "container_id"));
          return RemoveContainerResponse.getDefaultInstance();
        });
  }

  @Override
  public void listContainers(
      ListContainersRequest request, StreamObserver<ListContainersResponse> out) {
    Unary.respond(
        out,
        () -> {
          ListContainersResponse.Builder b = ListContainersResponse.newBuilder();
          containers
              .list(
                  request.hasFilter()
                      ? CriToDomain.containerFilter(request.getFilter())
                      : ContainerFilter.ALL)
              .forEach(c -> b.addContainers(DomainToCri.container(c)));
          return b.build();
        });
  }

  @Override
  public void containerStatus(
      ContainerStatusRequest request, StreamObserver<ContainerStatusResponse> out) {
    Unary.respond(
        out,
        () -> {
          Container c =
              containers.status(
                  requireId(request.getContainerId(), "ContainerStatus", "container_id"));
          ContainerStatusResponse.Builder b =
              ContainerStatusResponse.newBuilder().setStatus(DomainToCri.containerStatus(c));
          if (request.getVerbose()) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("id", c.id());
            info.put("sandboxId", c.podSandboxId());
            info.put("pid", c.status().pid());
            info.put("runtimeHandler", c.facts().runtimeHandler());
            info.put("runtimePath", c.facts().runtimePath().toString());
            info.put("bundle", c.facts().bundleDir().toString());
            info.put("rootfs", c.facts().rootfs().toString());
            info.put("snapshotKey", c.facts().snapshotKey());
            b.putInfo("info", json(info));
          }
          return b.build();
        });
  }

  @Override
  public void containerStats(
      ContainerStatsRequest request, StreamObserver<ContainerStatsResponse> out) {
    Unary.respond(
        out,
        () -> {
          Container c =
              containers.status(
                  requireId(request.getContainerId(), "ContainerStats", "container_id"));
          return ContainerStatsResponse.newBuilder().setStats(containerStats(c)).build();
        });
  }

  @Override
  public void listContainerStats(
      ListContainerStatsRequest request, StreamObserver<ListContainerStatsResponse> out) {
    Unary.respond(
        out,
        () -> {
          ContainerFilter filter = ContainerFilter.ALL;
          if (request.hasFilter()) {
            var f = request.getFilter();
            filter =
                new ContainerFilter(
                    f.getId().isEmpty()
                        ? java.util.Optional.empty()
                        : java.util.Optional.of(f.getId()),
                    java.util.Optional.empty(),
                    f.getPodSandboxId().isEmpty()
                        ? java.util.Optional.empty()
                        : java.util.Optional.of(f.getPodSandboxId()),
                    f.getLabelSelectorMap());
          }
          ListContainerStatsResponse.Builder b = ListContainerStatsResponse.newBuilder();
          containers.list(filter).forEach(c -> b.addStats(containerStats(c)));
          return b.build();
        });
  }

  /**
   * The CRI stats of {@code c}: its attributes always; usage only while it runs and its cgroup can
   * be read (kubelet treats absent usage as unknown, not as zero).
   */
  private ContainerStats containerStats(Container c) {
    io.tessera.cri.v1.Container cri = DomainToCri.container(c);
    ContainerStats.Builder b =
        ContainerStats.newBuilder()
            .setAttributes(
                ContainerAttributes.newBuilder()
                    .setId(c.id())
                    .setMetadata(cri.getMetadata())
                    .putAllLabels(c.labels())
                    .putAllAnnotations(c.annotations()));
    node.stats()
        .stats(c)
        .ifPresent(
            s -> {
              ContainerStatsSample.Cpu cpu = s.cpu();
              CpuUsage.Builder cb =
                  CpuUsage.newBuilder()
                      .setTimestamp(cpu.timestamp())
                      .setUsageCoreNanoSeconds(u64(cpu.usageCoreNanos()));
              cpu.usageNanoCores().ifPresent(n -> cb.setUsageNanoCores(u64(n)));
              ContainerStatsSample.Memory m = s.memory();
              MemoryUsage.Builder mb =
                  MemoryUsage.newBuilder()
                      .setTimestamp(m.timestamp())
                      .setWorkingSetBytes(u64(m.workingSetBytes()))
                      .setUsageBytes(u64(m.usageBytes()))
                      .setRssBytes(u64(m.rssBytes()))
                      .setPageFaults(u64(m.pageFaults()))
                      .setMajorPageFaults(u64(m.majorPageFaults()));
              m.availableBytes().ifPresent(a -> mb.setAvailableBytes(u64(a)));
              b.setCpu(cb).setMemory(mb);
              s.writableLayer()
                  .ifPresent(
                      w ->
                          b.setWritableLayer(
                              FilesystemUsage.newBuilder()
                                  .setTimestamp(w.timestamp())
                                  .setFsId(
                                      FilesystemIdentifier.newBuilder()
                                          .setMountpoint(w.mountpoint().toString()))
                                  .setUsedBytes(u64(w.usedBytes()))
                                  .setInodesUsed(u64(w.inodesUsed()))));
            });
    return b.build();
  }

  private static UInt64Value u64(long v) {
    return UInt64Value.newBuilder().setValue(v).build();
  }

  @Override
  public void execSync(ExecSyncRequest request, StreamObserver<ExecSyncResponse> out) {
    Unary.respond(
        out,
        () -> {
          String id = requireId(request.getContainerId(), "ExecSync", "container_id");
          if (request.getTimeout() < 0) {
            throw new InvalidArgumentException("ExecSync: timeout must not be negative");
          }
          Duration timeout =
              request.getTimeout() == 0
                  // CRI: 0 means no timeout; a day bounds a runaway probe all the same.
                  ? Duration.ofHours(24)
                  : Duration.ofSeconds(request.getTimeout());
          ExecResult r = containers.execSync(id, request.getCmdList(), timeout);
          if (r.timedOut()) {
            throw Status.DEADLINE_EXCEEDED
                .withDescription(
                    "ExecSync "
                        + id
                        + ": command "
                        + request.getCmdList()
                        + " timed out after "
                        + request.getTimeout()
                        + "s and was killed")
                .asRuntimeException();
          }
          return ExecSyncResponse.newBuilder()
              .setStdout(ByteString.copyFrom(r.stdout()))
              .setStderr(ByteString.copyFrom(r.stderr()))
              .setExitCode(r.exitCode())
              .build();
        });
  }

  @Override
  public void reopenContainerLog(
      ReopenContainerLogRequest request, StreamObserver<ReopenContainerLogResponse> out) {
    Unary.respond(
        out,
        () -> {
          containers.reopenLog(
              requireId(request.getContainerId(), "ReopenContainerLog", "container_id"));
          return ReopenContainerLogResponse.getDefaultInstance();
        });
  }

  @Override
  public void updateContainerResources(
      UpdateContainerResourcesRequest request,
      StreamObserver<UpdateContainerResourcesResponse> out) {
    Unary.respond(
        out,
        () -> {
          String id =
              requireId(request.getContainerId(), "UpdateContainerResources", "container_id");
          if (!request.hasLinux()) {
            throw new InvalidArgumentException(
                "UpdateContainerResources " + id + ": linux resources are required");
          }
          containers.updateResources(id, CriToDomain.linuxContainerResources(request.getLinux()));
          return UpdateContainerResourcesResponse.getDefaultInstance();
        });
  }

  @Override
  public void exec(ExecRequest request, StreamObserver<ExecResponse> out) {
    Unary.respond(
        out,
        () -> {
          String id = requireId(request.getContainerId(), "Exec", "container_id");
          if (request.getCmdCount() == 0) {
            throw new InvalidArgumentException("Exec " + id + ": cmd is required");
          }
          StreamOptions options =
              streamOptions(
                  "Exec " + id,
                  request.getStdin(),
                  request.getStdout(),
                  request.getStderr(),
                  request.getTty());
          Container c = runningContainer("Exec", id);
          String url =
              streaming("Exec").url(new StreamRequest.Exec(c.id(), request.getCmdList(), options));
          return ExecResponse.newBuilder().setUrl(url).build();
        });
  }

  @Override
  public void attach(AttachRequest request, StreamObserver<AttachResponse> out) {
    Unary.respond(
        out,
        () -> {
          String id = requireId(request.getContainerId(), "Attach", "container_id");
          StreamOptions options =
              streamOptions(
                  "Attach " + id,
                  request.getStdin(),
                  request.getStdout(),
                  request.getStderr(),
                  request.getTty());
          Container c = runningContainer("Attach", id);
          String url = streaming("Attach").url(new StreamRequest.Attach(c.id(), options));
          return AttachResponse.newBuilder().setUrl(url).build();
        });
  }

  @Override
  public void portForward(PortForwardRequest request, StreamObserver<PortForwardResponse> out) {
    Unary.respond(
        out,
        () -> {
          String id = requireId(request.getPodSandboxId(), "PortForward", "pod_sandbox_id");
          for (int port : request.getPortList()) {
            if (port < 1 || port > 65535) {
              throw new InvalidArgumentException(
                  "PortForward " + id + ": port " + port + " is out of range 1..65535");
            }
          }
          PodSandbox pod = pods.status(id);
          if (pod.state() != io.tessera.sandbox.model.PodSandboxState.READY) {
            throw new FailedPreconditionException(
                "PortForward " + pod.id() + ": pod sandbox is " + pod.state() + ", not READY");
          }
          String url =
              streaming("PortForward")
                  .url(new StreamRequest.PortForward(pod.id(), request.getPortList()));
          return PortForwardResponse.newBuilder().setUrl(url).build();
        });
  }

  /** The kubelet's checks: some stream requested, and no stderr beside a tty (the pty merges). */
  private static StreamOptions streamOptions(
      String what, boolean stdin, boolean stdout, boolean stderr, boolean tty) {
    if (!stdin && !stdout && !stderr) {
      throw new InvalidArgumentException(what + ": one of stdin, stdout, or stderr must be set");
    }
    if (tty && stderr) {
      throw new InvalidArgumentException(what + ": tty and stderr cannot both be true");
    }
    return new StreamOptions(stdin, stdout, stderr, tty);
  }

  private Container runningContainer(String rpc, String id) {
    Container c = containers.status(id);
    if (c.state() != io.tessera.sandbox.model.ContainerState.RUNNING) {
      throw new FailedPreconditionException(
          rpc + " " + c.id() + ": container is " + c.state() + ", not RUNNING");
    }
    return c;
  }

  private StreamingServer streaming(String rpc) {
    if (streaming == null) {
      throw new UnavailableException(rpc + ": the streaming server is not running");
    }
    return streaming;
  }

  private static String requireId(String id, String rpc, String field) {
    if (id == null || id.isBlank()) {
      throw new InvalidArgumentException(rpc + ": " + field + " is required");
    }
    return id;
  }

  private static long nowNanos() {
    java.time.Instant t = java.time.Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  @Override
  public void version(VersionRequest request, StreamObserver<VersionResponse> out) {
    out.onNext(
        VersionResponse.newBuilder()
            .setVersion(KUBE_RUNTIME_API_VERSION)
            .setRuntimeName(RUNTIME_NAME)
            .setRuntimeVersion(BuildInfo.version())
            .setRuntimeApiVersion(RUNTIME_API_VERSION)
            .build());
    out.onCompleted();
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
    StatusResponse.Builder response =
        StatusResponse.newBuilder()
            .setStatus(
                RuntimeStatus.newBuilder()
                    .addConditions(runtimeReady())
                    .addConditions(networkReady()))
            .addAllRuntimeHandlers(runtimeHandlers());
    if (request.getVerbose()) {
      response.putAllInfo(verboseInfo());
    }
    out.onNext(response.build());
    out.onCompleted();
  }

  /** Kubelet hands over the node's pod CIDR here; plugins with the ipRanges capability get it. */
  @Override
  public void updateRuntimeConfig(
      UpdateRuntimeConfigRequest request, StreamObserver<UpdateRuntimeConfigResponse> out) {
    Unary.respond(
        out,
        () -> {
          node.network().setPodCidr(request.getRuntimeConfig().getNetworkConfig().getPodCidr());
          return UpdateRuntimeConfigResponse.getDefaultInstance();
        });
  }

  @Override
  public void runtimeConfig(
      RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> out) {
    CgroupDriver driver =
        switch (host.cgroupDriver()) {
          case CGROUPFS -> CgroupDriver.CGROUPFS;
          case SYSTEMD -> CgroupDriver.SYSTEMD;
        };
    out.onNext(
        RuntimeConfigResponse.newBuilder()
            .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(driver))
            .build());
    out.onCompleted();
  }

  /**
   * Ready when an OCI runtime passed the start-up trial (a real container run), because then pods
   * can be run; the message names it and why it was chosen.
   */
  private RuntimeCondition runtimeReady() {
    return RuntimeCondition.newBuilder()
        .setType("RuntimeReady")
        .setStatus(true)
        .setMessage(
            "default runtime handler "
                + node.defaultHandler()
                + " ("
                + host.ociRuntimes().get(node.defaultHandler())
                + "): "
                + node.probeReason())
        .build();
  }

  /**
   * The handlers that work here. Neither runc 1.1 nor crun 1.8 offers recursive read-only mounts to
   * CRI, and Tessera does not run pods in user namespaces yet: both features are false.
   */
  private List<RuntimeHandler> runtimeHandlers() {
    List<RuntimeHandler> list = new ArrayList<>();
    RuntimeHandlerFeatures none = RuntimeHandlerFeatures.getDefaultInstance();
    list.add(RuntimeHandler.newBuilder().setName("").setFeatures(none).build());
    for (String h : node.handlers()) {
      list.add(RuntimeHandler.newBuilder().setName(h).setFeatures(none).build());
    }
    return list;
  }

  /** From the CNI network: ready when a config is chosen and its plugins exist (and answer). */
  private RuntimeCondition networkReady() {
    NetworkStatus s = node.network().status();
    RuntimeCondition.Builder b =
        RuntimeCondition.newBuilder().setType("NetworkReady").setStatus(s.ready());
    if (!s.ready()) {
      b.setReason(s.reason());
    }
    return b.setMessage(s.message()).build();
  }

  private Map<String, String> verboseInfo() {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("socketPath", config.socketPath().toString());
    cfg.put("rootDir", config.rootDir().toString());
    cfg.put("stateDir", config.stateDir().toString());
    cfg.put("logLevel", config.logLevel());
    cfg.put(
        "metricsAddress",
        config.metricsAddress().map(a -> a.getHostString() + ":" + a.getPort()).orElse(""));
    cfg.put("cgroupDriver", config.cgroupDriver().configName());
    cfg.put("shutdownTimeoutSeconds", config.shutdownTimeout().toSeconds());

    Map<String, Object> hostInfo = new LinkedHashMap<>();
    hostInfo.put("kernelRelease", host.kernelRelease());
    hostInfo.put("cgroupLayout", host.cgroupLayout().name().toLowerCase(java.util.Locale.ROOT));
    Map<String, String> runtimes = new LinkedHashMap<>();
    host.ociRuntimes().forEach((k, v) -> runtimes.put(k, v.toString()));
    hostInfo.put("ociRuntimes", runtimes);

    Map<String, String> info = new LinkedHashMap<>();
    info.put("config", json(cfg));
    info.put("host", json(hostInfo));
    info.put("version", json(Map.of("runtimeVersion", BuildInfo.version())));
    return info;
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InternalException("encode status info as JSON", e);
    }
  }
}
