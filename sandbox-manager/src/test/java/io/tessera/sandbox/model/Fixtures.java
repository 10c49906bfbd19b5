package io.tessera.sandbox.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Domain objects for tests: every field set to a value that differs from its default. */
public final class Fixtures {
  public static final String POD_ID = "a".repeat(63) + "1";
  public static final String CONTAINER_ID = "c".repeat(63) + "1";
  public static final long T0 = 1_700_000_000_000_000_000L;

  private Fixtures() {}

  public static LinuxContainerResources resources(long shares) {
    return LinuxContainerResources.builder()
        .cpuPeriod(100_000)
        .cpuQuota(50_000)
        .cpuShares(shares)
        .memoryLimitInBytes(256L << 20)
        .oomScoreAdj(-997)
        .cpusetCpus("0-3,6")
        .cpusetMems("0")
        .hugepageLimits(List.of(new HugepageLimit("2MB", 4L << 20), new HugepageLimit("1GB", 0)))
        .unified(Map.of("memory.high", "1073741824", "pids.max", "100"))
        .memorySwapLimitInBytes(512L << 20)
        .build();
  }

  public static NamespaceOptions namespaces() {
    return new NamespaceOptions(
        NamespaceMode.NODE,
        NamespaceMode.TARGET,
        NamespaceMode.CONTAINER,
        "b".repeat(64),
        Optional.of(
            new UserNamespace(
                NamespaceMode.POD,
                List.of(new IdMapping(100000, 0, 65536)),
                List.of(new IdMapping(200000, 0, 65536), new IdMapping(0, 70000, 1)))));
  }

  public static PodSandboxConfig podConfig(String name) {
    return PodSandboxConfig.builder(new PodSandboxMetadata(name, "uid-" + name, "default", 3))
        .hostname(name + "-host")
        .logDirectory("/var/log/pods/default_" + name)
        .dnsConfig(
            Optional.of(
                new DnsConfig(
                    List.of("10.96.0.10", "fd00::a"),
                    List.of("default.svc.cluster.local", "svc.cluster.local"),
                    List.of("ndots:5", "edns0"))))
        .portMappings(
            List.of(
                new PortMapping(Protocol.TCP, 80, 8080, "127.0.0.1"),
                new PortMapping(Protocol.SCTP, 9000, 0, "")))
        .labels(Map.of("app", name, "tier", "web"))
        .annotations(Map.of("kubernetes.io/config.seen", "2026-12-04T10:00:00Z", "empty", ""))
        .linux(
            new LinuxPodSandboxConfig(
                "/kubepods/burstable/pod" + name,
                LinuxSandboxSecurityContext.builder()
                    .namespaceOptions(namespaces())
                    .seLinuxOptions(
                        Optional.of(new SeLinuxOption("system_u", "system_r", "spc_t", "s0:c1,c2")))
                    .runAsUser(OptionalLong.of(1000))
                    .runAsGroup(OptionalLong.of(2000))
                    .readonlyRootfs(true)
                    .supplementalGroups(List.of(3000L, 4000L))
                    .supplementalGroupsPolicy(SupplementalGroupsPolicy.STRICT)
                    .privileged(true)
                    .seccomp(
                        Optional.of(SecurityProfile.localhost("/var/lib/kubelet/seccomp/a.json")))
                    .apparmor(Optional.of(SecurityProfile.unconfined()))
                    .build(),
                Map.of("net.ipv4.ip_forward", "1", "kernel.shm_rmid_forced", "1"),
                Optional.of(resources(128)),
                Optional.of(resources(2048))))
        .build();
  }

  public static PodSandboxRuntimeFacts podFacts(String id) {
    Path run = Path.of("/run/tessera/pods", id);
    return PodSandboxRuntimeFacts.builder()
        .namespacePath(NamespaceType.NETWORK, run.resolve("ns/net"))
        .namespacePath(NamespaceType.IPC, run.resolve("ns/ipc"))
        .namespacePath(NamespaceType.UTS, run.resolve("ns/uts"))
        .namespacePath(NamespaceType.PID, run.resolve("ns/pid"))
        .infraPid(OptionalLong.of(4242))
        .cgroupPath(Optional.of("/kubepods/burstable/pod-x"))
        .hostsPath(Optional.of(run.resolve("hosts")))
        .resolvConfPath(Optional.of(run.resolve("resolv.conf")))
        .hostnamePath(Optional.of(run.resolve("hostname")))
        .shmPath(Optional.of(run.resolve("shm")))
        .ips(PodIps.of("10.88.0.7", "fd00::7", "10.89.0.7"))
        .build();
  }

  /** A pod with every field set, READY. */
  public static PodSandbox pod(String id, String name, long createdAt) {
    PodSandboxConfig config = podConfig(name);
    return PodSandbox.builder()
        .id(id)
        .config(config)
        .runtimeHandler("runc")
        .createdAt(createdAt)
        .facts(podFacts(id))
        .status(PodSandboxStatus.ready(config.linux()))
        .build();
  }

  public static PodSandbox pod() {
    return pod(POD_ID, "web", T0);
  }

  /** A pod with only the required fields. */
  public static PodSandbox minimalPod(String id) {
    PodSandboxConfig config =
        PodSandboxConfig.builder(new PodSandboxMetadata("min", "", "", 0)).build();
    return PodSandbox.builder().id(id).config(config).runtimeHandler("runc").createdAt(1).build();
  }

  public static LinuxContainerSecurityContext containerSecurity() {
    return LinuxContainerSecurityContext.builder()
        .capabilities(
            new Capabilities(
                List.of("NET_ADMIN", "CAP_SYS_TIME"), List.of("ALL"), List.of("NET_BIND_SERVICE")))
        .privileged(true)
        .namespaceOptions(namespaces())
        .seLinuxOptions(Optional.of(new SeLinuxOption("u", "r", "t", "s0")))
        .runAsUsername(Optional.of("nobody"))
        .runAsGroup(OptionalLong.of(65534))
        .readonlyRootfs(true)
        .supplementalGroups(List.of(5L, 6L))
        .supplementalGroupsPolicy(SupplementalGroupsPolicy.STRICT)
        .noNewPrivs(true)
        .maskedPaths(List.of("/proc/kcore", "/sys/firmware"))
        .readonlyPaths(List.of("/proc/sys"))
        .seccomp(Optional.of(SecurityProfile.runtimeDefault()))
        .apparmor(Optional.of(SecurityProfile.localhost("k8s-apparmor-example")))
        .build();
  }

  public static ContainerConfig containerConfig(String name) {
    return ContainerConfig.builder(
            new ContainerMetadata(name, 2),
            new ImageSpec(
                "sha256:" + "e".repeat(64),
                Map.of("io.kubernetes.platform", "linux/amd64"),
                "busybox:1.36",
                "runc",
                ""))
        .command(List.of("/bin/sh", "-c"))
        .args(List.of("echo hi; sleep 1000"))
        .workingDir("/work")
        .envs(List.of(new KeyValue("B", "2"), new KeyValue("A", "1"), new KeyValue("B", "3")))
        .mounts(
            List.of(
                Mount.hostPath("/data", "/var/lib/kubelet/pods/x/volumes/data")
                    .readonly(true)
                    .selinuxRelabel(true)
                    .propagation(MountPropagation.PRIVATE)
                    .recursiveReadOnly(true)
                    .uidMappings(List.of(new IdMapping(100000, 0, 1000)))
                    .gidMappings(List.of(new IdMapping(100000, 0, 1000)))
                    .build(),
                Mount.hostPath("/shared", "/mnt/shared")
                    .propagation(MountPropagation.BIDIRECTIONAL)
                    .build(),
                Mount.hostPath("/host", "/mnt/host")
                    .propagation(MountPropagation.HOST_TO_CONTAINER)
                    .build(),
                Mount.image(
                        "/models",
                        new ImageSpec(
                            "sha256:" + "f".repeat(64), Map.of(), "models:v1", "", "sha256:abc"))
                    .imageSubPath("weights")
                    .build()))
        .devices(
            List.of(
                new Device("/dev/fuse", "/dev/fuse", "rwm"),
                new Device("/dev/x", "/dev/null", "r")))
        .labels(Map.of("io.kubernetes.container.name", name))
        .annotations(Map.of("io.kubernetes.container.hash", "1234"))
        .logPath(name + "/2.log")
        .stdin(true)
        .stdinOnce(true)
        .tty(true)
        .linux(new LinuxContainerConfig(Optional.of(resources(512)), containerSecurity()))
        .cdiDevices(List.of("vendor.com/gpu=0"))
        .stopSignal(Optional.of("SIGRTMINPLUS1"))
        .build();
  }

  public static ContainerRuntimeFacts containerFacts(String id) {
    return ContainerRuntimeFacts.builder()
        .imageId("sha256:" + "e".repeat(64))
        .imageRef("docker.io/library/busybox@sha256:" + "d".repeat(64))
        .runtimeHandler("runc")
        .runtimePath(Path.of("/usr/sbin/runc"))
        .runtimeRoot(Optional.of(Path.of("/run/tessera/runc")))
        .bundleDir(Path.of("/var/lib/tessera/containers", id))
        .rootfs(Path.of("/var/lib/tessera/containers", id, "rootfs"))
        .snapshotKey(id)
        .conmonPid(OptionalLong.of(777))
        .logPath(Optional.of(Path.of("/var/log/pods/default_web/app/2.log")))
        .user(Optional.of(new LinuxContainerUser(65534, 65534, List.of(5L, 6L, 65534L))))
        .stopSignal("SIGRTMINPLUS1")
        .build();
  }

  /** A container with every field set, EXITED with an OOM kill after running. */
  public static Container container(String id, String podId, String name, long createdAt) {
    ContainerStatus status =
        ContainerStatus.created(createdAt, Optional.of(resources(512)))
            .withStarted(createdAt + 10, 31337)
            .withExited(createdAt + 20, 137, ContainerStatus.REASON_OOM_KILLED, "killed by OOM");
    return new Container(id, podId, containerConfig(name), containerFacts(id), status);
  }

  public static Container container() {
    return container(CONTAINER_ID, POD_ID, "app", T0 + 100);
  }

  /** A container with only the required fields, CREATED. */
  public static Container minimalContainer(String id, String podId) {
    ContainerConfig config =
        ContainerConfig.builder(new ContainerMetadata("min", 0), ImageSpec.of("busybox")).build();
    ContainerRuntimeFacts facts =
        ContainerRuntimeFacts.builder()
            .imageId("sha256:" + "1".repeat(64))
            .runtimeHandler("runc")
            .runtimePath(Path.of("/usr/sbin/runc"))
            .bundleDir(Path.of("/b"))
            .rootfs(Path.of("/b/rootfs"))
            .snapshotKey(id)
            .build();
    return new Container(id, podId, config, facts, ContainerStatus.created(1, Optional.empty()));
  }
}
