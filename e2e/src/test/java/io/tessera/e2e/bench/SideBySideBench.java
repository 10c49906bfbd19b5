package io.tessera.e2e.bench;

import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.ImageSpec;
import io.tessera.cri.v1.ListContainerStatsRequest;
import io.tessera.cri.v1.ListContainersRequest;
import io.tessera.cri.v1.ListPodSandboxRequest;
import io.tessera.cri.v1.ListPodSandboxStatsRequest;
import io.tessera.cri.v1.PullImageRequest;
import io.tessera.cri.v1.StatusRequest;
import io.tessera.cri.v1.VersionRequest;
import io.tessera.cri.v1.VersionResponse;
import io.tessera.e2e.CriClient;
import io.tessera.e2e.bench.PodRunner.StartedPod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 8's side-by-side benchmark: the same CRI workloads against tessera and containerd, both
 * started by scripts/bench.sh on private sockets (run it with {@code make bench [QUICK=1]}; the
 * bench profile excludes this class from the plain {@code -Pbench} run). One CRI client over the
 * generated stubs; nothing of tessera's own classes. Prints a table, writes JSON, asserts nothing.
 *
 * <p>Per runtime (containerd first): warm-up pods started and removed; start latency ({@code
 * latencyPods} started one after another, left running); overhead at that count; start throughput
 * ({@code throughputPods} with {@code inFlight} at a time); fill to {@code densePods}; overhead and
 * list/stats latencies there; teardown ({@code latencyPods} one after another, the rest {@code
 * inFlight} at a time). Then tessera alone: density ceiling from zero in steps. docs/bench.md
 * explains each figure.
 */
class SideBySideBench {
  private static final long MIB = 1L << 20;

  private final long t0 = System.nanoTime();
  private BenchSettings settings;
  private Report report;

  @Test
  void tesseraAgainstContainerd() throws Exception {
    settings = BenchSettings.fromSystemProperties();
    report = new Report();
    report.machine("cores", Runtime.getRuntime().availableProcessors());
    report.machine("mem_total_gib", round(ProcFs.memTotal() / (double) (1L << 30)));
    report.machine("kernel", Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
    report.machine("loadavg_at_start", loadavg());
    report.machine("quick", settings.quick());
    report.extra("settings", settingsMap());
    try {
      for (RuntimeUnderTest rt : settings.runtimes()) {
        if (settings.selected(rt.name())) {
          runWorkloads(rt);
        }
      }
      RuntimeUnderTest tessera =
          settings.runtimes().stream()
              .filter(r -> r.name().equals(BenchSettings.TESSERA))
              .findFirst()
              .orElseThrow();
      if (settings.selected("density")) {
        density(tessera);
      }
    } finally {
      report.machine("loadavg_at_end", loadavg());
      report.machine("elapsed_s", round((System.nanoTime() - t0) / 1e9));
      report.writeJson(settings.json());
      report.printTable(
          System.out,
          "side-by-side CRI bench: tessera vs containerd"
              + (settings.quick() ? " (QUICK subset)" : "")
              + "; JSON in "
              + settings.json());
    }
  }

  private void runWorkloads(RuntimeUnderTest rt) throws IOException {
    String name = rt.name();
    try (CriClient client = CriClient.connect(rt.socket())) {
      awaitReady(client, rt);
      VersionResponse v = client.runtime().version(VersionRequest.getDefaultInstance());
      report.put(name, "daemon", "version", v.getRuntimeName() + " " + v.getRuntimeVersion());
      pull(client, settings.image());
      pull(client, settings.pauseImage());
      PodRunner pods =
          new PodRunner(client, settings.image(), logDir(name), settings.cgroupRoot() + "/" + name);
      try {
        progress(name, "warm-up");
        for (int i = 0; i < settings.warmupPods(); i++) {
          pods.teardown(pods.start("warm-" + i).podId());
        }
        long availIdle = ProcFs.memAvailable();
        overhead(rt, "overhead_idle", 0, availIdle);

        progress(name, "start latency: " + settings.latencyPods() + " pods one by one");
        List<StartedPod> running = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < settings.latencyPods(); i++) {
          StartedPod p = pods.start("lat-" + i);
          running.add(p);
          starts.add(p.startNanos());
        }
        latency(name, "start_latency", starts);
        callSplit(name, running);
        overhead(rt, "overhead_small", running.size(), availIdle);

        progress(
            name,
            "start throughput: "
                + settings.throughputPods()
                + " pods, "
                + settings.inFlight()
                + " in flight");
        long tp = System.nanoTime();
        List<StartedPod> burst =
            PodRunner.concurrently(
                settings.throughputPods(), settings.inFlight(), i -> pods.start("tp-" + i));
        double seconds = (System.nanoTime() - tp) / 1e9;
        running.addAll(burst);
        report.put(name, "start_throughput", "pods_per_s", settings.throughputPods() / seconds);
        report.put(name, "start_throughput", "wall_s", seconds);
        latency(name, "start_throughput", burst.stream().map(StartedPod::startNanos).toList());

        int fill = settings.densePods() - running.size();
        progress(name, "filling to " + settings.densePods() + " pods");
        running.addAll(
            PodRunner.concurrently(fill, settings.inFlight(), i -> pods.start("fill-" + i)));
        overhead(rt, "overhead_dense", running.size(), availIdle);
        marginal(name);
        lists(client, name);

        // Per-pod teardown latency from the first latencyPods, one by one; the rest go 10 at a time
        // (as a node drains), which keeps the full run near its 20-minute budget: one by one, 500
        // containerd pods alone took 211 s.
        int sequential = Math.min(settings.latencyPods(), running.size());
        progress(name, "teardown: " + sequential + " pods one by one, the rest concurrently");
        List<Long> downs = new ArrayList<>();
        long td = System.nanoTime();
        for (StartedPod p : running.subList(0, sequential)) {
          downs.add(pods.teardown(p.podId()));
        }
        report.put(name, "teardown", "pods", sequential);
        report.put(name, "teardown", "total_s", (System.nanoTime() - td) / 1e9);
        Percentiles pd = new Percentiles(downs);
        report.put(name, "teardown", "p50_ms", pd.millis(50));
        report.put(name, "teardown", "p95_ms", pd.millis(95));
        List<StartedPod> rest = running.subList(sequential, running.size());
        long tr = System.nanoTime();
        PodRunner.concurrently(
            rest.size(), settings.inFlight(), i -> pods.teardown(rest.get(i).podId()));
        report.put(name, "teardown", "rest_pods", rest.size());
        report.put(name, "teardown", "rest_in_flight_s", (System.nanoTime() - tr) / 1e9);
      } finally {
        int left = pods.removeAll();
        if (left > 0) {
          report.put(name, "daemon", "pods_not_removed", left);
        }
      }
    }
  }

  /** Tessera alone: pods added in steps, one by one, until a limit or the goal. */
  private void density(RuntimeUnderTest rt) throws IOException {
    String name = rt.name();
    long budgetNanos = Duration.ofSeconds(settings.quick() ? 240 : 1080).toNanos();
    try (CriClient client = CriClient.connect(rt.socket())) {
      PodRunner pods =
          new PodRunner(
              client,
              settings.image(),
              logDir(name + "-density"),
              settings.cgroupRoot() + "/" + name + "-density");
      List<Map<String, Object>> steps = new ArrayList<>();
      String stop = "goal reached";
      int count = 0;
      Overhead.Sample last = null;
      try {
        long availIdle = ProcFs.memAvailable();
        while (count < settings.densityMax()) {
          progress(name, "density: " + count + " -> " + (count + settings.densityStep()));
          List<Long> starts = new ArrayList<>();
          for (int i = 0; i < settings.densityStep(); i++) {
            starts.add(pods.start("dens-" + count).startNanos());
            count++;
          }
          Percentiles p = new Percentiles(starts);
          last = Overhead.measure(rt, PodRunner.WORKLOAD, count);
          long avail = ProcFs.memAvailable();
          Map<String, Object> step = new LinkedHashMap<>();
          step.put("pods", count);
          step.put("start_p50_ms", round(p.millis(50)));
          step.put("start_p95_ms", round(p.millis(95)));
          step.put("per_pod_rss_mib", round(last.total().rss() / (double) MIB / count));
          step.put("per_pod_pss_mib", round(last.total().pss() / (double) MIB / count));
          step.put("daemon_rss_mib", round(last.daemon().rss() / (double) MIB));
          step.put("mem_available_gib", round(avail / (double) (1L << 30)));
          step.put("mem_drop_per_pod_mib", round((availIdle - avail) / (double) MIB / count));
          steps.add(step);
          System.err.println("bench: " + name + " density step " + step);
          if (p.nanos(95) > settings.densityP95LimitNanos()) {
            stop = "start p95 over " + settings.densityP95LimitNanos() / 1_000_000 + " ms";
            break;
          }
          if (avail < settings.densityMinAvailableBytes()) {
            stop =
                "MemAvailable under " + settings.densityMinAvailableBytes() / (1L << 20) + " MiB";
            break;
          }
          if (System.nanoTime() - t0 > budgetNanos) {
            stop = "time budget of the run spent";
            break;
          }
        }
      } finally {
        report.put(name, "density", "pods_reached", count);
        report.put(name, "density", "stopped_because", stop);
        if (last != null) {
          report.put(name, "density", "per_pod_rss_mib", last.total().rss() / (double) MIB / count);
          report.put(name, "density", "per_pod_pss_mib", last.total().pss() / (double) MIB / count);
          report.put(name, "density", "daemon_rss_mib", last.daemon().rss() / (double) MIB);
        }
        report.extra("density_steps_tessera", steps);
        progress(name, "density teardown of " + count + " pods");
        long td = System.nanoTime();
        int left = pods.removeAll();
        report.put(name, "density", "teardown_10_in_flight_s", (System.nanoTime() - td) / 1e9);
        if (left > 0) {
          report.put(name, "density", "pods_not_removed", left);
        }
      }
    }
  }

  private void overhead(RuntimeUnderTest rt, String workload, int pods, long availIdle) {
    Overhead.Sample s = Overhead.measure(rt, PodRunner.WORKLOAD, pods);
    String name = rt.name();
    report.put(name, workload, "pods", pods);
    if (pods > 0) {
      report.put(name, workload, "per_pod_rss_mib", s.total().rss() / (double) MIB / pods);
      report.put(name, workload, "per_pod_pss_mib", s.total().pss() / (double) MIB / pods);
    }
    report.put(name, workload, "total_rss_mib", s.total().rss() / (double) MIB);
    report.put(name, workload, "total_pss_mib", s.total().pss() / (double) MIB);
    report.put(name, workload, "daemon_rss_mib", s.daemon().rss() / (double) MIB);
    report.put(name, workload, "daemon_pss_mib", s.daemon().pss() / (double) MIB);
    report.put(name, workload, "monitors_rss_mib", s.monitors().rss() / (double) MIB);
    report.put(name, workload, "monitors_pss_mib", s.monitors().pss() / (double) MIB);
    report.put(name, workload, "infra_rss_mib", s.infra().rss() / (double) MIB);
    report.put(name, workload, "infra_pss_mib", s.infra().pss() / (double) MIB);
    report.put(name, workload, "monitor_processes", s.monitorCount());
    report.put(name, workload, "infra_processes", s.infraCount());
    report.put(name, workload, "workload_processes", s.workloadCount());
    if (pods > 0) {
      long drop = availIdle - ProcFs.memAvailable();
      report.put(name, workload, "mem_available_drop_per_pod_mib", drop / (double) MIB / pods);
    }
    if (s.workloadCount() != pods) {
      System.err.printf(
          "bench: %s %s: %d workload processes found for %d pods%n",
          name, workload, s.workloadCount(), pods);
    }
  }

  /** Per-pod cost of the pods between the two overhead points: what one more pod costs. */
  private void marginal(String name) {
    Object small = report.get(name, "overhead_small", "total_pss_mib");
    Object dense = report.get(name, "overhead_dense", "total_pss_mib");
    Object smallRss = report.get(name, "overhead_small", "total_rss_mib");
    Object denseRss = report.get(name, "overhead_dense", "total_rss_mib");
    int n = settings.densePods() - settings.latencyPods();
    if (small instanceof Double a && dense instanceof Double b && n > 0) {
      report.put(name, "overhead_marginal", "per_pod_pss_mib", (b - a) / n);
      report.put(
          name,
          "overhead_marginal",
          "per_pod_rss_mib",
          ((Double) denseRss - (Double) smallRss) / n);
    }
  }

  private void lists(CriClient client, String name) {
    progress(name, "list and stats calls at " + settings.densePods() + " pods");
    timeCalls(
        name,
        "ListPodSandbox",
        () -> client.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()));
    timeCalls(
        name,
        "ListContainers",
        () -> client.runtime().listContainers(ListContainersRequest.getDefaultInstance()));
    timeCalls(
        name,
        "ListContainerStats",
        () -> client.runtime().listContainerStats(ListContainerStatsRequest.getDefaultInstance()));
    timeCalls(
        name,
        "ListPodSandboxStats",
        () ->
            client.runtime().listPodSandboxStats(ListPodSandboxStatsRequest.getDefaultInstance()));
  }

  private void timeCalls(String name, String rpc, Supplier<?> call) {
    try {
      // kubelet calls these every second or so: a warm daemon (caches filled, JIT done) is the
      // steady state, so up to 10 untimed calls (or 3 s of them) come first.
      long warm = System.nanoTime();
      for (int i = 0; i < 10 && System.nanoTime() - warm < 3_000_000_000L; i++) {
        call.get();
      }
    } catch (StatusRuntimeException e) {
      // A runtime that cannot answer gets a word instead of a figure; the run goes on.
      Status.Code code = e.getStatus().getCode();
      report.put(
          name,
          "list_dense",
          rpc + "_p50_ms",
          code == Status.Code.UNIMPLEMENTED ? "unimplemented" : "error " + code);
      System.err.println("bench: " + name + " " + rpc + ": " + e.getStatus());
      return;
    }
    // containerd 1.6's ListPodSandboxStats takes seconds per call at density: the p50 is of
    // listCalls calls or of those that fit in 60 s, at least 3; the count is reported.
    // A call that fails (containerd's ListPodSandboxStats hits its own deadline at density on a
    // loaded machine) is counted, not timed.
    List<Long> times = new ArrayList<>();
    int errors = 0;
    String lastError = "";
    long began = System.nanoTime();
    for (int i = 0; i < settings.listCalls(); i++) {
      if (i >= 3 && System.nanoTime() - began > 60_000_000_000L) {
        break;
      }
      long t = System.nanoTime();
      try {
        call.get();
        times.add(System.nanoTime() - t);
      } catch (StatusRuntimeException e) {
        errors++;
        lastError = "error " + e.getStatus().getCode();
        System.err.println("bench: " + name + " " + rpc + ": " + e.getStatus());
      }
    }
    report.put(
        name,
        "list_dense",
        rpc + "_p50_ms",
        times.isEmpty() ? lastError : new Percentiles(times).millis(50));
    if (times.size() < settings.listCalls()) {
      report.put(name, "list_dense", rpc + "_calls", times.size());
    }
    if (errors > 0) {
      report.put(name, "list_dense", rpc + "_errors", errors);
    }
  }

  /** The p50 of each of the three calls of a start, to see which one costs. */
  private void callSplit(String name, List<StartedPod> pods) {
    report.put(
        name,
        "start_latency",
        "RunPodSandbox_p50_ms",
        new Percentiles(pods.stream().map(StartedPod::runNanos).toList()).millis(50));
    report.put(
        name,
        "start_latency",
        "CreateContainer_p50_ms",
        new Percentiles(pods.stream().map(StartedPod::createNanos).toList()).millis(50));
    report.put(
        name,
        "start_latency",
        "StartContainer_p50_ms",
        new Percentiles(pods.stream().map(StartedPod::startContainerNanos).toList()).millis(50));
  }

  private void latency(String name, String workload, List<Long> nanos) {
    Percentiles p = new Percentiles(nanos);
    report.put(name, workload, "p50_ms", p.millis(50));
    report.put(name, workload, "p95_ms", p.millis(95));
    report.put(name, workload, "p99_ms", p.millis(99));
    report.put(name, workload, "n", p.count());
  }

  private static void awaitReady(CriClient client, RuntimeUnderTest rt) {
    // containerd loads its CNI config a moment after its socket appears.
    await("runtime " + rt.name() + " ready on " + rt.socket())
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () ->
                client
                    .runtime()
                    .status(StatusRequest.getDefaultInstance())
                    .getStatus()
                    .getConditionsList()
                    .stream()
                    .allMatch(c -> c.getStatus()));
  }

  private static void pull(CriClient client, String image) {
    client
        .images()
        .pullImage(
            PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build());
  }

  private Path logDir(String runtime) throws IOException {
    return Files.createDirectories(settings.work().resolve("logs").resolve(runtime));
  }

  private void progress(String runtime, String what) {
    System.err.printf(
        Locale.ROOT, "bench: [%5.0f s] %s: %s%n", (System.nanoTime() - t0) / 1e9, runtime, what);
  }

  private Map<String, Object> settingsMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("warmup_pods", settings.warmupPods());
    m.put("latency_pods", settings.latencyPods());
    m.put("throughput_pods", settings.throughputPods());
    m.put("in_flight", settings.inFlight());
    m.put("dense_pods", settings.densePods());
    m.put("list_calls", settings.listCalls());
    m.put("density_step", settings.densityStep());
    m.put("density_max", settings.densityMax());
    m.put("workload", PodRunner.WORKLOAD);
    m.put("image", settings.image());
    m.put("pause_image", settings.pauseImage());
    return m;
  }

  private static String loadavg() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static double round(double d) {
    return Math.round(d * 1000) / 1000.0;
  }
}
