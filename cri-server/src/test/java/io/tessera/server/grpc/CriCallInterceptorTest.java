package io.tessera.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.ContainerStatusResponse;
import io.tessera.cri.v1.ListContainersRequest;
import io.tessera.cri.v1.ListContainersResponse;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxResponse;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StopContainerRequest;
import io.tessera.cri.v1.VersionRequest;
import io.tessera.cri.v1.VersionResponse;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CriCallInterceptorTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Server server;
  private ManagedChannel channel;
  private RuntimeServiceGrpc.RuntimeServiceBlockingStub stub;

  /** Handlers that fail in each way a handler can. */
  static final class Failing extends RuntimeServiceGrpc.RuntimeServiceImplBase {
    @Override
    public void version(VersionRequest r, StreamObserver<VersionResponse> out) {
      out.onNext(VersionResponse.newBuilder().setRuntimeName("t").build());
      out.onCompleted();
    }

    @Override
    public void runPodSandbox(RunPodSandboxRequest r, StreamObserver<RunPodSandboxResponse> out) {
      throw new NotFoundException("image busybox not present");
    }

    @Override
    public void containerStatus(
        ContainerStatusRequest r, StreamObserver<ContainerStatusResponse> out) {
      out.onError(new InvalidArgumentException("container id is empty"));
    }

    @Override
    public void listContainers(ListContainersRequest r, StreamObserver<ListContainersResponse> o) {
      throw new IllegalStateException("bug");
    }
  }

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                ServerInterceptors.intercept(new Failing(), new CriCallInterceptor(registry)))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = RuntimeServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static Status.Code codeOf(Runnable call) {
    try {
      call.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void thrownDomainExceptionGetsItsCodeAndMessage() {
    assertThatThrownBy(() -> stub.runPodSandbox(RunPodSandboxRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
              assertThat(e.getStatus().getDescription()).isEqualTo("image busybox not present");
            });
  }

  @Test
  void onErrorWithDomainExceptionIsMappedNotUnknown() {
    assertThat(codeOf(() -> stub.containerStatus(ContainerStatusRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void bugsBecomeInternal() {
    assertThat(codeOf(() -> stub.listContainers(ListContainersRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.INTERNAL);
  }

  @Test
  void unimplementedNamesTheRpc() {
    assertThatThrownBy(() -> stub.stopContainer(StopContainerRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.getStatus().getDescription()).contains("StopContainer");
            });
  }

  @Test
  void summariesRedactSecrets() {
    String s =
        CriCallInterceptor.summary(
            io.tessera.cri.v1.PullImageRequest.newBuilder()
                .setImage(io.tessera.cri.v1.ImageSpec.newBuilder().setImage("busybox"))
                .setAuth(
                    io.tessera.cri.v1.AuthConfig.newBuilder()
                        .setUsername("alice")
                        .setPassword("s3cret-pw")
                        .setRegistryToken("tok-123"))
                .build());
    assertThat(s).contains("busybox").doesNotContain("s3cret-pw").doesNotContain("tok-123");
  }

  @Test
  void timersAndErrorCountersAreTaggedByMethodAndCode() {
    stub.version(VersionRequest.getDefaultInstance());
    stub.version(VersionRequest.getDefaultInstance());
    codeOf(() -> stub.runPodSandbox(RunPodSandboxRequest.getDefaultInstance()));

    assertThat(
            registry
                .get(CriCallInterceptor.CALLS_METRIC)
                .tags("method", "Version", "code", "OK")
                .timer()
                .count())
        .isEqualTo(2);
    assertThat(
            registry
                .get(CriCallInterceptor.ERRORS_METRIC)
                .tags("method", "RunPodSandbox", "code", "NOT_FOUND")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(registry.find(CriCallInterceptor.ERRORS_METRIC).tags("method", "Version").counter())
        .isNull();
  }
}
