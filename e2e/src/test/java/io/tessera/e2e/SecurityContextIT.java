package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.Capability;
import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.Int64Value;
import io.tessera.cri.v1.LinuxContainerResources;
import io.tessera.cri.v1.LinuxContainerSecurityContext;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.SecurityProfile;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each option of a container's Linux security context, through the real daemon, runc and conmon,
 * proven by kernel facts: the container process's /proc status, its mounts, and what it may do.
 */
class SecurityContextIT {
  @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  /** containerd's 14 default capabilities, by number. */
  private static final List<Integer> DEFAULT_CAPS =
      List.of(0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31);

  private static final int CAP_CHOWN = 0;
  private static final int CAP_NET_BIND_SERVICE = 10;
  private static final int CAP_SYS_ADMIN = 21;

  @TempDir static Path work;
  static TestRegistry registry;
  static String image;
  static Path logs;
  static PodSandboxConfig podConfig;
  static String pod;
  static PodSandboxConfig privilegedPodConfig;
  static String privilegedPod;

  @BeforeAll
  static void publishPullAndRunPods() throws Exception {
    PulledBusybox busybox = PulledBusybox.publishAndPull(daemon, work);
    registry = busybox.registry();
    image = busybox.image();
    logs = busybox.logs();
    podConfig = CriRequests.podSandbox("secctx", logs).build();
    pod = runPod(podConfig);
    PodSandboxConfig.Builder priv = CriRequests.podSandbox("privileged", logs).build().toBuilder();
    priv.getLinuxBuilder().getSecurityContextBuilder().setPrivileged(true);
    privilegedPodConfig = priv.build();
    privilegedPod = runPod(privilegedPodConfig);
  }

  @AfterAll
  static void removePodsAndStopRegistry() {
    try {
      for (String p : new String[] {pod, privilegedPod}) {
        if (p != null) {
          rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(p).build());
          rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p).build());
        }
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private static String runPod(PodSandboxConfig config) {
    return rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
        .getPodSandboxId();
  }

  /** Creates and starts {@code sleep 1000} in the plain pod with the security context changed. */
  private static String run(String name, UnaryOperator<LinuxContainerSecurityContext.Builder> sc) {
    return run(pod, podConfig, name, sc, c -> c);
  }

  private static String run(
      String inPod,
      PodSandboxConfig inPodConfig,
      String name,
      UnaryOperator<LinuxContainerSecurityContext.Builder> sc,
      UnaryOperator<ContainerConfig.Builder> more) {
    ContainerConfig.Builder config = CriRequests.container(name, image, "sleep", "1000");
    sc.apply(config.getLinuxBuilder().getSecurityContextBuilder());
    more.apply(config);
    String id =
        rt().createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(inPod)
                    .setConfig(config)
                    .setSandboxConfig(inPodConfig)
                    .build())
            .getContainerId();
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  private static ExecSyncResponse exec(String id, String... cmd) {
    return rt().execSync(
            ExecSyncRequest.newBuilder()
                .setContainerId(id)
                .addAllCmd(List.of(cmd))
                .setTimeout(10)
                .build());
  }

  private static String out(String id, String... cmd) {
    ExecSyncResponse r = exec(id, cmd);
    assertThat(r.getExitCode()).as("%s: %s", List.of(cmd), r.getStderr().toStringUtf8()).isZero();
    return r.getStdout().toStringUtf8();
  }

  private static long hostPid(String id) {
    String info =
        rt().containerStatus(
                ContainerStatusRequest.newBuilder().setContainerId(id).setVerbose(true).build())
            .getInfoMap()
            .get("info");
    return Long.parseLong(info.replaceAll("(?s).*\"pid\":(\\d+).*", "$1"));
  }

  /** One line's value of /proc/{pid}/status, e.g. "CapEff". */
  private static String status(long pid, String key) {
    try {
      return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
          .filter(l -> l.startsWith(key + ":"))
          .map(l -> l.substring(key.length() + 1).strip())
          .findFirst()
          .orElseThrow(() -> new AssertionError("no " + key + " in /proc/" + pid + "/status"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String status(String id, String key) {
    return status(hostPid(id), key);
  }

  private static long capEff(String id) {
    return Long.parseUnsignedLong(status(id, "CapEff"), 16);
  }

  private static long mask(List<Integer> bits) {
    return bits.stream().mapToLong(b -> 1L << b).reduce(0, (a, b) -> a | b);
  }

  private static String mountLine(String id, String mountPoint) {
    return out(id, "cat", "/proc/self/mounts")
        .lines()
        .filter(l -> l.split(" ")[1].equals(mountPoint))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError(mountPoint + " is not a mount point"));
  }

  private static String mountOptions(String id, String mountPoint) {
    return mountLine(id, mountPoint).split(" ")[3];
  }

  @Test
  void runAsUserGroupAndSupplementalGroups() {
    String ctr =
        run(
            "ids",
            sc ->
                sc.setRunAsUser(Int64Value.newBuilder().setValue(1234))
                    .setRunAsGroup(Int64Value.newBuilder().setValue(2345))
                    .addSupplementalGroups(3000)
                    .addSupplementalGroups(50));
    assertThat(status(ctr, "Uid")).isEqualTo("1234\t1234\t1234\t1234");
    assertThat(status(ctr, "Gid")).isEqualTo("2345\t2345\t2345\t2345");
    assertThat(status(ctr, "Groups")).isEqualTo("50 2345 3000");
    // Exec runs as the container's user too.
    assertThat(out(ctr, "id", "-u")).isEqualTo("1234\n");
    assertThat(out(ctr, "id", "-g")).isEqualTo("2345\n");
    assertThat(out(ctr, "id", "-G").strip().split(" "))
        .containsExactlyInAnyOrder("50", "2345", "3000");
  }

  @Test
  void runAsUsernameIsResolvedInTheImagesPasswd() {
    String ctr = run("named", sc -> sc.setRunAsUsername("user"));
    assertThat(status(ctr, "Uid")).isEqualTo("1000\t1000\t1000\t1000");
    assertThat(status(ctr, "Gid")).isEqualTo("1000\t1000\t1000\t1000");
    assertThat(out(ctr, "id", "-u")).isEqualTo("1000\n");
  }

  @Test
  void anUnknownUsernameOrAPrivilegedContainerInAPlainPodIsRefused() {
    assertThat(codeOf(() -> run("nobody", sc -> sc.setRunAsUsername("nobody-here"))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(codeOf(() -> run("sneaky", sc -> sc.setPrivileged(true))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
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
  void runAsGroupOverridesTheUsernamesGroupAndPodGroupsAreAdded() {
    String named =
        run(
            "named-group",
            sc -> sc.setRunAsUsername("user").setRunAsGroup(Int64Value.newBuilder().setValue(50)));
    assertThat(status(named, "Uid")).isEqualTo("1000\t1000\t1000\t1000");
    assertThat(status(named, "Gid")).isEqualTo("50\t50\t50\t50");

    PodSandboxConfig.Builder grouped = CriRequests.podSandbox("groups", logs).build().toBuilder();
    grouped.getLinuxBuilder().getSecurityContextBuilder().addSupplementalGroups(4000);
    PodSandboxConfig groupedConfig = grouped.build();
    String groupedPod = runPod(groupedConfig);
    try {
      String ctr =
          run(
              groupedPod,
              groupedConfig,
              "pod-groups",
              sc -> sc.setRunAsUser(Int64Value.newBuilder().setValue(1000)),
              c -> c);
      assertThat(status(ctr, "Groups")).isEqualTo("1000 4000");
    } finally {
      rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(groupedPod).build());
      rt().removePodSandbox(
              RemovePodSandboxRequest.newBuilder().setPodSandboxId(groupedPod).build());
    }
  }

  @Test
  void withoutAUserTheImagesDefaultIsRoot() {
    String ctr = run("root", sc -> sc);
    assertThat(status(ctr, "Uid")).isEqualTo("0\t0\t0\t0");
    assertThat(status(ctr, "Gid")).isEqualTo("0\t0\t0\t0");
    assertThat(out(ctr, "id", "-u")).isEqualTo("0\n");
  }

  @Test
  void defaultCapabilitiesAreContainerdsFourteen() {
    String ctr = run("caps-default", sc -> sc);
    assertThat(capEff(ctr)).isEqualTo(mask(DEFAULT_CAPS)).isEqualTo(0xa80425fbL);
    assertThat(Long.parseUnsignedLong(status(ctr, "CapBnd"), 16)).isEqualTo(mask(DEFAULT_CAPS));
    assertThat(status(ctr, "CapAmb")).isEqualTo("0000000000000000");
  }

  @Test
  void capabilitiesAddAndDrop() {
    String added =
        run(
            "caps-add",
            sc -> sc.setCapabilities(Capability.newBuilder().addAddCapabilities("SYS_ADMIN")));
    assertThat(capEff(added)).isEqualTo(mask(DEFAULT_CAPS) | 1L << CAP_SYS_ADMIN);

    String dropped =
        run(
            "caps-drop",
            sc -> sc.setCapabilities(Capability.newBuilder().addDropCapabilities("CAP_CHOWN")));
    assertThat(capEff(dropped)).isEqualTo(mask(DEFAULT_CAPS) & ~(1L << CAP_CHOWN));

    String none =
        run(
            "caps-none",
            sc -> sc.setCapabilities(Capability.newBuilder().addDropCapabilities("ALL")));
    assertThat(capEff(none)).isZero();
    assertThat(Long.parseUnsignedLong(status(none, "CapBnd"), 16)).isZero();

    String only =
        run(
            "caps-only",
            sc ->
                sc.setCapabilities(
                    Capability.newBuilder()
                        .addDropCapabilities("ALL")
                        .addAddCapabilities("NET_BIND_SERVICE")));
    assertThat(capEff(only)).isEqualTo(1L << CAP_NET_BIND_SERVICE);
  }

  @Test
  void nonRootKeepsOnlyAmbientCapabilitiesAcrossExec() {
    // The kernel clears a non-root process's effective set on execve unless it is ambient.
    String plain = run("caps-user", sc -> sc.setRunAsUser(Int64Value.newBuilder().setValue(1000)));
    assertThat(capEff(plain)).isZero();
    assertThat(Long.parseUnsignedLong(status(plain, "CapBnd"), 16)).isEqualTo(mask(DEFAULT_CAPS));

    String ambient =
        run(
            "caps-ambient",
            sc ->
                sc.setRunAsUser(Int64Value.newBuilder().setValue(1000))
                    .setCapabilities(
                        Capability.newBuilder().addAddAmbientCapabilities("NET_BIND_SERVICE")));
    assertThat(capEff(ambient)).isEqualTo(1L << CAP_NET_BIND_SERVICE);
    assertThat(Long.parseUnsignedLong(status(ambient, "CapAmb"), 16))
        .isEqualTo(1L << CAP_NET_BIND_SERVICE);
  }

  @Test
  void privilegedHasEveryCapabilityRwSysHostDevicesAndNoMaskedPaths() {
    String ctr =
        run(
            privilegedPod,
            privilegedPodConfig,
            "priv",
            sc ->
                sc.setPrivileged(true)
                    .setSeccomp(
                        SecurityProfile.newBuilder()
                            .setProfileType(SecurityProfile.ProfileType.RuntimeDefault)),
            c -> c);
    // Privileged means unconfined whatever profile is asked for.
    assertThat(status(ctr, "Seccomp")).isEqualTo("0");
    // Every capability the daemon itself could grant (its bounding set).
    long daemonBounding = Long.parseUnsignedLong(status(daemon.process().pid(), "CapBnd"), 16);
    assertThat(capEff(ctr)).isEqualTo(daemonBounding);
    assertThat(mountOptions(ctr, "/sys")).startsWith("rw");
    assertThat(exec(ctr, "test", "-c", "/dev/kmsg").getExitCode()).isZero();
    assertThat(exec(ctr, "test", "-b", "/dev/loop0").getExitCode()).isZero();
    assertThat(out(ctr, "cat", "/proc/self/mounts")).doesNotContain(" /proc/keys ");
    assertThat(mountOptions(ctr, "/proc")).startsWith("rw");
    assertThat(out(ctr, "cat", "/proc/self/mounts")).doesNotContain(" /proc/sys ");

    // The same facts the other way round for a plain container.
    String plain = run("unpriv", sc -> sc);
    assertThat(mountOptions(plain, "/sys")).startsWith("ro");
    assertThat(exec(plain, "test", "-e", "/dev/kmsg").getExitCode()).isNotZero();
    assertThat(out(plain, "cat", "/proc/self/mounts")).contains(" /proc/keys ");
  }

  @Test
  void noNewPrivs() {
    assertThat(status(run("nnp", sc -> sc.setNoNewPrivs(true)), "NoNewPrivs")).isEqualTo("1");
    assertThat(status(run("nnp-off", sc -> sc.setNoNewPrivs(false)), "NoNewPrivs")).isEqualTo("0");
  }

  @Test
  void readonlyRootfs() {
    String ro = run("ro-root", sc -> sc.setReadonlyRootfs(true));
    assertThat(mountOptions(ro, "/")).startsWith("ro");
    // The pod's files follow the root: read-only too; the pod's /dev/shm stays writable.
    for (String f : List.of("/etc/hosts", "/etc/resolv.conf", "/etc/hostname")) {
      assertThat(mountOptions(ro, f)).as(f).startsWith("ro");
    }
    assertThat(exec(ro, "sh", "-c", "echo x >> /etc/hosts").getExitCode()).isNotZero();
    assertThat(exec(ro, "touch", "/dev/shm/x").getExitCode()).isZero();
    ExecSyncResponse touch = exec(ro, "touch", "/x");
    assertThat(touch.getExitCode()).isNotZero();
    assertThat(touch.getStderr().toStringUtf8()).contains("Read-only file system");

    String rw = run("rw-root", sc -> sc.setReadonlyRootfs(false));
    assertThat(mountOptions(rw, "/")).startsWith("rw");
    assertThat(exec(rw, "touch", "/x").getExitCode()).isZero();
  }

  @Test
  void maskedAndReadonlyPathsAsRequested() {
    List<String> masked =
        List.of(
            "/proc/asound",
            "/proc/acpi",
            "/proc/kcore",
            "/proc/keys",
            "/proc/latency_stats",
            "/proc/timer_list",
            "/proc/timer_stats",
            "/proc/sched_debug",
            "/proc/scsi",
            "/sys/firmware",
            "/sys/devices/virtual/powercap",
            "/proc/cpuinfo");
    List<String> readonly =
        List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");
    String ctr = run("paths", sc -> sc.addAllMaskedPaths(masked).addAllReadonlyPaths(readonly));
    assertThat(out(ctr, "cat", "/proc/cpuinfo")).isEmpty();
    // A masked directory is an empty read-only tmpfs.
    assertThat(mountLine(ctr, "/proc/acpi").split(" ")[2]).isEqualTo("tmpfs");
    assertThat(mountOptions(ctr, "/proc/acpi")).startsWith("ro");
    assertThat(out(ctr, "ls", "-A", "/proc/acpi")).isEmpty();
    assertThat(mountOptions(ctr, "/proc/bus")).startsWith("ro");
    assertThat(mountOptions(ctr, "/proc/sys")).startsWith("ro");
    assertThat(mountOptions(ctr, "/proc")).startsWith("rw");
    assertThat(exec(ctr, "sh", "-c", "echo 1 > /proc/sys/kernel/ns_last_pid").getExitCode())
        .isNotZero();

    String plain = run("paths-default", sc -> sc.addAllMaskedPaths(masked.subList(0, 11)));
    assertThat(out(plain, "cat", "/proc/cpuinfo")).isNotEmpty();
  }

  @Test
  void seccompProfiles() throws Exception {
    String def =
        run(
            "seccomp-default",
            sc ->
                sc.setSeccomp(
                    SecurityProfile.newBuilder()
                        .setProfileType(SecurityProfile.ProfileType.RuntimeDefault)));
    assertThat(status(def, "Seccomp")).isEqualTo("2");

    String unconfined =
        run(
            "seccomp-unconfined",
            sc ->
                sc.setSeccomp(
                    SecurityProfile.newBuilder()
                        .setProfileType(SecurityProfile.ProfileType.Unconfined)));
    assertThat(status(unconfined, "Seccomp")).isEqualTo("0");

    Path profile =
        Files.writeString(
            work.resolve("no-mkdir.json"),
            """
            {
              "defaultAction": "SCMP_ACT_ALLOW",
              "syscalls": [
                {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
              ]
            }
            """);
    String local =
        run(
            "seccomp-local",
            sc ->
                sc.setSeccomp(
                    SecurityProfile.newBuilder()
                        .setProfileType(SecurityProfile.ProfileType.Localhost)
                        .setLocalhostRef(profile.toString())));
    assertThat(status(local, "Seccomp")).isEqualTo("2");
    ExecSyncResponse mkdir = exec(local, "mkdir", "/tmp/x");
    assertThat(mkdir.getExitCode()).isNotZero();
    assertThat(mkdir.getStderr().toStringUtf8()).contains("Operation not permitted");
    assertThat(exec(local, "touch", "/tmp/y").getExitCode()).isZero();
    assertThat(exec(unconfined, "mkdir", "/tmp/x").getExitCode()).isZero();

    // The kubelet's older "localhost/<path>" form names the same file.
    String prefixed =
        run(
            "seccomp-prefixed",
            sc ->
                sc.setSeccomp(
                    SecurityProfile.newBuilder()
                        .setProfileType(SecurityProfile.ProfileType.Localhost)
                        .setLocalhostRef("localhost/" + profile)));
    assertThat(exec(prefixed, "mkdir", "/tmp/x").getExitCode()).isNotZero();

    assertThat(
            codeOf(
                () ->
                    run(
                        "seccomp-missing",
                        sc ->
                            sc.setSeccomp(
                                SecurityProfile.newBuilder()
                                    .setProfileType(SecurityProfile.ProfileType.Localhost)
                                    .setLocalhostRef(work.resolve("absent.json").toString())))))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void oomScoreAdjIsAppliedAndClampedToTheDaemons() throws Exception {
    String exact =
        run(
            pod,
            podConfig,
            "oom-500",
            sc -> sc,
            c -> {
              c.getLinuxBuilder()
                  .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(500));
              return c;
            });
    assertThat(Files.readString(Path.of("/proc/" + hostPid(exact) + "/oom_score_adj")).strip())
        .isEqualTo("500");

    String clamped =
        run(
            pod,
            podConfig,
            "oom-min",
            sc -> sc,
            c -> {
              c.getLinuxBuilder()
                  .setResources(LinuxContainerResources.newBuilder().setOomScoreAdj(-1000));
              return c;
            });
    int daemonAdj =
        Integer.parseInt(
            Files.readString(Path.of("/proc/" + daemon.process().pid() + "/oom_score_adj"))
                .strip());
    assertThat(daemonAdj).isGreaterThan(-1000);
    assertThat(
            Integer.parseInt(
                Files.readString(Path.of("/proc/" + hostPid(clamped) + "/oom_score_adj")).strip()))
        .isEqualTo(daemonAdj);
  }
}
