package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ExecSyncRequest;
import io.tessera.cri.v1.ExecSyncResponse;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writable-layer quota end to end: a daemon whose root is on XFS mounted with prjquota, a pod
 * annotated {@code tessera.io/rootfs-size: 20Mi}. Needs a kernel with CONFIG_XFS_QUOTA, which the
 * CI kernel lacks: tagged, run with {@code -Pxfs-quota} (docs/quota.md).
 */
@Tag("xfs-quota")
class RootfsQuotaIT {
  private static final String THIRTY_MIB = Long.toString(30L << 20);

  @RegisterExtension
  @Order(1)
  static final XfsRootExtension xfs = new XfsRootExtension();

  @RegisterExtension
  @Order(2)
  static final TesseraDaemonExtension daemon =
      new TesseraDaemonExtension().withDirs(d -> d.withRoot(xfs.root()));

  @RegisterExtension
  @Order(3)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  String pod;

  @Test
  void writingPastTheRootfsQuotaFailsWithEnospcWhileTheNeighbourWritesFreely() {
    assertThat(daemon.process().logs())
        .contains("writable-layer quotas enabled on " + xfs.device());
    // The cap is pod-wide; the neighbour opts out with its own per-container annotation.
    PodSandboxConfig podConfig =
        CriRequests.podSandbox("quota", busybox.logs()).build().toBuilder()
            .putAnnotations("tessera.io/rootfs-size", "20Mi")
            .putAnnotations("tessera.io/rootfs-size.free", "0")
            .build();
    pod = busybox.runPod(podConfig);
    String capped = run(podConfig, "capped");
    String free = run(podConfig, "free");

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

    // Space freed inside the capped layer can be written again: the cap is on usage.
    ExecSyncResponse again = exec(capped, "rm /big /more; head -c 1048576 /dev/zero > /small");
    assertThat(again.getExitCode()).as(again.getStderr().toStringUtf8()).isZero();
  }

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  private String run(PodSandboxConfig podConfig, String name) {
    ContainerConfig.Builder config = CriRequests.container(name, busybox.image(), "sleep", "1000");
    return busybox.runContainer(pod, podConfig, config);
  }

  private static ExecSyncResponse exec(String id, String script) {
    return rt().execSync(
            ExecSyncRequest.newBuilder()
                .setContainerId(id)
                .addAllCmd(List.of("sh", "-c", script))
                .setTimeout(60)
                .build());
  }
}
