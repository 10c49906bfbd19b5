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
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StopContainerRequest;
import io.tessera.cri.v1.UpdateContainerResourcesRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Container cgroup resources through the real daemon and runc, checked in the cgroup v1 files of
 * the container's own cgroups.
 */
class ResourcesIT {
  private static final long MIB = 1024 * 1024;

  /** The daemon's [resources] default_pids_limit: containers that set no pids.max get it. */
  static final long DEFAULT_PIDS_LIMIT = 1024;

  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon =
      new TesseraDaemonExtension(
          List.of(),
          dirs ->
              "metrics_address = \"\"\n[cni]\nconf_dir = \""
                  + dirs.root().resolve("cni/admin.d")
                  + "\"\n[resources]\ndefault_pids_limit = "
                  + DEFAULT_PIDS_LIMIT
                  + "\n");

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  String pod;
  PodSandboxConfig podConfig;

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private String runPod(String name) {
    podConfig = CriRequests.podSandbox(name, busybox.logs()).build();
    pod = busybox.runPod(podConfig);
    return pod;
  }

  private String runContainer(String name, LinuxContainerResources resources, String... cmd) {
    var config = CriRequests.container(name, busybox.image(), cmd);
    config.getLinuxBuilder().setResources(resources);
    return busybox.runContainer(pod, podConfig, config);
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
    return Files.readString(cgroupDir(id, controller).resolve(file)).trim();
  }

  /**
   * The container's cgroup v1 directory of {@code controller}, from its init's /proc/PID/cgroup.
   */
  private static Path cgroupDir(String id, String controller) throws Exception {
    String path =
        Files.readAllLines(Path.of("/proc/" + hostPid(id) + "/cgroup")).stream()
            .map(l -> l.split(":", 3))
            .filter(f -> Arrays.asList(f[1].split(",")).contains(controller))
            .map(f -> f[2])
            .findFirst()
            .orElseThrow();
    return Path.of("/sys/fs/cgroup/" + controller + path);
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

  @Test
  void forkBombStopsAtPidsMaxAndEverythingSurvives() throws Exception {
    runPod("res-forkbomb");
    // A subshell forks sleeps until the kernel refuses; the container's main shell outlives it.
    String ctr =
        runContainer(
            "bomb",
            LinuxContainerResources.newBuilder().putUnified("pids.max", "32").build(),
            "sh",
            "-c",
            "(while :; do sleep 1000 & done); echo bomb-over; exec sleep 3600");
    assertThat(cgroupFile(ctr, "pids", "pids.max")).isEqualTo("32");
    // pids.events counts the forks the limit refused.
    await().atMost(Duration.ofSeconds(60)).until(() -> forksRefused(ctr) > 0);
    // Full up to the limit, never past it (the subshell may have exited after its failed fork).
    assertThat(pidsCurrent(ctr)).isBetween(30L, 32L);
    Path log = busybox.logs().resolve("res-forkbomb/bomb/0.log");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> Files.exists(log) && Files.readString(log).contains("can't fork"));
    assertThat(status(ctr).getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
    assertThat(status(ctr).getResources().getLinux().getUnifiedMap())
        .containsEntry("pids.max", "32");
    // The daemon and host still answer and can start more.
    assertThat(rt().version(io.tessera.cri.v1.VersionRequest.getDefaultInstance()).getVersion())
        .isNotEmpty();
    Process p = new ProcessBuilder("true").start();
    assertThat(p.waitFor()).isZero();

    Path pidsDir = cgroupDir(ctr, "pids");
    rt().stopContainer(StopContainerRequest.newBuilder().setContainerId(ctr).setTimeout(0).build());
    assertThat(status(ctr).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
    busybox.removePod(pod);
    assertThat(pidsDir).doesNotExist();
  }

  private static long pidsCurrent(String ctr) throws Exception {
    return Long.parseLong(cgroupFile(ctr, "pids", "pids.current"));
  }

  private static long forksRefused(String ctr) throws Exception {
    // v1 pids.events: "max N", N = forks refused because of pids.max.
    return Long.parseLong(
        cgroupFile(ctr, "pids", "pids.events").replaceAll("(?s).*max (\\d+).*", "$1"));
  }

  @Test
  void containerWithoutPidsMaxGetsTheDaemonsDefaultAndUpdateKeepsIt() throws Exception {
    runPod("res-pids-default");
    String ctr =
        runContainer(
            "defaulted",
            LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64 * MIB).build(),
            "sleep",
            "3600");
    assertThat(cgroupFile(ctr, "pids", "pids.max")).isEqualTo(Long.toString(DEFAULT_PIDS_LIMIT));
    assertThat(status(ctr).getResources().getLinux().getUnifiedMap())
        .containsEntry("pids.max", Long.toString(DEFAULT_PIDS_LIMIT));

    rt().updateContainerResources(
            UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(ctr)
                .setLinux(LinuxContainerResources.newBuilder().putUnified("pids.max", "48"))
                .build());
    assertThat(cgroupFile(ctr, "pids", "pids.max")).isEqualTo("48");
    assertThat(status(ctr).getResources().getLinux().getUnifiedMap())
        .containsEntry("pids.max", "48");

    rt().updateContainerResources(
            UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(ctr)
                .setLinux(LinuxContainerResources.newBuilder().setMemoryLimitInBytes(96 * MIB))
                .build());
    assertThat(cgroupFile(ctr, "pids", "pids.max")).isEqualTo(Long.toString(DEFAULT_PIDS_LIMIT));
    assertThat(cgroupFile(ctr, "memory", "memory.limit_in_bytes"))
        .isEqualTo(Long.toString(96 * MIB));
  }

  @Test
  void v2OnlyUnifiedKeysAreInvalidOnThisV1HostAndLeaveNothing() throws Exception {
    runPod("res-unified");
    var config = CriRequests.container("v2only", busybox.image(), "sleep", "3600");
    config
        .getLinuxBuilder()
        .setResources(LinuxContainerResources.newBuilder().putUnified("memory.high", "1048576"));
    StatusRuntimeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            StatusRuntimeException.class,
            () ->
                rt().createContainer(
                        CreateContainerRequest.newBuilder()
                            .setPodSandboxId(pod)
                            .setConfig(config)
                            .setSandboxConfig(podConfig)
                            .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription()).contains("memory.high").contains("cgroup v2");
    assertThat(
            rt().listContainers(io.tessera.cri.v1.ListContainersRequest.getDefaultInstance())
                .getContainersList())
        .noneMatch(c -> c.getPodSandboxId().equals(pod));

    String ctr =
        runContainer(
            "ok", LinuxContainerResources.newBuilder().setCpuShares(256).build(), "sleep", "3600");
    assertThat(
            codeOf(
                () ->
                    rt().updateContainerResources(
                            UpdateContainerResourcesRequest.newBuilder()
                                .setContainerId(ctr)
                                .setLinux(
                                    LinuxContainerResources.newBuilder()
                                        .setCpuShares(512)
                                        .putUnified("cpu.weight", "50"))
                                .build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(cgroupFile(ctr, "cpu", "cpu.shares")).isEqualTo("256");
  }

  @Test
  void memorySwapAndCpusetMemsLandInTheirFiles() throws Exception {
    runPod("res-swap");
    String ctr =
        runContainer(
            "swap",
            LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(64 * MIB)
                .setMemorySwapLimitInBytes(128 * MIB)
                .setCpusetCpus("0")
                .setCpusetMems("0")
                .setCpuShares(2)
                .build(),
            "sleep",
            "3600");
    assertThat(cgroupFile(ctr, "memory", "memory.limit_in_bytes"))
        .isEqualTo(Long.toString(64 * MIB));
    assertThat(cgroupFile(ctr, "memory", "memory.memsw.limit_in_bytes"))
        .isEqualTo(Long.toString(128 * MIB));
    assertThat(cgroupFile(ctr, "cpuset", "cpuset.mems")).isEqualTo("0");
    assertThat(cgroupFile(ctr, "cpu", "cpu.shares")).isEqualTo("2");
  }

  @Test
  void podCgroupTesseraCreatesGetsThePodsResourcesPlusOverhead() throws Exception {
    podConfig =
        CriRequests.podSandbox("res-podlimits", busybox.logs()).build().toBuilder()
            .setLinux(
                CriRequests.podSandbox("res-podlimits", busybox.logs())
                    .build()
                    .getLinux()
                    .toBuilder()
                    .setResources(
                        LinuxContainerResources.newBuilder()
                            .setMemoryLimitInBytes(128 * MIB)
                            .setCpuQuota(100_000)
                            .setCpuPeriod(100_000)
                            .setCpuShares(1024))
                    .setOverhead(
                        LinuxContainerResources.newBuilder()
                            .setMemoryLimitInBytes(32 * MIB)
                            .setCpuQuota(10_000)
                            .setCpuPeriod(100_000)
                            .setCpuShares(128)))
            .build();
    pod = busybox.runPod(podConfig);
    String podCgroup = "/tessera/" + pod;
    assertThat(
            Files.readString(Path.of("/sys/fs/cgroup/memory" + podCgroup, "memory.limit_in_bytes"))
                .trim())
        .isEqualTo(Long.toString(160 * MIB));
    assertThat(
            Files.readString(Path.of("/sys/fs/cgroup/cpu" + podCgroup, "cpu.cfs_quota_us")).trim())
        .isEqualTo("110000");
    assertThat(Files.readString(Path.of("/sys/fs/cgroup/cpu" + podCgroup, "cpu.shares")).trim())
        .isEqualTo("1152");
    // A container inside runs under the pod's limits.
    String ctr =
        runContainer(
            "inside",
            LinuxContainerResources.newBuilder().setMemoryLimitInBytes(64 * MIB).build(),
            "sleep",
            "3600");
    assertThat(cgroupDir(ctr, "memory").toString())
        .startsWith("/sys/fs/cgroup/memory" + podCgroup + "/");
  }

  /**
   * Four busy threads under a 0.5 CPU quota: the rate ContainerStats reports stays at the quota. An
   * enforcement check, not a benchmark: only "not above" is asserted tightly; the lower bound is
   * loose for a loaded machine.
   */
  @Test
  void cpuQuotaHoldsFourBusyThreadsToHalfACore() throws Exception {
    runPod("res-cpuquota");
    String ctr =
        runContainer(
            "burner",
            LinuxContainerResources.newBuilder().setCpuQuota(50_000).setCpuPeriod(100_000).build(),
            "sh",
            "-c",
            "for i in 1 2 3 4; do sh -c 'while :; do :; done' & done; wait");
    assertThat(cgroupFile(ctr, "cpu", "cpu.cfs_quota_us")).isEqualTo("50000");
    await().atMost(Duration.ofSeconds(60)).until(() -> pidsCurrent(ctr) >= 5);

    // Distinct samples of the daemon's sampler, after the first (which spans the start-up).
    List<io.tessera.cri.v1.CpuUsage> samples = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              io.tessera.cri.v1.CpuUsage u =
                  rt().containerStats(
                          io.tessera.cri.v1.ContainerStatsRequest.newBuilder()
                              .setContainerId(ctr)
                              .build())
                      .getStats()
                      .getCpu();
              if (u.hasUsageNanoCores()
                  && (samples.isEmpty()
                      || u.getTimestamp() != samples.get(samples.size() - 1).getTimestamp())) {
                samples.add(u);
              }
              return samples.size() >= 7;
            });
    List<io.tessera.cri.v1.CpuUsage> steady = samples.subList(2, samples.size());
    double meanCores =
        steady.stream().mapToLong(u -> u.getUsageNanoCores().getValue()).average().orElseThrow()
            / 1e9;
    io.tessera.cri.v1.CpuUsage first = steady.get(0);
    io.tessera.cri.v1.CpuUsage last = steady.get(steady.size() - 1);
    double windowCores =
        (double)
                (last.getUsageCoreNanoSeconds().getValue()
                    - first.getUsageCoreNanoSeconds().getValue())
            / (last.getTimestamp() - first.getTimestamp());
    System.out.printf(
        "cpu quota 0.5: usage_nano_cores mean %.3f cores, cumulative %.3f cores over %d samples%n",
        meanCores, windowCores, steady.size());
    // The lower bound only proves the threads ran: on a shared 2-core machine the pod's cgroup
    // competes at the root with every busy build thread, so its share can be small.
    assertThat(meanCores).isLessThan(0.65).isGreaterThan(0.02);
    assertThat(windowCores).isLessThan(0.65).isGreaterThan(0.02);
  }

  /**
   * On this hybrid host hugetlb is a v2 controller only, which runc does not set for a v1
   * container: the daemon sets hugetlb.SIZE.max of the container's v2 cgroup itself, at create and
   * update. With a v1 hugetlb hierarchy runc sets hugetlb.SIZE.limit_in_bytes.
   */
  @Test
  void hugepageLimitsLandInTheHugetlbController() throws Exception {
    runPod("res-hugepages");
    String ctr =
        runContainer(
            "huge",
            LinuxContainerResources.newBuilder()
                .addHugepageLimits(
                    io.tessera.cri.v1.HugepageLimit.newBuilder().setPageSize("2MB").setLimit(0))
                .build(),
            "sleep",
            "3600");
    boolean v1Hugetlb = Files.isDirectory(Path.of("/sys/fs/cgroup/hugetlb"));
    assertThat(hugetlbLimit(ctr, v1Hugetlb)).isEqualTo("0");

    rt().updateContainerResources(
            UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(ctr)
                .setLinux(
                    LinuxContainerResources.newBuilder()
                        .addHugepageLimits(
                            io.tessera.cri.v1.HugepageLimit.newBuilder()
                                .setPageSize("2MB")
                                .setLimit(4 * MIB)))
                .build());
    assertThat(hugetlbLimit(ctr, v1Hugetlb)).isEqualTo(Long.toString(4 * MIB));
    assertThat(status(ctr).getResources().getLinux().getHugepageLimits(0).getLimit())
        .isEqualTo(4 * MIB);
  }

  private static String hugetlbLimit(String ctr, boolean v1Hugetlb) throws Exception {
    if (v1Hugetlb) {
      return cgroupFile(ctr, "hugetlb", "hugetlb.2MB.limit_in_bytes");
    }
    String v2Path =
        Files.readAllLines(Path.of("/proc/" + hostPid(ctr) + "/cgroup")).stream()
            .filter(l -> l.startsWith("0::"))
            .map(l -> l.substring(3))
            .findFirst()
            .orElseThrow();
    return Files.readString(Path.of("/sys/fs/cgroup/unified" + v2Path, "hugetlb.2MB.max")).trim();
  }

  @Test
  void systemdDriverWithoutSystemdAsPid1StopsStartUpWithExit2() throws Exception {
    assertThat(
            rt().runtimeConfig(io.tessera.cri.v1.RuntimeConfigRequest.getDefaultInstance())
                .getLinux()
                .getCgroupDriver())
        .isEqualTo(io.tessera.cri.v1.CgroupDriver.CGROUPFS);
    assertThat(Path.of("/run/systemd/system")).as("this host runs without systemd").doesNotExist();
    DaemonDirs other = DaemonDirs.create();
    try {
      Files.writeString(other.config(), "metrics_address = \"\"\ncgroup_driver = \"systemd\"\n");
      TesseraProcess d = TesseraProcess.start(other, List.of());
      assertThat(d.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(d.logs()).contains("needs systemd as PID 1");
      assertThat(other.socket()).doesNotExist();
    } finally {
      other.delete();
    }
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
