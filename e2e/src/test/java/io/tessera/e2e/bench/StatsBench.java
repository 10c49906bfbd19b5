package io.tessera.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.tessera.cri.v1.ContainerConfig;
import io.tessera.cri.v1.ContainerMetadata;
import io.tessera.cri.v1.ContainerStats;
import io.tessera.cri.v1.CreateContainerRequest;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.ListContainerStatsRequest;
import io.tessera.cri.v1.ListPodSandboxStatsRequest;
import io.tessera.cri.v1.PodSandboxConfig;
import io.tessera.cri.v1.PodSandboxMetadata;
import io.tessera.cri.v1.PullImageRequest;
import io.tessera.cri.v1.RemovePodSandboxRequest;
import io.tessera.cri.v1.RunPodSandboxRequest;
import io.tessera.cri.v1.RuntimeServiceGrpc;
import io.tessera.cri.v1.StartContainerRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import io.tessera.e2e.TesseraDaemonExtension;
import io.tessera.storage.testing.TestImage;
import io.tessera.storage.testing.TestImages;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's stats benchmark: ListContainerStats and ListPodSandboxStats latency at 100 and 500
 * running busybox {@code sleep} containers (one per pod, each pod with its own network namespace on
 * the default CNI bridge), and the daemon's CPU time per second while idle at 500, sampling every
 * second, against the same daemon restarted with {@code [stats] interval = "0s"} (no sampling) on
 * the same containers. Prints figures, asserts nothing; runs only with {@code mvn -pl e2e -am
 * verify -Pbench -Dit.test=StatsBench}.
 */
class StatsBench {
  private static final int[] COUNTS = {100, 500};
  private static final int CALLS = 20;
  private static final int WARM_UP = 50;
  private static final Duration IDLE_WINDOW = Duration.ofSeconds(30);
  private static final int PARALLEL = 4;

  @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @TempDir Path work;

  private final List<String> pods = Collections.synchronizedList(new ArrayList<>());

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub rt() {
    return daemon.client().runtime();
  }

  @Test
  void statsLatencyAndSamplingCost() throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== stats benchmark: busybox sleep, one container per pod, %d cores, load average %s,"
            + " %d calls per figure after %d warm-up calls%n",
        Runtime.getRuntime().availableProcessors(),
        Files.readString(Path.of("/proc/loadavg")).trim(),
        CALLS,
        WARM_UP);
    try (TestRegistry registry = TestRegistry.start()) {
      TestImage built = TestImages.busybox(work.resolve("image"));
      registry.push(built.layout(), built.tag(), "bench/busybox:1");
      String image = registry.host() + "/bench/busybox:1";
      daemon
          .client()
          .images()
          .pullImage(
              PullImageRequest.newBuilder()
                  .setImage(ImageSpec.newBuilder().setImage(image))
                  .build());
      Path logs = Files.createDirectories(work.resolve("logs"));
      Cpu idle = idleCpu();
      print(
          "daemon CPU while idle with no containers, interval 1s: %.1f ms/s (sampler thread %.1f"
              + " ms/s)",
          idle.process(), idle.sampler());
      try {
        for (int count : COUNTS) {
          long t0 = System.nanoTime();
          startPods(count - pods.size(), image, logs);
          print(
              "%d pods+containers running (started in %.0f s)",
              count, (System.nanoTime() - t0) / 1e9);
          awaitAllSampled(count);
          latency("ListContainerStats", count, StatsBench::listContainerStats);
          latency("ListPodSandboxStats", count, StatsBench::listPodSandboxStats);
        }
        int count = COUNTS[COUNTS.length - 1];
        Cpu busy = idleCpu();
        print(
            "daemon CPU while idle at %d, interval 1s: %.1f ms/s = %.2f%% of a core (sampler thread"
                + " %.1f ms/s)",
            count, busy.process(), busy.process() / 10, busy.sampler());
        print(
            "=> sampling %d containers + %d pods (cgroups + netns) every second: %.1f ms CPU per"
                + " second over the idle daemon",
            count, count, busy.process() - idle.process());
      } finally {
        long t0 = System.nanoTime();
        removePods();
        print("stopped and removed %d pods in %.0f s", pods.size(), (System.nanoTime() - t0) / 1e9);
      }
    }
  }

  private static void print(String format, Object... args) {
    System.out.println(String.format(Locale.ROOT, format, args));
  }

  private static int listContainerStats() {
    return rt().listContainerStats(ListContainerStatsRequest.getDefaultInstance()).getStatsCount();
  }

  private static int listPodSandboxStats() {
    return rt().listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance())
        .getStatsCount();
  }

  /** Prints p50 and p95 of {@link #CALLS} calls, after a warm-up, one call at a time. */
  private static void latency(String rpc, int count, Supplier<Integer> call) {
    for (int i = 0; i < WARM_UP; i++) {
      call.get();
    }
    List<Long> nanos = new ArrayList<>();
    int answered = 0;
    for (int i = 0; i < CALLS; i++) {
      long t = System.nanoTime();
      answered = call.get();
      nanos.add(System.nanoTime() - t);
    }
    Collections.sort(nanos);
    print(
        "  %-20s at %3d: p50 %7.2f ms  p95 %7.2f ms  (%d items)",
        rpc,
        count,
        nanos.get(nanos.size() / 2) / 1e6,
        nanos.get((int) Math.ceil(nanos.size() * 0.95) - 1) / 1e6,
        answered);
  }

  /** CPU in ms per second of the whole daemon and of its sampling thread. */
  private record Cpu(double process, double sampler) {}

  /**
   * utime + stime of the daemon, and of its {@code stats-sampler} thread, over {@link #IDLE_WINDOW}
   * with no calls.
   */
  private static Cpu idleCpu() throws Exception {
    long pid = daemon.process().pid();
    Path sampler = samplerThread(pid);
    long before = cpuTicks(Path.of("/proc/" + pid + "/stat"));
    long samplerBefore = cpuTicks(sampler.resolve("stat"));
    long t0 = System.nanoTime();
    // The window is the measurement; what is checked meanwhile is only that the daemon lives (a
    // process-table look-up, not a call that would cost the daemon CPU).
    await()
        .during(IDLE_WINDOW)
        .atMost(IDLE_WINDOW.plusSeconds(10))
        .until(() -> daemon.process().isAlive());
    long after = cpuTicks(Path.of("/proc/" + pid + "/stat"));
    long samplerAfter = cpuTicks(sampler.resolve("stat"));
    double seconds = (System.nanoTime() - t0) / 1e9;
    // USER_HZ is 100 on Linux: one tick is 10 ms.
    return new Cpu(
        (after - before) * 10.0 / seconds, (samplerAfter - samplerBefore) * 10.0 / seconds);
  }

  private static Path samplerThread(long pid) throws IOException {
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        if (Files.readString(t.resolve("comm")).trim().equals("stats-sampler")) {
          return t;
        }
      }
    }
    throw new IllegalStateException("daemon " + pid + " has no stats-sampler thread");
  }

  /** Fields 14 and 15 of a stat file (after the parenthesised comm, which may hold blanks). */
  private static long cpuTicks(Path statFile) throws IOException {
    String stat = Files.readString(statFile);
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // f[0] is field 3 (state): utime is field 14, stime field 15.
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static void awaitAllSampled(int count) {
    await()
        .atMost(Duration.ofMinutes(2))
        .until(
            () -> {
              List<ContainerStats> s =
                  rt().listContainerStats(ListContainerStatsRequest.getDefaultInstance())
                      .getStatsList();
              return s.size() == count && s.stream().allMatch(c -> c.getCpu().hasUsageNanoCores());
            });
  }

  private void startPods(int n, String image, Path logs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        done.add(pool.submit(() -> startPod(image, logs)));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private void startPod(String image, Path logs) {
    String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    PodSandboxConfig config =
        PodSandboxConfig.newBuilder()
            .setMetadata(
                PodSandboxMetadata.newBuilder()
                    .setName(name)
                    .setNamespace("bench")
                    .setUid(UUID.randomUUID().toString()))
            .setHostname(name)
            .setLogDirectory(logs.resolve(name).toString())
            .build();
    String pod =
        rt().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
            .getPodSandboxId();
    pods.add(pod);
    String ctr =
        rt().createContainer(
                CreateContainerRequest.newBuilder()
                    .setPodSandboxId(pod)
                    .setConfig(
                        ContainerConfig.newBuilder()
                            .setMetadata(ContainerMetadata.newBuilder().setName("sleep"))
                            .setImage(ImageSpec.newBuilder().setImage(image))
                            .addCommand("sleep")
                            .addCommand("100000")
                            .setLogPath("sleep/0.log"))
                    .setSandboxConfig(config)
                    .build())
            .getContainerId();
    rt().startContainer(StartContainerRequest.newBuilder().setContainerId(ctr).build());
  }

  private void removePods() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String pod : List.copyOf(pods)) {
        done.add(
            pool.submit(
                () -> {
                  rt().stopPodSandbox(
                          StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
                  rt().removePodSandbox(
                          RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }
}
