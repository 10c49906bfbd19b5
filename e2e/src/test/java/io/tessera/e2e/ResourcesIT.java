package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.ContainerState;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.LinuxContainerResources;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StopContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import io.tessera.cri.v1.UpdateContainerResourcesRequest;
import io.tessera.storage.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container cgroup resources through the real daemon and runc, checked in the cgroup v1 files of
 * the container's own cgroups.
 */
class ResourcesIT {
  private static final long MIB = 1024 * 1024;

  @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @TempDir static Path work;
  static TestRegistry registry;
  static String image;
  static Path logs;
  String pod;
  PodSandboxConfig podConfig;

  @BeforeAll
  static void publishAndPull() throws Exception {
    PulledBusybox busybox = PulledBusybox.publishAndPull(daemon, work);
    registry = busybox.registry();
    image = busybox.image();
    logs = busybox.logs();
  }

  @AfterAll
  static void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @AfterEach
  void removePod() {
    if (pod != null) {
      rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private String runPod(String name) {
    podConfig = CriRequests.podSandbox(name, logs).build();
    pod =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
            .getPodSandboxId();
    return pod;
  }

  private String runContainer(String name, LinuxContainerResources resources, String... cmd) {
    var config = CriRequests.container(name, image, cmd);
    config.getLinuxBuilder().setResources(resources);
    String id =
        rt().createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(pod)
                    .setConfig(config)
                    .setSandboxConfig(podConfig)
                    .build())
            .getContainerId();
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  private static io.tessera.cri.v1.ContainerStatus status(String id) {
    return rt().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
        .getStatus();
  }

  private static long hostPid(String id) {
    String info =
        rt().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build())
            .getInfoMap()
            .get("info");
    return Long.parseLong(info.replaceAll("(?s).*\"pid\":(\\d+).*", "$1"));
  }

  /** The value of a cgroup v1 file of {@code controller} for the container's init process. */
  private static String cgroupFile(String id, String controller, String file) throws Exception {
    String path =
        Files.readAllLines(Path.of("/proc/" + hostPid(id) + "/cgroup")).stream()
            .map(l -> l.split(":", 3))
            .filter(f -> Arrays.asList(f[1].split(",")).contains(controller))
            .map(f -> f[2])
            .findFirst()
            .orElseThrow();
    return Files.readString(Path.of("/sys/fs/cgroup/" + controller + path, file)).trim();
  }

  @Test
  void createdContainerHasItsResourcesInItsCgroupsAndStatus() throws Exception {
    runPod("res-create");
    LinuxContainerResources asked =
        LinuxContainerResources.newBuilder()
            .setCpuShares(512)
            .setCpuQuota(50000)
            .setCpuPeriod(100000)
            .setMemoryLimitInBytes(64 * MIB)
            .setCpusetCpus("0")
            .build();
    String ctr = runContainer("limited", asked, "sleep", "3600");

    assertThat(cgroupFile(ctr, "cpu", "cpu.shares")).isEqualTo("512");
    assertThat(cgroupFile(ctr, "cpu", "cpu.cfs_quota_us")).isEqualTo("50000");
    assertThat(cgroupFile(ctr, "cpu", "cpu.cfs_period_us")).isEqualTo("100000");
    assertThat(cgroupFile(ctr, "memory", "memory.limit_in_bytes"))
        .isEqualTo(Long.toString(64 * MIB));
    assertThat(cgroupFile(ctr, "cpuset", "cpuset.cpus")).isEqualTo("0");

    LinuxContainerResources reported = status(ctr).getResources().getLinux();
    assertThat(reported.getCpuShares()).isEqualTo(512);
    assertThat(reported.getCpuQuota()).isEqualTo(50000);
    assertThat(reported.getCpuPeriod()).isEqualTo(100000);
    assertThat(reported.getMemoryLimitInBytes()).isEqualTo(64 * MIB);
    assertThat(reported.getCpusetCpus()).isEqualTo("0");
  }

  @Test
  void updateChangesARunningContainersCgroupsAndStatus() throws Exception {
    runPod("res-update");
    String ctr =
        runContainer(
            "updated",
            LinuxContainerResources.newBuilder()
                .setCpuQuota(50000)
                .setCpuPeriod(100000)
                .setMemoryLimitInBytes(64 * MIB)
                .build(),
            "sleep",
            "3600");
    assertThat(cgroupFile(ctr, "memory", "memory.limit_in_bytes"))
        .isEqualTo(Long.toString(64 * MIB));

    rt().updateContainerResources(
            UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(ctr)
                .setLinux(
                    LinuxContainerResources.newBuilder()
                        .setCpuQuota(20000)
                        .setCpuPeriod(100000)
                        .setMemoryLimitInBytes(96 * MIB))
                .build());

    assertThat(cgroupFile(ctr, "memory", "memory.limit_in_bytes"))
        .isEqualTo(Long.toString(96 * MIB));
    assertThat(cgroupFile(ctr, "cpu", "cpu.cfs_quota_us")).isEqualTo("20000");
    LinuxContainerResources reported = status(ctr).getResources().getLinux();
    assertThat(reported.getMemoryLimitInBytes()).isEqualTo(96 * MIB);
    assertThat(reported.getCpuQuota()).isEqualTo(20000);
  }

  @Test
  void updateOfAnUnknownContainerIsNotFoundAndWithoutIdInvalid() {
    assertThat(
            codeOf(
                () ->
                    rt().updateContainerResources(
                            UpdateContainerResourcesRequest.newBuilder()
                                .setContainerId("0123456789abcdef")
                                .setLinux(LinuxContainerResources.getDefaultInstance())
                                .build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            codeOf(
                () ->
                    rt().updateContainerResources(
                            UpdateContainerResourcesRequest.newBuilder()
                                .setLinux(LinuxContainerResources.getDefaultInstance())
                                .build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void containerOverItsMemoryLimitIsOomKilled() {
    runPod("res-oom");
    String ctr =
        runContainer(
            "hog",
            LinuxContainerResources.newBuilder().setMemoryLimitInBytes(16 * MIB).build(),
            "sh",
            "-c",
            "x=a; while true; do x=$x$x; done");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> status(ctr).getState() == ContainerState.CONTAINER_EXITED);
    io.tessera.cri.v1.ContainerStatus s = status(ctr);
    assertThat(s.getExitCode()).isEqualTo(137);
    assertThat(s.getReason()).isEqualTo("OOMKilled");
  }

  @Test
  void killedContainerWithoutOomIsAnErrorAndCannotBeUpdated() {
    runPod("res-kill");
    String ctr =
        runContainer(
            "killed",
            LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64 * MIB).build(),
            "sleep",
            "3600");
    rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(0).build());
    io.tessera.cri.v1.ContainerStatus s = status(ctr);
    assertThat(s.getExitCode()).isEqualTo(137);
    assertThat(s.getReason()).isEqualTo("Error");
    assertThat(
            codeOf(
                () ->
                    rt().updateContainerResources(
                            UpdateContainerResourcesRequest.newBuilder()
                                .setContainerId(ctr)
                                .setLinux(
                                    LinuxContainerResources.newBuilder()
                                        .setMemoryLimitInBytes(96 * MIB))
                                .build())))
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  private static Status.Code codeOf(Runnable r) {
    try {
      r.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }
}
