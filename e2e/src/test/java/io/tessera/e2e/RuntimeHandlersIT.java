package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeHandler;
import io.tessera.cri.v1.StatusRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runtime handlers from the config: named, probed by a real trial, selected per pod. */
class RuntimeHandlersIT {
  private final DaemonDirs dirs = DaemonDirs.create();

  @AfterEach
  void cleanUp() {
    assertThat(Leaks.mountsUnder(dirs.base())).isEmpty();
    dirs.delete();
  }

  @Test
  void configuredHandlersAreListedAndUsedPerPod() throws Exception {
    Files.writeString(
        dirs.config(),
        """
        metrics_address = ""
        default_runtime = "steady"
        [runtimes.steady]
        path = "/usr/sbin/runc"
        [runtimes.spare]
        path = "/usr/sbin/runc"
        [runtimes.crun]
        path = "/usr/bin/crun"
        """);
    TesseraProcess d = TesseraProcess.start(dirs, List.of()).awaitServing();
    try (CriClient c = CriClient.connect(dirs.socket())) {
      var status = c.runtime().status(StatusRequest.getDefaultInstance());
      // crun 1.8 refuses hybrid cgroup hosts: its trial fails, so it is not offered.
      assertThat(status.getRuntimeHandlersList())
          .extracting(RuntimeHandler::getName)
          .containsExactly("", "steady", "spare");
      assertThat(status.getStatus().getConditions(0).getMessage()).contains("steady");
      Path logs = dirs.base().resolve("logs");
      String pod =
          c.runtime()
              .runPodSandbox(
                  RunPodSandboxRequest.newBuilder()
                      .setConfig(CriRequests.podSandbox("spare-pod", logs).build())
                      .setRuntimeHandler("spare")
                      .build())
              .getPodSandboxId();
      try {
        c.runtime()
            .runPodSandbox(
                RunPodSandboxRequest.newBuilder()
                    .setConfig(CriRequests.podSandbox("crun-pod", logs).build())
                    .setRuntimeHandler("crun")
                    .build());
        throw new AssertionError("a pod on an unusable handler was accepted");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).contains("crun");
      }
      c.runtime()
          .removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    } finally {
      assertThat(d.terminate()).isZero();
    }
    assertThat(d.errorLines()).isEmpty();
  }

  @Test
  void aDefaultRuntimeThatFailsItsTrialStopsStartUp() throws Exception {
    Files.writeString(
        dirs.config(),
        """
        metrics_address = ""
        default_runtime = "crun"
        [runtimes.crun]
        path = "/usr/bin/crun"
        """);
    TesseraProcess d = TesseraProcess.start(dirs, List.of());
    assertThat(d.awaitExit(Duration.ofSeconds(60))).isNotZero();
    assertThat(d.logs()).contains("default_runtime crun does not work on this host");
  }
}
