package io.tessera.server.grpc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.grpc.stub.StreamObserver;
import io.tessera.cri.v1.CgroupDriver;
import io.tessera.cri.v1.LinuxRuntimeConfiguration;
import io.tessera.cri.v1.RuntimeCondition;
import io.tessera.cri.v1.RuntimeConfigRequest;
import io.tessera.cri.v1.RuntimeConfigResponse;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.RuntimeStatus;
import io.tessera.cri.v1.StatusRequest;
import io.tessera.cri.v1.StatusResponse;
import io.tessera.cri.v1.VersionRequest;
import io.tessera.cri.v1.VersionResponse;
import io.tessera.kernel.errors.InternalException;
import io.tessera.server.BuildInfo;
import io.tessera.server.HostFacts;
import io.tessera.server.config.TesseraConfig;
import java.util.LinkedHashMap;
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

  public CriRuntimeService(TesseraConfig config, HostFacts host) {
    this.config = config;
    this.host = host;
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
                    .addConditions(networkReady()));
    if (request.getVerbose()) {
      response.putAllInfo(verboseInfo());
    }
    out.onNext(response.build());
    out.onCompleted();
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

  /** Ready when an OCI runtime binary is present: without one no container can ever start. */
  private RuntimeCondition runtimeReady() {
    RuntimeCondition.Builder c = RuntimeCondition.newBuilder().setType("RuntimeReady");
    return host.preferredRuntime()
        .map(
            name ->
                c.setStatus(true)
                    .setMessage("OCI runtime " + name + " at " + host.ociRuntimes().get(name))
                    .build())
        .orElseGet(
            () ->
                c.setStatus(false)
                    .setReason("NoOciRuntime")
                    .setMessage("none of runc, crun found; install one (scripts/install-deps.sh)")
                    .build());
  }

  /** Networking (CNI) is not built yet, and Status says so instead of pretending. */
  private static RuntimeCondition networkReady() {
    return RuntimeCondition.newBuilder()
        .setType("NetworkReady")
        .setStatus(false)
        .setReason("NetworkPluginNotReady")
        .setMessage("tessera: CNI pod networking is not implemented yet")
        .build();
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
