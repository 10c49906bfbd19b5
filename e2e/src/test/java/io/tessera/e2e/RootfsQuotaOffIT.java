package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ListContainersRequest;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A daemon whose root cannot enforce writable-layer quotas (ext4 or tmpfs under /tmp) logs so at
 * start-up and refuses every request for a cap with INVALID_ARGUMENT, leaving nothing behind; a
 * configured default cap stops it from starting at all (exit 2).
 */
class RootfsQuotaOffIT {

  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  String pod;

  @Test
  void startUpLogsThatQuotasAreOffAndWhy() {
    assertThat(daemon.process().logs()).contains("writable-layer quotas off: ").contains("not XFS");
  }

  @Test
  void theAnnotationIsRefusedWithTheReasonAndNothingIsLeft() throws Exception {
    PodSandboxConfig podConfig =
        runPod(Map.of("tessera.io/rootfs-size", "20Mi", "tessera.io/rootfs-size.free", "0"));

    assertThatThrownBy(
            () -> create(podConfig, CriRequests.container("app", busybox.image(), "true")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("CreateContainer app")
                  .contains("pod annotation tessera.io/rootfs-size=\"20Mi\"")
                  .contains("writable-layer quotas off")
                  .contains("not XFS");
            });
    assertNothingCreated();

    // A container the pod opts out of the pod-wide cap is created as usual.
    assertThat(create(podConfig, CriRequests.container("free", busybox.image(), "true")))
        .isNotEmpty();
  }

  @Test
  void theWindowsFieldIsRefusedToo() throws Exception {
    PodSandboxConfig podConfig = runPod(Map.of());
    ContainerConfig.Builder c = CriRequests.container("win", busybox.image(), "true");
    c.getWindowsBuilder().getResourcesBuilder().setRootfsSizeInBytes(20L << 20);

    assertThatThrownBy(() -> create(podConfig, c))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("rootfs_size_in_bytes=20971520")
                  .contains("writable-layer quotas off");
            });
    assertNothingCreated();
  }

  @Test
  void aBadQuantityIsRefusedNamingTheAnnotation() throws Exception {
    PodSandboxConfig podConfig = runPod(Map.of("tessera.io/rootfs-size.app", "lots"));

    assertThatThrownBy(
            () -> create(podConfig, CriRequests.container("app", busybox.image(), "true")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .contains("pod annotation tessera.io/rootfs-size.app=\"lots\" is not a size");
            });
    assertNothingCreated();
  }

  @Test
  void aDefaultSizeThatCannotBeEnforcedStopsStartUpWithExitCode2() throws Exception {
    DaemonDirs dirs = DaemonDirs.create();
    try {
      Files.writeString(
          dirs.config(),
          "metrics_address = \"\"\n[cni]\nconf_dir = \""
              + dirs.root().resolve("cni/admin.d")
              + "\"\n[storage]\ndefault_rootfs_size = \"1Gi\"\n");
      TesseraProcess p = TesseraProcess.start(dirs, List.of());
      assertThat(p.awaitExit(Duration.ofSeconds(120))).as(p.logs()).isEqualTo(2);
      assertThat(p.logs())
          .contains("[storage] default_rootfs_size = \"1Gi\" cannot be enforced under")
          .contains("writable-layer quotas off");
      assertThat(Files.exists(dirs.socket())).isFalse();
      assertThat(Leaks.mountsUnder(dirs.base())).isEmpty();
    } finally {
      dirs.delete();
    }
  }

  @Test
  void aRequiredXfsBackendOnANonXfsRootStopsStartUpWithExitCode2() throws Exception {
    DaemonDirs dirs = DaemonDirs.create();
    try {
      Files.writeString(
          dirs.config(),
          "metrics_address = \"\"\n[cni]\nconf_dir = \""
              + dirs.root().resolve("cni/admin.d")
              + "\"\n[storage]\nquota_backend = \"xfs\"\n");
      TesseraProcess p = TesseraProcess.start(dirs, List.of());
      assertThat(p.awaitExit(Duration.ofSeconds(120))).as(p.logs()).isEqualTo(2);
      assertThat(p.logs())
          .contains("[storage] quota_backend = \"xfs\" cannot work under")
          .contains("not XFS");
      assertThat(Files.exists(dirs.socket())).isFalse();
      assertThat(Leaks.mountsUnder(dirs.base())).isEmpty();
    } finally {
      dirs.delete();
    }
  }

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private PodSandboxConfig runPod(Map<String, String> annotations) {
    PodSandboxConfig podConfig =
        CriRequests.podSandbox("quota-off", busybox.logs()).build().toBuilder()
            .putAllAnnotations(annotations)
            .build();
    pod = busybox.runPod(podConfig);
    return podConfig;
  }

  private String create(PodSandboxConfig podConfig, ContainerConfig.Builder config) {
    return busybox.createContainer(pod, podConfig, config);
  }

  private void assertNothingCreated() throws Exception {
    assertThat(rt().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList())
        .isEmpty();
    try (Stream<Path> s = Files.list(daemon.dirs().root().resolve("snapshots"))) {
      assertThat(s).isEmpty();
    }
    Path containers = daemon.dirs().state().resolve("containers");
    if (Files.isDirectory(containers)) {
      try (Stream<Path> s = Files.list(containers)) {
        assertThat(s).isEmpty();
      }
    }
  }
}
