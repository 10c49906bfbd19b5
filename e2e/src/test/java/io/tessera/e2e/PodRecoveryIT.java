package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ContainerState;
import io.tessera.cri.v1.ContainerStatus;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ListContainersRequest;
import io.tessera.cri.v1.ListPodSandboxRequest;
import io.tessera.cri.v1.NamespaceMode;
import io.tessera.cri.v1.NamespaceOption;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxState;
import io.tessera.cri.v1.PodSandboxStatusRequest;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.ReopenContainerLogRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What outlives the daemon (conmon-monitored containers, state on disk), a pod-wide PID namespace
 * held by catatonit, and log reopening.
 */
class PodRecoveryIT {
  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private static String run(PodSandboxConfig pod, String podId, ContainerConfig.Builder c) {
    return busybox.runContainer(podId, pod, c);
  }

  private static ContainerStatus status(String id) {
    return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
        .getStatus();
  }

  private static String exec(String id, String... cmd) {
    return rt().execSync(
            ExecSyncRequest.newBuilder()
                .setContainerId(id)
                .addAllCmd(List.of(cmd))
                .setTimeout(10)
                .build())
        .getStdout()
        .toStringUtf8();
  }

  @Test
  void killedDaemonRecoversPodsContainersAndExitsThatHappenedMeanwhile() throws Exception {
    PodSandboxConfig pod = CriRequests.podSandbox("survivor", busybox.logs()).build();
    String podId =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
            .getPodSandboxId();
    String longRunning =
        run(pod, podId, CriRequests.container("long", busybox.image(), "sleep", "1000"));
    String exitsLater =
        run(
            pod,
            podId,
            CriRequests.container("later", busybox.image(), "sh", "-c", "sleep 3; exit 42"));
    String exited =
        run(pod, podId, CriRequests.container("done", busybox.image(), "sh", "-c", "exit 5"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(exited).getState() == ContainerState.CONTAINER_EXITED);
    long pidBefore = Long.parseLong(exec(longRunning, "sh", "-c", "echo $PPID").trim());

    daemon.crashAndRestart();
    // While the daemon was down, "later" exited: the new daemon must know, with its code.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ContainerStatus s = status(exitsLater);
              assertThat(s.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
              assertThat(s.getExitCode()).isEqualTo(42);
            });
    assertThat(status(longRunning).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
    assertThat(status(exited).getExitCode()).isEqualTo(5);
    assertThat(
            rt().podSandboxStatus(
                    PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build())
                .getStatus()
                .getState())
        .isEqualTo(PodSandboxState.SANDBOX_READY);
    assertThat(rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount())
        .isEqualTo(3);
    // The adopted container still works, unchanged.
    assertThat(exec(longRunning, "echo", "still-here")).isEqualTo("still-here\n");
    assertThat(Long.parseLong(exec(longRunning, "sh", "-c", "echo $PPID").trim()))
        .isEqualTo(pidBefore);

    // An exit after the restart is seen by the new daemon's watcher too.
    String afterRestart =
        run(pod, podId, CriRequests.container("after", busybox.image(), "sh", "-c", "exit 9"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(afterRestart).getState() == ContainerState.CONTAINER_EXITED);
    assertThat(status(afterRestart).getExitCode()).isEqualTo(9);

    rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    assertThat(rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount())
        .isZero();
  }

  @Test
  void aCreateInterruptedBeforeItsRecordIsRolledBackAtStartUp() throws Exception {
    PodSandboxConfig pod = CriRequests.podSandbox("interrupted", busybox.logs()).build();
    String podId =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
            .getPodSandboxId();
    String id = run(pod, podId, CriRequests.container("half", busybox.image(), "sleep", "1003"));
    daemon.crashAndRestart(
        () -> {
          // As if the daemon died between `runc create` and writing the record.
          Path record = daemon.dirs().root().resolve("containers").resolve(id);
          try (var files = Files.walk(record)) {
            for (Path f :
                (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
              Files.delete(f);
            }
          }
        });
    assertThat(rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
        .isEmpty();
    assertThat(Leaks.mountsUnder(daemon.dirs().state().resolve("containers"))).isEmpty();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(Leaks.processesMentioning(daemon.dirs().state(), daemon.process().pid()))
                    .noneMatch(p -> p.contains(id)));
    assertThat(daemon.dirs().state().resolve("runc").resolve(id)).doesNotExist();
    assertThat(daemon.dirs().root().resolve("snapshots").resolve(id)).doesNotExist();
    rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
  }

  @Test
  void sharedPidNamespaceIsHeldByCatatonit() {
    PodSandboxConfig pod =
        CriRequests.podSandbox("shared", busybox.logs()).withSharedPidNamespace().build();
    String podId =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
            .getPodSandboxId();
    NamespaceOption podPid =
        NamespaceOption.newBuilder()
            .setNetwork(NamespaceMode.POD)
            .setIpc(NamespaceMode.POD)
            .setPid(NamespaceMode.POD)
            .build();
    ContainerConfig.Builder a = CriRequests.container("a", busybox.image(), "sleep", "1001");
    a.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(podPid);
    ContainerConfig.Builder b = CriRequests.container("b", busybox.image(), "sleep", "1002");
    b.getLinuxBuilder().getSecurityContextBuilder().setNamespaceOptions(podPid);
    String ca = run(pod, podId, a);
    String cb = run(pod, podId, b);
    String ps = exec(cb, "ps");
    assertThat(ps).contains("sleep 1001").contains("sleep 1002").contains("catatonit");
    assertThat(exec(ca, "cat", "/proc/1/cmdline")).startsWith("/catatonit");
    rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
  }

  @Test
  void reopenContainerLogStartsANewFileAfterRotation() throws Exception {
    PodSandboxConfig pod = CriRequests.podSandbox("logger", busybox.logs()).build();
    String podId =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
            .getPodSandboxId();
    String id =
        run(
            pod,
            podId,
            CriRequests.container(
                "talk", busybox.image(), "sh", "-c", "while true; do echo tick; sleep 0.2; done"));
    Path log = busybox.logs().resolve("logger/talk/0.log");
    await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(log) && Files.size(log) > 0);
    Path rotated = log.resolveSibling("0.log.1");
    Files.move(log, rotated);
    rt().reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(id).build());
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(log).exists().content().contains("stdout F tick"));
    rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
  }
}
