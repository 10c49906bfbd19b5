package io.tessera.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.tessera.cri.v1.AttachRequest;
import io.tessera.cri.v1.ExecRequest;
import io.tessera.cri.v1.PortForwardRequest;
import io.tessera.server.NodeRuntime;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The argument checks of Exec, Attach and PortForward, which come before any lookup (so no node is
 * needed here); lookups and URLs are covered by the e2e streaming tests.
 */
class CriRuntimeServiceStreamingTest {
  private final CriRuntimeService service =
      new CriRuntimeService(
          null, null, new NodeRuntime(null, null, List.of(), "runc", "", null, null), null);

  private static final class Recorder<T> implements StreamObserver<T> {
    final AtomicReference<Throwable> error = new AtomicReference<>();

    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onCompleted() {}

    Status status() {
      return StatusMapper.toStatus(error.get());
    }
  }

  private Status exec(ExecRequest r) {
    Recorder<io.tessera.cri.v1.ExecResponse> out = new Recorder<>();
    service.exec(r, out);
    return out.status();
  }

  @Test
  void execNeedsAContainerACommandAndAStream() {
    Status s = exec(ExecRequest.newBuilder().addCmd("ls").setStdout(true).build());
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("container_id is required");

    s = exec(ExecRequest.newBuilder().setContainerId("c").setStdout(true).build());
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("cmd is required");

    s = exec(ExecRequest.newBuilder().setContainerId("c").addCmd("ls").build());
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("one of stdin, stdout, or stderr must be set");
  }

  @Test
  void ttyWithStderrIsInvalid() {
    Status s =
        exec(
            ExecRequest.newBuilder()
                .setContainerId("c")
                .addCmd("sh")
                .setTty(true)
                .setStdout(true)
                .setStderr(true)
                .build());
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("tty and stderr cannot both be true");

    Recorder<io.tessera.cri.v1.AttachResponse> out = new Recorder<>();
    service.attach(
        AttachRequest.newBuilder().setContainerId("c").setTty(true).setStderr(true).build(), out);
    assertThat(out.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void portForwardNeedsAPodAndValidPorts() {
    Recorder<io.tessera.cri.v1.PortForwardResponse> out = new Recorder<>();
    service.portForward(PortForwardRequest.newBuilder().addPort(80).build(), out);
    assertThat(out.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(out.status().getDescription()).contains("pod_sandbox_id is required");

    Recorder<io.tessera.cri.v1.PortForwardResponse> bad = new Recorder<>();
    service.portForward(
        PortForwardRequest.newBuilder().setPodSandboxId("p").addPort(70000).build(), bad);
    assertThat(bad.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(bad.status().getDescription()).contains("port 70000 is out of range");
  }
}
