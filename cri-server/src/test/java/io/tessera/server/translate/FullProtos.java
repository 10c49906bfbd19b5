package io.tessera.server.translate;

import io.tessera.cri.v1.CDIDevice;
import io.tessera.cri.v1.Capability;
import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ContainerMetadata;
import io.tessera.cri.v1.DNSConfig;
import io.tessera.cri.v1.Device;
import io.tessera.cri.v1.HugepageLimit;
import io.tessera.cri.v1.IDMapping;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.Int64Value;
import io.tessera.cri.v1.KeyValue;
import io.tessera.cri.v1.LinuxContainerConfig;
import io.tessera.cri.v1.LinuxContainerResources;
import io.tessera.cri.v1.LinuxContainerSecurityContext;
import io.tessera.cri.v1.LinuxPodSandboxConfig;
import io.tessera.cri.v1.LinuxSandboxSecurityContext;
import io.tessera.cri.v1.Mount;
import io.tessera.cri.v1.MountPropagation;
import io.tessera.cri.v1.NamespaceMode;
import io.tessera.cri.v1.NamespaceOption;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxMetadata;
import io.tessera.cri.v1.PortMapping;
import io.tessera.cri.v1.Protocol;
import io.tessera.cri.v1.SELinuxOption;
import io.tessera.cri.v1.SecurityProfile;
import io.tessera.cri.v1.Signal;
import io.tessera.cri.v1.SupplementalGroupsPolicy;
import io.tessera.cri.v1.UserNamespace;
import java.util.Set;

/** CRI requests with every field the domain carries set to a non-default value. */
final class FullProtos {
  /** Fields the domain does not carry (Windows) or that exclude a set one (run_as_username). */
  static final Set<String> NOT_CARRIED =
      Set.of(
          "runtime.v1.PodSandboxConfig.windows",
          "runtime.v1.ContainerConfig.windows",
          "runtime.v1.ContainerResources.windows",
          "runtime.v1.LinuxContainerSecurityContext.run_as_username");

  static final String TARGET_ID = "b".repeat(64);

  private FullProtos() {}

  static NamespaceOption namespaceOption() {
    return NamespaceOption.newBuilder()
        .setNetwork(NamespaceMode.NODE)
        .setPid(NamespaceMode.TARGET)
        .setIpc(NamespaceMode.CONTAINER)
        .setTargetId(TARGET_ID)
        .setUsernsOptions(
            UserNamespace.newBuilder()
                .setMode(NamespaceMode.NODE)
                .addUids(idMapping(100000, 1, 65536))
                .addGids(idMapping(200000, 2, 65535)))
        .build();
  }

  static IDMapping idMapping(int host, int container, int length) {
    return IDMapping.newBuilder()
        .setHostId(host)
        .setContainerId(container)
        .setLength(length)
        .build();
  }

  static SELinuxOption seLinux() {
    return SELinuxOption.newBuilder()
        .setUser("system_u")
        .setRole("system_r")
        .setType("container_t")
        .setLevel("s0:c1,c2")
        .build();
  }

  static LinuxContainerResources resources(long cpuShares) {
    return LinuxContainerResources.newBuilder()
        .setCpuPeriod(100000)
        .setCpuQuota(50000)
        .setCpuShares(cpuShares)
        .setMemoryLimitInBytes(256L << 20)
        .setOomScoreAdj(-500)
        .setCpusetCpus("0-3,6")
        .setCpusetMems("0")
        .addHugepageLimits(HugepageLimit.newBuilder().setPageSize("2MB").setLimit(4L << 20))
        .putUnified("memory.high", "1073741824")
        .setMemorySwapLimitInBytes(512L << 20)
        .build();
  }

  @SuppressWarnings("deprecation") // sets seccomp_profile_path to prove the structured one wins
  static PodSandboxConfig podSandboxConfig() {
    return PodSandboxConfig.newBuilder()
        .setMetadata(
            PodSandboxMetadata.newBuilder()
                .setName("web")
                .setUid("uid-1")
                .setNamespace("default")
                .setAttempt(3))
        .setHostname("web-host")
        .setLogDirectory("/var/log/pods/default_web_uid-1")
        .setDnsConfig(
            DNSConfig.newBuilder()
                .addServers("10.0.0.10")
                .addSearches("default.svc.cluster.local")
                .addOptions("ndots:5"))
        .addPortMappings(
            PortMapping.newBuilder()
                .setProtocol(Protocol.UDP)
                .setContainerPort(53)
                .setHostPort(5353)
                .setHostIp("127.0.0.1"))
        .putLabels("app", "web")
        .putAnnotations("note", "x")
        .setLinux(
            LinuxPodSandboxConfig.newBuilder()
                .setCgroupParent("/kubepods/besteffort/poduid-1")
                .setSecurityContext(
                    LinuxSandboxSecurityContext.newBuilder()
                        .setNamespaceOptions(namespaceOption())
                        .setSelinuxOptions(seLinux())
                        .setRunAsUser(Int64Value.newBuilder().setValue(1000))
                        .setRunAsGroup(Int64Value.newBuilder().setValue(2000))
                        .setReadonlyRootfs(true)
                        .addSupplementalGroups(3000)
                        .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict)
                        .setPrivileged(true)
                        .setSeccomp(
                            SecurityProfile.newBuilder()
                                .setProfileType(SecurityProfile.ProfileType.Localhost)
                                .setLocalhostRef("/var/lib/kubelet/seccomp/pod.json"))
                        .setApparmor(
                            SecurityProfile.newBuilder()
                                .setProfileType(SecurityProfile.ProfileType.Unconfined))
                        .setSeccompProfilePath("unconfined"))
                .putSysctls("net.ipv4.ip_forward", "1")
                .setOverhead(resources(2))
                .setResources(resources(1024)))
        .build();
  }

  static ImageSpec imageSpec(String image) {
    return ImageSpec.newBuilder()
        .setImage(image)
        .putAnnotations("image.note", "y")
        .setUserSpecifiedImage("busybox")
        .setRuntimeHandler("runc")
        .setImageRef("sha256:" + "c".repeat(64))
        .build();
  }

  @SuppressWarnings("deprecation") // sets the deprecated strings to prove the structured ones win
  static ContainerConfig containerConfig() {
    return ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName("app").setAttempt(2))
        .setImage(imageSpec("docker.io/library/busybox:1.36"))
        .addCommand("/bin/sh")
        .addArgs("-c")
        .addArgs("sleep 1")
        .setWorkingDir("/work")
        .addEnvs(KeyValue.newBuilder().setKey("A").setValue("1"))
        .addEnvs(KeyValue.newBuilder().setKey("A").setValue("2"))
        .addMounts(
            Mount.newBuilder()
                .setContainerPath("/data")
                .setHostPath("/srv/data")
                .setReadonly(true)
                .setSelinuxRelabel(true)
                .setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL)
                .addUidMappings(idMapping(100000, 1, 1000))
                .addGidMappings(idMapping(100000, 1, 1001)))
        .addMounts(
            Mount.newBuilder()
                .setContainerPath("/models")
                .setReadonly(true)
                .setRecursiveReadOnly(true)
                .setPropagation(MountPropagation.PROPAGATION_PRIVATE)
                .setImage(imageSpec("registry.local/models:v1"))
                .setImageSubPath("weights"))
        .addDevices(
            Device.newBuilder()
                .setContainerPath("/dev/fuse")
                .setHostPath("/dev/fuse")
                .setPermissions("rwm"))
        .putLabels("io.kubernetes.container.name", "app")
        .putAnnotations("io.kubernetes.container.hash", "abc")
        .setLogPath("app/2.log")
        .setStdin(true)
        .setStdinOnce(true)
        .setTty(true)
        .setLinux(
            LinuxContainerConfig.newBuilder()
                .setResources(resources(512))
                .setSecurityContext(
                    LinuxContainerSecurityContext.newBuilder()
                        .setCapabilities(
                            Capability.newBuilder()
                                .addAddCapabilities("NET_ADMIN")
                                .addDropCapabilities("ALL")
                                .addAddAmbientCapabilities("CAP_NET_BIND_SERVICE"))
                        .setPrivileged(true)
                        .setNamespaceOptions(namespaceOption())
                        .setSelinuxOptions(seLinux())
                        .setRunAsUser(Int64Value.newBuilder().setValue(1001))
                        .setRunAsGroup(Int64Value.newBuilder().setValue(1002))
                        .setReadonlyRootfs(true)
                        .addSupplementalGroups(1003)
                        .setSupplementalGroupsPolicy(SupplementalGroupsPolicy.Strict)
                        .setNoNewPrivs(true)
                        .addMaskedPaths("/proc/kcore")
                        .addReadonlyPaths("/proc/sys")
                        .setSeccomp(
                            SecurityProfile.newBuilder()
                                .setProfileType(SecurityProfile.ProfileType.Localhost)
                                .setLocalhostRef("/var/lib/kubelet/seccomp/app.json"))
                        .setApparmor(
                            SecurityProfile.newBuilder()
                                .setProfileType(SecurityProfile.ProfileType.Localhost)
                                .setLocalhostRef("k8s-app"))
                        .setApparmorProfile("unconfined")
                        .setSeccompProfilePath("unconfined")))
        .addCDIDevices(CDIDevice.newBuilder().setName("vendor.com/gpu=0"))
        .setStopSignal(Signal.SIGRTMINPLUS1)
        .build();
  }
}
