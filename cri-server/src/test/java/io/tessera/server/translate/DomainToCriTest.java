package io.tessera.server.translate;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.cri.v1.PodIP;
import io.tessera.cri.v1.Signal;
import io.tessera.kernel.net.InterfaceCounters;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerRuntimeFacts;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.ContainerStatus;
import io.tessera.sandbox.model.LinuxContainerUser;
import io.tessera.sandbox.model.MountPropagation;
import io.tessera.sandbox.model.NamespaceMode;
import io.tessera.sandbox.model.PendingOperation;
import io.tessera.sandbox.model.PodIps;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxConfig;
import io.tessera.sandbox.model.PodSandboxRuntimeFacts;
import io.tessera.sandbox.model.PodSandboxState;
import io.tessera.sandbox.model.PodSandboxStatus;
import io.tessera.sandbox.stats.ContainerStatsSample;
import io.tessera.sandbox.stats.PodSandboxStatsSample;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DomainToCriTest {
  static final String POD_ID = "a".repeat(64);
  static final String CONTAINER_ID = "d".repeat(64);
  static final String IMAGE_ID = "sha256:" + "e".repeat(64);
  static final String REPO_DIGEST = "docker.io/library/busybox@sha256:" + "f".repeat(64);
  static final long CREATED = 1_700_000_000_000_000_000L;

  static PodSandbox pod() {
    PodSandboxConfig config = CriToDomain.podSandboxConfig(FullProtos.podSandboxConfig());
    return PodSandbox.builder()
        .id(POD_ID)
        .config(config)
        .runtimeHandler("runc")
        .createdAt(CREATED)
        .facts(PodSandboxRuntimeFacts.builder().ips(PodIps.of("10.88.0.5", "fd00::5")).build())
        .status(PodSandboxStatus.ready(config.linux()).withState(PodSandboxState.NOTREADY))
        .build();
  }

  static ContainerRuntimeFacts.Builder facts() {
    return ContainerRuntimeFacts.builder()
        .imageId(IMAGE_ID)
        .imageRef(REPO_DIGEST)
        .runtimeHandler("runc")
        .runtimePath(Path.of("/usr/sbin/runc"))
        .bundleDir(Path.of("/var/lib/tessera/containers/d/bundle"))
        .rootfs(Path.of("/var/lib/tessera/containers/d/rootfs"))
        .snapshotKey("d")
        .logPath(Optional.of(Path.of("/var/log/pods/default_web_uid-1/app/2.log")))
        .user(Optional.of(new LinuxContainerUser(1001, 1002, List.of(1002L, 1003L))))
        .stopSignal("SIGRTMINPLUS1");
  }

  static Container exited() {
    ContainerConfig config = CriToDomain.containerConfig(FullProtos.containerConfig());
    ContainerStatus status =
        ContainerStatus.builder(ContainerState.EXITED, CREATED)
            .startedAt(CREATED + 1)
            .finishedAt(CREATED + 2)
            .exitCode(137)
            .reason(ContainerStatus.REASON_OOM_KILLED)
            .message("memory limit reached")
            .pid(4242)
            .resources(config.linux().resources())
            .pending(PendingOperation.NONE)
            .build();
    return new Container(CONTAINER_ID, POD_ID, config, facts().build(), status);
  }

  @Test
  void podSandboxListItemCarriesEveryField() {
    io.tessera.cri.v1.PodSandbox p = DomainToCri.podSandbox(pod());
    assertThat(ProtoCoverage.unsetFields(p, Set.of())).isEmpty();
    io.tessera.cri.v1.PodSandboxConfig request = FullProtos.podSandboxConfig();
    assertThat(p.getId()).isEqualTo(POD_ID);
    assertThat(p.getMetadata()).isEqualTo(request.getMetadata());
    assertThat(p.getState()).isEqualTo(io.tessera.cri.v1.PodSandboxState.SANDBOX_NOTREADY);
    assertThat(p.getCreatedAt()).isEqualTo(CREATED);
    assertThat(p.getLabelsMap()).isEqualTo(request.getLabelsMap());
    assertThat(p.getAnnotationsMap()).isEqualTo(request.getAnnotationsMap());
    assertThat(p.getRuntimeHandler()).isEqualTo("runc");
  }

  @Test
  void podSandboxStatusCarriesEveryFieldAndEchoesTheNamespaces() {
    io.tessera.cri.v1.PodSandboxStatus s = DomainToCri.podSandboxStatus(pod());
    assertThat(ProtoCoverage.unsetFields(s, Set.of())).isEmpty();
    io.tessera.cri.v1.PodSandboxConfig request = FullProtos.podSandboxConfig();
    assertThat(s.getId()).isEqualTo(POD_ID);
    assertThat(s.getMetadata()).isEqualTo(request.getMetadata());
    assertThat(s.getState()).isEqualTo(io.tessera.cri.v1.PodSandboxState.SANDBOX_NOTREADY);
    assertThat(s.getCreatedAt()).isEqualTo(CREATED);
    assertThat(s.getNetwork().getIp()).isEqualTo("10.88.0.5");
    assertThat(s.getNetwork().getAdditionalIpsList())
        .containsExactly(PodIP.newBuilder().setIp("fd00::5").build());
    assertThat(s.getLinux().getNamespaces().getOptions())
        .isEqualTo(request.getLinux().getSecurityContext().getNamespaceOptions());
    assertThat(s.getLabelsMap()).isEqualTo(request.getLabelsMap());
    assertThat(s.getAnnotationsMap()).isEqualTo(request.getAnnotationsMap());
    assertThat(s.getRuntimeHandler()).isEqualTo("runc");
  }

  @Test
  void aPodWithoutAddressesReportsAnEmptyIp() {
    PodSandbox pod = pod();
    PodSandbox hostNetwork =
        PodSandbox.builder()
            .id(pod.id())
            .config(pod.config())
            .runtimeHandler(pod.runtimeHandler())
            .createdAt(pod.createdAt())
            .build();
    io.tessera.cri.v1.PodSandboxStatus s = DomainToCri.podSandboxStatus(hostNetwork);
    assertThat(s.getNetwork().getIp()).isEmpty();
    assertThat(s.getNetwork().getAdditionalIpsList()).isEmpty();
    assertThat(s.getState()).isEqualTo(io.tessera.cri.v1.PodSandboxState.SANDBOX_READY);
  }

  @Test
  void containerListItemCarriesEveryField() {
    io.tessera.cri.v1.Container c = DomainToCri.container(exited());
    assertThat(ProtoCoverage.unsetFields(c, Set.of())).isEmpty();
    io.tessera.cri.v1.ContainerConfig request = FullProtos.containerConfig();
    assertThat(c.getId()).isEqualTo(CONTAINER_ID);
    assertThat(c.getPodSandboxId()).isEqualTo(POD_ID);
    assertThat(c.getMetadata()).isEqualTo(request.getMetadata());
    assertThat(c.getImage()).isEqualTo(request.getImage());
    assertThat(c.getImageRef()).isEqualTo(IMAGE_ID);
    assertThat(c.getImageId()).isEqualTo(IMAGE_ID);
    assertThat(c.getState()).isEqualTo(io.tessera.cri.v1.ContainerState.CONTAINER_EXITED);
    assertThat(c.getCreatedAt()).isEqualTo(CREATED);
    assertThat(c.getLabelsMap()).isEqualTo(request.getLabelsMap());
    assertThat(c.getAnnotationsMap()).isEqualTo(request.getAnnotationsMap());
  }

  @Test
  void containerStatusCarriesEveryFieldAndRoundTripsTheRequest() {
    io.tessera.cri.v1.ContainerStatus s = DomainToCri.containerStatus(exited());
    assertThat(ProtoCoverage.unsetFields(s, FullProtos.NOT_CARRIED)).isEmpty();
    io.tessera.cri.v1.ContainerConfig request = FullProtos.containerConfig();
    assertThat(s.getId()).isEqualTo(CONTAINER_ID);
    assertThat(s.getMetadata()).isEqualTo(request.getMetadata());
    assertThat(s.getState()).isEqualTo(io.tessera.cri.v1.ContainerState.CONTAINER_EXITED);
    assertThat(s.getCreatedAt()).isEqualTo(CREATED);
    assertThat(s.getStartedAt()).isEqualTo(CREATED + 1);
    assertThat(s.getFinishedAt()).isEqualTo(CREATED + 2);
    assertThat(s.getExitCode()).isEqualTo(137);
    assertThat(s.getImage()).isEqualTo(request.getImage());
    assertThat(s.getImageRef()).isEqualTo(REPO_DIGEST);
    assertThat(s.getImageId()).isEqualTo(IMAGE_ID);
    assertThat(s.getReason()).isEqualTo("OOMKilled");
    assertThat(s.getMessage()).isEqualTo("memory limit reached");
    assertThat(s.getLabelsMap()).isEqualTo(request.getLabelsMap());
    assertThat(s.getAnnotationsMap()).isEqualTo(request.getAnnotationsMap());
    assertThat(s.getMountsList()).isEqualTo(request.getMountsList());
    assertThat(s.getLogPath()).isEqualTo("/var/log/pods/default_web_uid-1/app/2.log");
    assertThat(s.getResources().getLinux()).isEqualTo(request.getLinux().getResources());
    assertThat(s.getUser().getLinux().getUid()).isEqualTo(1001);
    assertThat(s.getUser().getLinux().getGid()).isEqualTo(1002);
    assertThat(s.getUser().getLinux().getSupplementalGroupsList()).containsExactly(1002L, 1003L);
    assertThat(s.getStopSignal()).isEqualTo(Signal.SIGRTMINPLUS1);
  }

  @Test
  void containerStatusFallsBackWhereFactsAreMissing() {
    Container c = exited();
    Container bare =
        new Container(
            c.id(),
            c.podSandboxId(),
            c.config(),
            facts()
                .imageRef("")
                .logPath(Optional.empty())
                .user(Optional.empty())
                .conmonPid(OptionalLong.empty())
                .stopSignal("SIGRTMIN+3")
                .build(),
            ContainerStatus.created(CREATED, Optional.empty()));
    io.tessera.cri.v1.ContainerStatus s = DomainToCri.containerStatus(bare);
    assertThat(s.getImageRef()).isEqualTo(IMAGE_ID);
    assertThat(s.getLogPath()).isEmpty();
    assertThat(s.hasUser()).isFalse();
    assertThat(s.hasResources()).isFalse();
    assertThat(s.getStopSignal()).isEqualTo(Signal.RUNTIME_DEFAULT);
    assertThat(s.getState()).isEqualTo(io.tessera.cri.v1.ContainerState.CONTAINER_CREATED);
  }

  @Test
  void linuxContainerResourcesRoundTrip() {
    io.tessera.cri.v1.LinuxContainerResources r = FullProtos.resources(7);
    assertThat(ProtoCoverage.unsetFields(r, Set.of())).isEmpty();
    assertThat(DomainToCri.linuxContainerResources(CriToDomain.linuxContainerResources(r)))
        .isEqualTo(r);
  }

  @Test
  void namespaceModesAreTotalBothWays() {
    for (NamespaceMode m : NamespaceMode.values()) {
      assertThat(CriToDomain.namespaceMode(DomainToCri.namespaceMode(m))).isEqualTo(m);
    }
    for (io.tessera.cri.v1.NamespaceMode p : defined(io.tessera.cri.v1.NamespaceMode.values())) {
      assertThat(DomainToCri.namespaceMode(CriToDomain.namespaceMode(p))).isEqualTo(p);
    }
  }

  @Test
  void mountPropagationsAreTotalBothWays() {
    for (MountPropagation m : MountPropagation.values()) {
      assertThat(CriToDomain.mountPropagation(DomainToCri.mountPropagation(m))).isEqualTo(m);
    }
    for (io.tessera.cri.v1.MountPropagation p :
        defined(io.tessera.cri.v1.MountPropagation.values())) {
      assertThat(DomainToCri.mountPropagation(CriToDomain.mountPropagation(p))).isEqualTo(p);
    }
  }

  @Test
  void podSandboxStatesAreTotalBothWays() {
    for (PodSandboxState s : PodSandboxState.values()) {
      assertThat(CriToDomain.podSandboxState(DomainToCri.podSandboxState(s))).isEqualTo(s);
    }
    for (io.tessera.cri.v1.PodSandboxState p :
        defined(io.tessera.cri.v1.PodSandboxState.values())) {
      assertThat(DomainToCri.podSandboxState(CriToDomain.podSandboxState(p))).isEqualTo(p);
    }
  }

  @Test
  void containerStatesAreTotalBothWays() {
    for (ContainerState s : ContainerState.values()) {
      assertThat(CriToDomain.containerState(DomainToCri.containerState(s))).isEqualTo(s);
    }
    for (io.tessera.cri.v1.ContainerState p : defined(io.tessera.cri.v1.ContainerState.values())) {
      assertThat(DomainToCri.containerState(CriToDomain.containerState(p))).isEqualTo(p);
    }
  }

  @Test
  void everySignalRoundTripsThroughItsName() {
    assertThat(CriToDomain.stopSignal(Signal.RUNTIME_DEFAULT)).isEmpty();
    List<Signal> signals =
        defined(Signal.values()).stream().filter(s -> s != Signal.RUNTIME_DEFAULT).toList();
    assertThat(signals).hasSize(65);
    ContainerConfig base = CriToDomain.containerConfig(FullProtos.containerConfig());
    for (Signal s : signals) {
      Optional<String> name = CriToDomain.stopSignal(s);
      // The domain accepts every name CRI can send.
      assertThat(base.toBuilder().stopSignal(name).build().stopSignal()).isEqualTo(name);
      assertThat(DomainToCri.stopSignal(name.orElseThrow())).isEqualTo(s);
    }
  }

  static <E extends Enum<E>> List<E> defined(E[] values) {
    return Stream.of(values).filter(v -> !v.name().equals("UNRECOGNIZED")).toList();
  }

  @Test
  void podSandboxStatsCarryEveryPartOfTheSample() {
    var cpu = new ContainerStatsSample.Cpu(11, 5_000, OptionalLong.of(250_000_000L));
    var memory = new ContainerStatsSample.Memory(12, 900, 700, OptionalLong.of(300), 600, 40, 2);
    var network =
        new PodSandboxStatsSample.Network(
            13,
            Optional.of(new InterfaceCounters("eth0", 1000, 1, 2000, 2)),
            List.of(new InterfaceCounters("net1", 10, 0, 20, 3)));
    var sample =
        new PodSandboxStatsSample(
            POD_ID,
            Optional.of(cpu),
            Optional.of(memory),
            Optional.of(network),
            Optional.of(new PodSandboxStatsSample.Processes(14, 3)));
    var ctr = DomainToCri.containerStats(exited(), Optional.empty());

    var s = DomainToCri.podSandboxStats(pod(), Optional.of(sample), List.of(ctr));

    assertThat(s.getAttributes().getId()).isEqualTo(POD_ID);
    assertThat(s.getAttributes().getMetadata().getName()).isEqualTo(pod().metadata().name());
    assertThat(s.getAttributes().getLabelsMap()).isEqualTo(pod().labels());
    assertThat(s.getAttributes().getAnnotationsMap()).isEqualTo(pod().annotations());
    var linux = s.getLinux();
    assertThat(linux.getCpu().getTimestamp()).isEqualTo(11);
    assertThat(linux.getCpu().getUsageCoreNanoSeconds().getValue()).isEqualTo(5_000);
    assertThat(linux.getCpu().getUsageNanoCores().getValue()).isEqualTo(250_000_000L);
    assertThat(linux.getMemory().getWorkingSetBytes().getValue()).isEqualTo(700);
    assertThat(linux.getMemory().getUsageBytes().getValue()).isEqualTo(900);
    assertThat(linux.getMemory().getAvailableBytes().getValue()).isEqualTo(300);
    assertThat(linux.getMemory().getRssBytes().getValue()).isEqualTo(600);
    assertThat(linux.getMemory().getPageFaults().getValue()).isEqualTo(40);
    assertThat(linux.getMemory().getMajorPageFaults().getValue()).isEqualTo(2);
    assertThat(linux.getNetwork().getTimestamp()).isEqualTo(13);
    var eth0 = linux.getNetwork().getDefaultInterface();
    assertThat(eth0.getName()).isEqualTo("eth0");
    assertThat(eth0.getRxBytes().getValue()).isEqualTo(1000);
    assertThat(eth0.getRxErrors().getValue()).isEqualTo(1);
    assertThat(eth0.getTxBytes().getValue()).isEqualTo(2000);
    assertThat(eth0.getTxErrors().getValue()).isEqualTo(2);
    assertThat(linux.getNetwork().getInterfacesList())
        .singleElement()
        .satisfies(i -> assertThat(i.getTxErrors().getValue()).isEqualTo(3));
    assertThat(linux.getProcess().getProcessCount().getValue()).isEqualTo(3);
    assertThat(linux.getProcess().getTimestamp()).isEqualTo(14);
    assertThat(linux.getContainersList()).containsExactly(ctr);
  }

  @Test
  void podSandboxStatsWithoutASampleOrPartsLeaveThemUnset() {
    var none = DomainToCri.podSandboxStats(pod(), Optional.empty(), List.of());
    assertThat(none.getAttributes().getId()).isEqualTo(POD_ID);
    assertThat(none.getLinux().hasCpu()).isFalse();
    assertThat(none.getLinux().hasMemory()).isFalse();
    assertThat(none.getLinux().hasNetwork()).isFalse();
    assertThat(none.getLinux().hasProcess()).isFalse();

    var hostNetwork =
        new PodSandboxStatsSample(
            POD_ID,
            Optional.of(new ContainerStatsSample.Cpu(1, 2, OptionalLong.empty())),
            Optional.of(new ContainerStatsSample.Memory(1, 2, 2, OptionalLong.empty(), 0, 0, 0)),
            Optional.empty(),
            Optional.empty());
    var s = DomainToCri.podSandboxStats(pod(), Optional.of(hostNetwork), List.of());
    assertThat(s.getLinux().hasNetwork()).isFalse();
    assertThat(s.getLinux().getCpu().hasUsageNanoCores()).isFalse();
    assertThat(s.getLinux().getMemory().hasAvailableBytes()).isFalse();
  }

  @Test
  void containerStatsWithoutASampleAreAttributesOnly() {
    var s = DomainToCri.containerStats(exited(), Optional.empty());
    assertThat(s.getAttributes().getId()).isEqualTo(CONTAINER_ID);
    assertThat(s.getAttributes().getMetadata().getName()).isEqualTo(exited().metadata().name());
    assertThat(s.getAttributes().getLabelsMap()).isEqualTo(exited().labels());
    assertThat(s.hasCpu()).isFalse();
    assertThat(s.hasMemory()).isFalse();
    assertThat(s.hasWritableLayer()).isFalse();
  }
}
