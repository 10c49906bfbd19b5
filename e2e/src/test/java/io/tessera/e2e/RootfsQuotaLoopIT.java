package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ContainerStats;
import io.tessera.cri.v1.ContainerStatsRequest;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writable-layer quota end to end with {@code quota_backend = "loop"}, which works on kernels
 * without XFS quota support (CI's): a pod annotated {@code tessera.io/rootfs-size: 20Mi} gets each
 * container's writable layer on its own 20 MiB ext4 image, so writing 30 MiB fails with ENOSPC in
 * the container, while a neighbour that opts out writes freely. Runs in the default e2e set.
 */
class RootfsQuotaLoopIT {
  private static final long MIB = 1024 * 1024;
  private static final String THIRTY_MIB = Long.toString(30 * MIB);

  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon =
      new TesseraDaemonExtension(
          List.of(),
          d ->
              "metrics_address = \"\"\n[cni]\nconf_dir = \""
                  + d.root().resolve("cni/admin.d")
                  + "\"\n[storage]\nquota_backend = \"loop\"\n");

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  String pod;

  @Test
  void writingPastTheRootfsSizeFailsWithEnospcTheNeighbourWritesFreelyAndNothingIsLeft()
      throws Exception {
    assertThat(daemon.process().logs()).contains("writable-layer quotas enabled: loop");
    PodSandboxConfig podConfig =
        CriRequests.podSandbox("loopquota", busybox.logs()).build().toBuilder()
            .putAnnotations("tessera.io/rootfs-size", "20Mi")
            .putAnnotations("tessera.io/rootfs-size.free", "0")
            .build();
    pod = busybox.runPod(podConfig);
    long t0 = System.nanoTime();
    String free = create(podConfig, "free");
    long t1 = System.nanoTime();
    String capped = create(podConfig, "capped");
    long t2 = System.nanoTime();
    // A measurement for docs/quota.md, not an assertion.
    System.out.printf(
        "RootfsQuotaLoopIT: CreateContainer unsized %d ms, with a 20Mi loop layer %d ms%n",
        (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    start(free);
    start(capped);

    Path snapshots = daemon.dirs().root().toRealPath().resolve("snapshots");
    Path image = snapshots.resolve(capped).resolve("layer.img");
    assertThat(Files.size(image)).isEqualTo(20 * MIB);
    assertThat(loopDevicesBackedBy(image)).hasSize(1);
    assertThat(snapshots.resolve(free).resolve("layer.img")).doesNotExist();

    ExecSyncResponse full = exec(capped, "head -c " + THIRTY_MIB + " /dev/zero > /big");
    assertThat(full.getExitCode()).as("exit code of the write past 20Mi").isNotZero();
    // busybox head reports any stdout failure as a fixed "I/O error"; dd names the errno.
    assertThat(full.getStderr().toStringUtf8()).contains("standard output");
    ExecSyncResponse errno = exec(capped, "dd if=/dev/zero of=/more bs=1048576 count=1");
    assertThat(errno.getExitCode()).isNotZero();
    assertThat(errno.getStderr().toStringUtf8()).contains("No space left on device");

    ExecSyncResponse ok = exec(free, "head -c " + THIRTY_MIB + " /dev/zero > /big && wc -c < /big");
    assertThat(ok.getExitCode()).as(ok.getStderr().toStringUtf8()).isZero();
    assertThat(ok.getStdout().toStringUtf8().trim()).isEqualTo(THIRTY_MIB);

    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              assertThat(stats(capped).getWritableLayer().getUsedBytes().getValue())
                  .isGreaterThan(10 * MIB)
                  .isLessThanOrEqualTo(20 * MIB);
              assertThat(stats(free).getWritableLayer().getUsedBytes().getValue())
                  .isGreaterThanOrEqualTo(30 * MIB);
            });
    assertThat(stats(capped).getWritableLayer().getInodesUsed().getValue()).isPositive();

    // A daemon restart leaves the running container's layer mounted and capped.
    daemon.restart();
    ExecSyncResponse again =
        exec(capped, "rm /big /more; head -c 1048576 /dev/zero > /small && wc -c < /small");
    assertThat(again.getExitCode()).as(again.getStderr().toStringUtf8()).isZero();
    assertThat(again.getStdout().toStringUtf8().trim()).isEqualTo("1048576");
    ExecSyncResponse stillFull = exec(capped, "dd if=/dev/zero of=/big bs=1048576 count=30");
    assertThat(stillFull.getStderr().toStringUtf8()).contains("No space left on device");

    busybox.removePod(pod);
    assertThat(snapshots.resolve(capped)).doesNotExist();
    assertThat(Leaks.mountsUnder(daemon.dirs().base())).isEmpty();
    // Autoclear frees the loop device once the layer is unmounted.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(loopDevicesBackedBy(image)).isEmpty());
  }

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private String create(PodSandboxConfig podConfig, String name) {
    ContainerConfig.Builder config = CriRequests.container(name, busybox.image(), "sleep", "1000");
    return busybox.createContainer(pod, podConfig, config);
  }

  private static void start(String id) {
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
  }

  private static ContainerStats stats(String id) {
    return rt().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build())
        .getStats();
  }

  private static ExecSyncResponse exec(String id, String script) {
    return rt().execSync(
            ExecSyncRequest.newBuilder()
                .setContainerId(id)
                .addAllCmd(List.of("sh", "-c", script))
                .setTimeout(60)
                .build());
  }

  /** Bound loop devices whose backing file is {@code image} (sysfs, as losetup reads it). */
  private static List<String> loopDevicesBackedBy(Path image) throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> devices = Files.list(Path.of("/sys/block"))) {
      for (Path d : devices.filter(p -> p.getFileName().toString().startsWith("loop")).toList()) {
        try {
          String file = Files.readString(d.resolve("loop/backing_file")).trim();
          // A deleted backing file shows with a " (deleted)" suffix.
          if (file.startsWith(image.toString())) {
            found.add(d.getFileName() + " -> " + file);
          }
        } catch (IOException e) {
          // Not bound, or unbound while we looked.
        }
      }
    }
    return found;
  }
}
