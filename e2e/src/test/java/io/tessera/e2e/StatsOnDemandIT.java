package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tessera.cri.v1.ContainerStatsRequest;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.ListContainerStatsRequest;
import io.tessera.cri.v1.ListPodSandboxStatsRequest;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxStats;
import io.tessera.cri.v1.PodSandboxStatsRequest;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A daemon configured with {@code [stats] interval = "0s"}: no sampling thread, and every stats
 * call samples what it answers about; the CPU rate appears from an object's second sample.
 */
class StatsOnDemandIT {
  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon =
      new TesseraDaemonExtension(
          List.of(),
          dirs ->
              "metrics_address = \"\"\n[cni]\nconf_dir = \""
                  + dirs.root().resolve("cni/admin.d")
                  + "\"\n[stats]\ninterval = \"0s\"\n");

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  @Test
  void statsAreSampledPerCallWithoutASamplingThread() throws Exception {
    PodSandboxConfig config = CriRequests.podSandbox("ondemand", busybox.logs()).build();
    String pod =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
            .getPodSandboxId();
    try {
      String ctr =
          rt().createContainer(
                  CreateContainerRequest.newBuilder()
                      .setPodSandboxId(pod)
                      .setConfig(
                          CriRequests.container(
                              "burn", busybox.image(), "sh", "-c", "while :; do :; done"))
                      .setSandboxConfig(config)
                      .build())
              .getContainerId();
      rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());

      assertThat(DaemonThreads.names(daemon.process().pid())).doesNotContain("stats-sampler");

      // Nothing sampled this container or pod before: the first answer has usage but no rate.
      var first =
          rt().containerStats(ContainerStatsRequest.newBuilder().setContainerId(ctr).build())
              .getStats();
      assertThat(first.getCpu().getUsageCoreNanoSeconds().getValue()).isPositive();
      assertThat(first.getCpu().hasUsageNanoCores()).isFalse();
      PodSandboxStats firstPod =
          rt().podSandboxStats(PodSandboxStatsRequest.newBuilder().setPodSandboxId(pod).build())
              .getStats();
      assertThat(firstPod.getLinux().getCpu().hasUsageNanoCores()).isFalse();
      assertThat(firstPod.getLinux().getProcess().getProcessCount().getValue()).isEqualTo(1);
      assertThat(firstPod.getLinux().getNetwork().getDefaultInterface().getName())
          .isEqualTo("eth0");

      // Each later call samples again and rates against the previous call's sample.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                var s =
                    rt().containerStats(
                            ContainerStatsRequest.newBuilder().setContainerId(ctr).build())
                        .getStats();
                assertThat(s.getCpu().getUsageNanoCores().getValue()).isGreaterThan(300_000_000L);
                assertThat(s.getCpu().getUsageCoreNanoSeconds().getValue())
                    .isGreaterThan(first.getCpu().getUsageCoreNanoSeconds().getValue());
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          rt().listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance())
                              .getStats(0)
                              .getLinux()
                              .getCpu()
                              .getUsageNanoCores()
                              .getValue())
                      .isGreaterThan(300_000_000L));
      assertThat(
              rt().listContainerStats(ListContainerStatsRequest.getDefaultInstance())
                  .getStatsList())
          .singleElement()
          .satisfies(s -> assertThat(s.getCpu().hasUsageNanoCores()).isTrue());
      assertThat(DaemonThreads.names(daemon.process().pid())).doesNotContain("stats-sampler");
    } finally {
      rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      rt().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    }
  }
}
