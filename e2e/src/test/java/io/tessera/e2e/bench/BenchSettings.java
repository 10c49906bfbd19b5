package io.tessera.e2e.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one run of {@link SideBySideBench} does, from the system properties scripts/bench.sh passes.
 *
 * @param cgroupRoot cgroupfs path under which each pod gets its cgroup parent, as kubelet's {@code
 *     /kubepods/besteffort/pod<uid>}
 * @param only parts to run ({@code containerd}, {@code tessera}, {@code density}); empty for all
 * @param latencyPods pods started one after another for start latency; they stay up and are the
 *     smaller of the two overhead points
 * @param throughputPods pods started with {@code inFlight} concurrent starts, measured
 * @param inFlight concurrent starts in the throughput and fill phases
 * @param densePods pods running for the second overhead point and the list/stats calls
 * @param listCalls calls of each list RPC (the p50 of these)
 * @param densityStep pods added per step of tessera's density ceiling (started one by one)
 * @param densityMax the density ceiling's target
 * @param densityP95LimitNanos a step whose start p95 exceeds this ends the climb
 * @param densityMinAvailableBytes MemAvailable under this ends the climb
 */
record BenchSettings(
    boolean quick,
    String image,
    String pauseImage,
    Path json,
    Path work,
    String cgroupRoot,
    List<RuntimeUnderTest> runtimes,
    Set<String> only,
    int warmupPods,
    int latencyPods,
    int throughputPods,
    int inFlight,
    int densePods,
    int listCalls,
    int densityStep,
    int densityMax,
    long densityP95LimitNanos,
    long densityMinAvailableBytes) {

  static final String TESSERA = "tessera";
  static final String CONTAINERD = "containerd";

  static BenchSettings fromSystemProperties() {
    boolean quick = "1".equals(System.getProperty("bench.quick", "0"));
    List<RuntimeUnderTest> runtimes =
        List.of(
            RuntimeUnderTest.fromSystemProperties(CONTAINERD),
            RuntimeUnderTest.fromSystemProperties(TESSERA));
    return new BenchSettings(
        quick,
        required("bench.image"),
        required("bench.pauseImage"),
        Path.of(required("bench.json")),
        Path.of(required("bench.work")),
        required("bench.cgroupRoot"),
        runtimes,
        Set.of(System.getProperty("bench.only", "").split(",")).stream()
            .filter(x -> !x.isBlank())
            .collect(Collectors.toSet()),
        quick ? 2 : 5,
        quick ? 10 : 100,
        quick ? 20 : 200,
        10,
        quick ? 50 : 500,
        quick ? 5 : 20,
        quick ? 50 : 100,
        quick ? 100 : 1000,
        2_000_000_000L,
        2L << 30);
  }

  boolean selected(String part) {
    return only.isEmpty() || only.contains(part);
  }

  static String required(String key) {
    String v = System.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(
          "system property " + key + " is not set: run the side-by-side bench with `make bench`");
    }
    return v;
  }
}
