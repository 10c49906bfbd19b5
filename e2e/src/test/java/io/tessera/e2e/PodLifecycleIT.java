package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.ContainerFilter;
import io.tessera.cri.v1.ContainerState;
import io.tessera.cri.v1.ContainerStateValue;
import io.tessera.cri.v1.ContainerStatus;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.ListContainersRequest;
import io.tessera.cri.v1.ListPodSandboxRequest;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxFilter;
import io.tessera.cri.v1.PodSandboxState;
import io.tessera.cri.v1.PodSandboxStateValue;
import io.tessera.cri.v1.PodSandboxStatusRequest;
import io.tessera.cri.v1.RemoveContainerRequest;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StatusRequest;
import io.tessera.cri.v1.StopContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pod sandboxes and containers through the real daemon, runc and conmon, checked with kernel facts
 * (namespaces, cgroups, mounts) and CRI semantics kubelet relies on.
 */
class PodLifecycleIT {
  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private static String runPod(PodSandboxConfig config) {
    return rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
        .getPodSandboxId();
  }

  private static String createContainer(
      String pod, PodSandboxConfig podConfig, String name, String... cmd) {
    return rt().createContainer(
            CreateContainerRequest.newBuilder()
                .setPodSandboxId(pod)
                .setConfig(CriRequests.container(name, busybox.image(), cmd))
                .setSandboxConfig(podConfig)
                .build())
        .getContainerId();
  }

  private static ContainerStatus status(String id) {
    return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
        .getStatus();
  }

  private static ExecSyncResponse exec(String id, long timeout, String... cmd) {
    return rt().execSync(
            ExecSyncRequest.newBuilder()
                .setContainerId(id)
                .addAllCmd(List.of(cmd))
                .setTimeout(timeout)
                .build());
  }

  private static void removePod(String pod) {
    rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
  }

  private static Status.Code codeOf(Runnable r) {
    try {
      r.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void statusListsTheWorkingRuntimeHandlers() {
    var s = rt().status(StatusRequest.getDefaultInstance());
    assertThat(s.getRuntimeHandlersList()).extracting(h -> h.getName()).contains("", "runc");
    assertThat(s.getStatus().getConditions(0).getStatus()).isTrue();
  }

  @Test
  void podWithARunningContainerIsIsolatedLoggedAndExecutable() throws Exception {
    PodSandboxConfig podConfig =
        CriRequests.podSandbox("web", busybox.logs()).withLabel("app", "web").build();
    String pod = runPod(podConfig);
    var podStatus =
        rt().podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).setVerbose(true).build());
    assertThat(podStatus.getStatus().getState()).isEqualTo(PodSandboxState.SANDBOX_READY);
    assertThat(podStatus.getInfoMap().get("info")).contains("namespaces");

    String ctr =
        createContainer(pod, podConfig, "app", "sh", "-c", "echo hello-from-app; exec sleep 1000");
    assertThat(status(ctr).getState()).isEqualTo(ContainerState.CONTAINER_CREATED);
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
    ContainerStatus running = status(ctr);
    assertThat(running.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
    assertThat(running.getStartedAt()).isPositive();

    // CRI log format: <RFC3339Nano> stdout F <line>
    Path log = busybox.logs().resolve("web/app/0.log");
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(Files.readString(log))
                    .containsPattern("^\\d{4}-\\d\\d-\\d\\dT\\S+ stdout F hello-from-app\\n"));

    // Exec: output, exit codes.
    ExecSyncResponse hi = exec(ctr, 10, "echo", "hi");
    assertThat(hi.getStdout().toStringUtf8()).isEqualTo("hi\n");
    assertThat(hi.getExitCode()).isZero();
    assertThat(exec(ctr, 10, "sh", "-c", "echo err >&2; exit 3").getExitCode()).isEqualTo(3);
    assertThat(exec(ctr, 10, "sh", "-c", "echo err >&2; exit 3").getStderr().toStringUtf8())
        .isEqualTo("err\n");
    assertThat(exec(ctr, 10, "hostname").getStdout().toStringUtf8()).isEqualTo("web\n");
    assertThat(exec(ctr, 10, "sh", "-c", "echo $E2E").getStdout().toStringUtf8())
        .isEqualTo("yes\n");

    // Kernel facts: own namespaces, in a cgroup under the pod's.
    long pid =
        Long.parseLong(exec(ctr, 10, "sh", "-c", "echo $$").getStdout().toStringUtf8().trim());
    assertThat(pid).isPositive(); // pid inside its own pid namespace
    String info =
        rt().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(ctr).setVerbose(true).build())
            .getInfoMap()
            .get("info");
    long hostPid = Long.parseLong(info.replaceAll(".*\"pid\":(\\d+).*", "$1"));
    long self = ProcessHandle.current().pid();
    for (String ns : List.of("net", "uts", "ipc", "pid", "mnt")) {
      assertThat(Leaks.namespaceOf(hostPid, ns)).as(ns).isNotEqualTo(Leaks.namespaceOf(self, ns));
    }
    assertThat(Files.readString(Path.of("/proc/" + hostPid + "/cgroup")))
        .contains("/tessera/" + pod + "/" + ctr);

    // List filters.
    assertThat(
            rt().listPodSandbox(
                    ListPodSandboxRequest.newBuilder()
                        .setFilter(PodSandboxFilter.newBuilder().putLabelSelector("app", "web"))
                        .build())
                .getItemsList())
        .extracting(p -> p.getId())
        .containsExactly(pod);
    assertThat(
            rt().listContainers(
                    ListContainersRequest.newBuilder()
                        .setFilter(
                            ContainerFilter.newBuilder()
                                .setPodSandboxId(pod.substring(0, 12))
                                .setState(
                                    ContainerStateValue.newBuilder()
                                        .setState(ContainerState.CONTAINER_RUNNING)))
                        .build())
                .getContainersList())
        .extracting(c -> c.getId())
        .containsExactly(ctr);

    // Stop: SIGTERM ignored by sleep as pid 1 -> SIGKILL after the timeout.
    rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(1).build());
    ContainerStatus exited = status(ctr);
    assertThat(exited.getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
    assertThat(exited.getExitCode()).isEqualTo(137);
    assertThat(exited.getFinishedAt()).isGreaterThanOrEqualTo(exited.getStartedAt());

    removePod(pod);
    assertThat(Leaks.mountsUnder(daemon.dirs().base())).isEmpty();
    assertThat(Leaks.processesMentioning(daemon.dirs().state(), daemon.process().pid())).isEmpty();
    assertThat(Path.of("/sys/fs/cgroup/memory/tessera/" + pod)).doesNotExist();
    assertThat(codeOf(() -> status(ctr))).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void namespacedSysctlsAreSetInsideThePod() {
    PodSandboxConfig podConfig =
        CriRequests.podSandbox("tuned", busybox.logs())
            .withSysctl("net.ipv4.ip_unprivileged_port_start", "0")
            .withSysctl("kernel.shmmni", "1234")
            .build();
    String pod = runPod(podConfig);
    String ctr = createContainer(pod, podConfig, "app", "sleep", "1000");
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
    assertThat(
            exec(ctr, 10, "cat", "/proc/sys/net/ipv4/ip_unprivileged_port_start")
                .getStdout()
                .toStringUtf8())
        .isEqualTo("0\n");
    assertThat(exec(ctr, 10, "cat", "/proc/sys/kernel/shmmni").getStdout().toStringUtf8())
        .isEqualTo("1234\n");
    removePod(pod);
    // A sysctl that is not namespaced is refused and leaves no pod.
    assertThat(
            codeOf(
                () ->
                    runPod(
                        CriRequests.podSandbox("untuned", busybox.logs())
                            .withSysctl("vm.swappiness", "1")
                            .build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList())
        .noneMatch(p -> p.getMetadata().getName().equals("untuned"));
  }

  @Test
  void hostIpcAndHostPidShareTheHostsNamespaces() throws Exception {
    PodSandboxConfig podConfig =
        CriRequests.podSandbox("hostns", busybox.logs()).withHostIpcAndPid().build();
    String pod = runPod(podConfig);
    io.tessera.cri.v1.ContainerConfig.Builder c =
        CriRequests.container("app", busybox.image(), "sleep", "1000");
    c.getLinuxBuilder()
        .getSecurityContextBuilder()
        .setNamespaceOptions(
            io.tessera.cri.v1.NamespaceOption.newBuilder()
                .setNetwork(io.tessera.cri.v1.NamespaceMode.POD)
                .setIpc(io.tessera.cri.v1.NamespaceMode.NODE)
                .setPid(io.tessera.cri.v1.NamespaceMode.NODE));
    String ctr =
        rt().createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(pod)
                    .setConfig(c)
                    .setSandboxConfig(podConfig)
                    .build())
            .getContainerId();
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
    String info =
        rt().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(ctr).setVerbose(true).build())
            .getInfoMap()
            .get("info");
    long hostPid = Long.parseLong(info.replaceAll(".*\"pid\":(\\d+).*", "$1"));
    long self = ProcessHandle.current().pid();
    assertThat(Leaks.namespaceOf(hostPid, "ipc")).isEqualTo(Leaks.namespaceOf(self, "ipc"));
    assertThat(Leaks.namespaceOf(hostPid, "pid")).isEqualTo(Leaks.namespaceOf(self, "pid"));
    assertThat(Leaks.namespaceOf(hostPid, "net")).isNotEqualTo(Leaks.namespaceOf(self, "net"));
    // With the host's pid namespace the container sees the host's processes (this test's JVM).
    assertThat(exec(ctr, 10, "ps").getStdout().toStringUtf8()).contains("java");
    removePod(pod);
  }

  @Test
  void containerThatExitsReportsItsCodeAndReason() {
    PodSandboxConfig podConfig = CriRequests.podSandbox("job", busybox.logs()).build();
    String pod = runPod(podConfig);
    String ok = createContainer(pod, podConfig, "ok", "true");
    String bad = createContainer(pod, podConfig, "bad", "sh", "-c", "exit 7");
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ok).build());
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(bad).build());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(ok).getState() == ContainerState.CONTAINER_EXITED);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(bad).getState() == ContainerState.CONTAINER_EXITED);
    assertThat(status(ok).getExitCode()).isZero();
    assertThat(status(ok).getReason()).isEqualTo("Completed");
    assertThat(status(bad).getExitCode()).isEqualTo(7);
    assertThat(status(bad).getReason()).isEqualTo("Error");
    removePod(pod);
  }

  @Test
  void execSyncTimeoutKillsTheCommandAndSaysSo() {
    PodSandboxConfig podConfig = CriRequests.podSandbox("slow", busybox.logs()).build();
    String pod = runPod(podConfig);
    String ctr = createContainer(pod, podConfig, "app", "sleep", "1000");
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
    assertThatThrownBy(() -> exec(ctr, 1, "sleep", "30"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
              assertThat(e.getStatus().getDescription()).contains("timed out");
            });
    assertThat(exec(ctr, 10, "ps").getStdout().toStringUtf8()).doesNotContain("sleep 30");
    removePod(pod);
  }

  @Test
  void kubeletSemanticsOfStopAndRemove() {
    PodSandboxConfig podConfig = CriRequests.podSandbox("idem", busybox.logs()).build();
    String pod = runPod(podConfig);
    String ctr = createContainer(pod, podConfig, "app", "sleep", "1000");
    // Name taken in the pod.
    assertThat(codeOf(() -> createContainer(pod, podConfig, "app", "sleep", "1")))
        .isEqualTo(Status.Code.ALREADY_EXISTS);
    // Same pod name again.
    assertThat(codeOf(() -> runPod(podConfig))).isEqualTo(Status.Code.ALREADY_EXISTS);
    // Removing the pod removes its (never started) container.
    removePod(pod);
    assertThat(codeOf(() -> status(ctr))).isEqualTo(Status.Code.NOT_FOUND);
    // Stop/remove of what is gone succeed.
    removePod(pod);
    rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).build());
    rt().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(ctr).build());
    assertThat(
            rt().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList().stream()
                .filter(p -> p.getId().equals(pod)))
        .isEmpty();
  }

  @Test
  void badInputGetsTheRightCodeAndLeavesNothing() {
    PodSandboxConfig podConfig = CriRequests.podSandbox("bad", busybox.logs()).build();
    assertThat(codeOf(() -> rt().runPodSandbox(RunPodSandboxRequest.getDefaultInstance())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            codeOf(
                () ->
                    rt().runPodSandbox(
                            RunPodSandboxRequest.newBuilder()
                                .setConfig(podConfig)
                                .setRuntimeHandler("no-such-runtime")
                                .build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(codeOf(() -> createContainer("f".repeat(64), podConfig, "x", "true")))
        .isEqualTo(Status.Code.NOT_FOUND);

    String pod = runPod(podConfig);
    assertThat(
            codeOf(
                () ->
                    rt().createContainer(
                            CreateContainerRequest.newBuilder()
                                .setPodSandboxId(pod)
                                .setConfig(
                                    CriRequests.container(
                                        "ghost",
                                        busybox.registry().host() + "/e2e/absent:1",
                                        "true"))
                                .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            codeOf(
                () ->
                    rt().createContainer(
                            CreateContainerRequest.newBuilder()
                                .setPodSandboxId(pod)
                                .setConfig(
                                    CriRequests.container("mnt", busybox.image(), "true")
                                        .addMounts(
                                            io.tessera.cri.v1.Mount.newBuilder()
                                                .setContainerPath("/data")
                                                .setHostPath("/nonexistent/host/path")))
                                .build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
        .isEmpty();
    rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    assertThat(
            rt().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(pod).build())
                .getStatus()
                .getState())
        .isEqualTo(PodSandboxState.SANDBOX_NOTREADY);
    assertThat(
            rt().listPodSandbox(
                    ListPodSandboxRequest.newBuilder()
                        .setFilter(
                            PodSandboxFilter.newBuilder()
                                .setState(
                                    PodSandboxStateValue.newBuilder()
                                        .setState(PodSandboxState.SANDBOX_NOTREADY)))
                        .build())
                .getItemsList())
        .extracting(p -> p.getId())
        .containsExactly(pod);
    assertThat(codeOf(() -> createContainer(pod, podConfig, "late", "true")))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    assertThat(Leaks.mountsUnder(daemon.dirs().base())).isEmpty();
  }
}
