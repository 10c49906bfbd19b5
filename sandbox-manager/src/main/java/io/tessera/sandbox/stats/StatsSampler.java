package io.tessera.sandbox.stats;

import io.tessera.kernel.cgroup.CgroupStatsReader;
import io.tessera.kernel.cgroup.CgroupUsage;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.net.InterfaceCounters;
import io.tessera.kernel.net.NetDevReader;
import io.tessera.kernel.oci.spec.Linux;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.kernel.oci.spec.SpecJson;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.NamespaceType;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxState;
import io.tessera.storage.snapshot.Snapshotter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the cgroup of every running container and of every ready pod sandbox (plus the pod's
 * network namespace) on an interval, and answers stats from the latest sample. The CPU rate comes
 * from the last two samples of an object, so a sampler answering on demand (interval 0, or an
 * object not sampled yet) takes a sample per call and reports a rate from the second call on.
 *
 * <p>Thread-safe. One daemon thread samples once {@link #start() started}; {@link #close()} stops
 * it and is idempotent. The writable layer is walked at most every {@link #WRITABLE_REFRESH} per
 * container, since a walk costs in proportion to the files in it. All pods' network namespaces are
 * read in one pass ({@link NetDevReader}), not one thread per pod.
 */
public final class StatsSampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatsSampler.class);

  /** The interval when none is configured. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  static final Duration WRITABLE_REFRESH = Duration.ofSeconds(10);

  /** Sampling on demand, how often histories of objects that went away are dropped. */
  static final Duration ON_DEMAND_PURGE = Duration.ofSeconds(60);

  private final Supplier<List<Container>> running;
  private final Supplier<List<PodSandbox>> readyPods;
  private final NetDevReader netDev;
  private final Snapshotter snapshots;
  private final CgroupStatsReader cgroups;
  private final Function<Container, Optional<String>> cgroupPaths;
  private final Path writableMountpoint;
  private final Duration interval;
  private final Map<String, History> history = new ConcurrentHashMap<>();
  private final Map<String, Optional<String>> cgroupPathCache = new ConcurrentHashMap<>();
  private final Map<String, PodHistory> podHistory = new ConcurrentHashMap<>();
  private volatile long lastPurgeMono = System.nanoTime();
  private ScheduledExecutorService thread;

  private StatsSampler(Builder b) {
    if (b.interval.isNegative()) {
      throw new IllegalArgumentException("stats interval must not be negative: " + b.interval);
    }
    this.running = Objects.requireNonNull(b.running, "running containers");
    this.readyPods = Objects.requireNonNull(b.readyPods, "ready pods");
    this.snapshots = Objects.requireNonNull(b.snapshots, "snapshotter");
    this.cgroups = Objects.requireNonNull(b.cgroups, "cgroup reader");
    this.netDev = Objects.requireNonNull(b.netDev, "netns reader");
    this.cgroupPaths = StatsSampler::cgroupPathFromBundle;
    this.writableMountpoint =
        mountpointOf(Objects.requireNonNull(b.writableRoot).toAbsolutePath().normalize());
    this.interval = b.interval;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The interval this sampler was built with; zero means on demand. */
  public Duration interval() {
    return interval;
  }

  /** Starts the sampling thread, unless sampling on demand; call once. */
  public synchronized void start() {
    if (interval.isZero() || thread != null) {
      return;
    }
    thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stats-sampler");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(this::sampleAll, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * The latest stats of {@code container}; sampled now when sampling on demand or when it has no
   * sample yet. Empty when it is not running or its cgroup is gone.
   */
  public Optional<ContainerStatsSample> stats(Container container) {
    if (container.state() != ContainerState.RUNNING) {
      return Optional.empty();
    }
    History h = history.get(container.id());
    if (interval.isZero() || h == null) {
      purgeIfDue();
      h = sample(container);
    }
    return h == null ? Optional.empty() : Optional.of(h.toSample());
  }

  /**
   * The latest stats of {@code pod}; sampled now when sampling on demand or when it has no sample
   * yet. Empty when it is not ready.
   */
  public Optional<PodSandboxStatsSample> stats(PodSandbox pod) {
    return Optional.ofNullable(stats(List.of(pod)).get(pod.id()));
  }

  /**
   * The latest stats of each ready pod of {@code pods}, by id; those to sample now (all when
   * sampling on demand, else those without a sample yet) are sampled in one pass. Pods that are not
   * ready have no entry.
   */
  public Map<String, PodSandboxStatsSample> stats(Collection<PodSandbox> pods) {
    Map<String, PodSandboxStatsSample> out = new LinkedHashMap<>();
    List<PodSandbox> toSample = new ArrayList<>();
    for (PodSandbox p : pods) {
      if (p.state() != PodSandboxState.READY) {
        continue;
      }
      PodHistory h = podHistory.get(p.id());
      if (interval.isZero() || h == null) {
        toSample.add(p);
      } else {
        out.put(p.id(), h.toSample());
      }
    }
    if (!toSample.isEmpty()) {
      purgeIfDue();
      samplePods(toSample).forEach((id, h) -> out.put(id, h.toSample()));
    }
    return out;
  }

  /**
   * One sampling round over all running containers and ready pods; forgets those no longer running
   * or ready.
   */
  void sampleAll() {
    try {
      List<Container> now = running.get();
      Set<String> ids = now.stream().map(Container::id).collect(Collectors.toSet());
      history.keySet().retainAll(ids);
      cgroupPathCache.keySet().retainAll(ids);
      for (Container c : now) {
        try {
          sample(c);
        } catch (RuntimeException e) {
          LOG.warn("container {}: sampling stats failed: {}", c.id(), e.getMessage());
        }
      }
    } catch (RuntimeException e) {
      // Keep the thread alive: a failed round must not end sampling for good.
      LOG.warn("container stats round failed: {}", e.getMessage());
    }
    try {
      List<PodSandbox> pods = readyPods.get();
      podHistory.keySet().retainAll(pods.stream().map(PodSandbox::id).collect(Collectors.toSet()));
      samplePods(pods);
    } catch (RuntimeException e) {
      LOG.warn("pod sandbox stats round failed: {}", e.getMessage());
    }
  }

  /** Sampling on demand, nothing else forgets objects that went away: do it now and then. */
  private void purgeIfDue() {
    long now = System.nanoTime();
    if (now - lastPurgeMono < ON_DEMAND_PURGE.toNanos()) {
      return;
    }
    lastPurgeMono = now;
    Set<String> ctrs = running.get().stream().map(Container::id).collect(Collectors.toSet());
    history.keySet().retainAll(ctrs);
    cgroupPathCache.keySet().retainAll(ctrs);
    podHistory
        .keySet()
        .retainAll(readyPods.get().stream().map(PodSandbox::id).collect(Collectors.toSet()));
  }

  /**
   * Samples the cgroups of {@code pods} one by one, then all their network namespaces in one pass;
   * returns the new histories by pod id.
   */
  private Map<String, PodHistory> samplePods(List<PodSandbox> pods) {
    Map<String, PodReading> readings = new LinkedHashMap<>();
    Map<Path, String> netns = new LinkedHashMap<>();
    for (PodSandbox p : pods) {
      try {
        readings.put(p.id(), readPodCgroup(p));
        p.facts().namespacePath(NamespaceType.NETWORK).ifPresent(n -> netns.put(n, p.id()));
      } catch (RuntimeException e) {
        LOG.warn("pod {}: sampling stats failed: {}", p.id(), e.getMessage());
      }
    }
    long netEpoch = epochNanos(Instant.now());
    Map<Path, List<InterfaceCounters>> counters =
        netns.isEmpty() ? Map.of() : netDev.read(netns.keySet());
    Map<String, Optional<PodSandboxStatsSample.Network>> networks = new LinkedHashMap<>();
    counters.forEach(
        (path, ifs) ->
            networks.put(
                netns.get(path), Optional.of(PodSandboxStatsSample.Network.of(netEpoch, ifs))));
    Map<String, PodHistory> out = new LinkedHashMap<>();
    readings.forEach(
        (id, r) -> {
          Optional<PodSandboxStatsSample.Network> net = networks.getOrDefault(id, Optional.empty());
          PodHistory h =
              podHistory.compute(
                  id,
                  (k, old) -> {
                    if (old != null && old.latest().monoNanos() >= r.monoNanos()) {
                      return old; // a concurrent, later sample won
                    }
                    Reading previous = old == null ? null : old.latest().cgroup();
                    return new PodHistory(k, previous, r, net);
                  });
          out.put(id, h);
        });
    return out;
  }

  private PodReading readPodCgroup(PodSandbox p) {
    long mono = System.nanoTime();
    long epoch = epochNanos(Instant.now());
    Optional<String> path = p.facts().cgroupPath();
    Optional<CgroupUsage> usage = path.flatMap(cgroups::read);
    OptionalLong tasks = path.isPresent() ? cgroups.processCount(path.get()) : OptionalLong.empty();
    return new PodReading(mono, epoch, usage.map(u -> new Reading(mono, epoch, u)), tasks);
  }

  private static long epochNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private History sample(Container c) {
    Optional<String> path = cgroupPathCache.computeIfAbsent(c.id(), k -> cgroupPaths.apply(c));
    if (path.isEmpty()) {
      return null;
    }
    long mono = System.nanoTime();
    Instant wall = Instant.now();
    Optional<CgroupUsage> usage = cgroups.read(path.get());
    if (usage.isEmpty()) {
      history.remove(c.id());
      return null;
    }
    Reading r = new Reading(mono, epochNanos(wall), usage.get());
    return history.compute(
        c.id(),
        (id, old) -> {
          if (old != null && old.latest().monoNanos() >= mono) {
            return old; // a concurrent, later sample won
          }
          Optional<ContainerStatsSample.WritableLayer> layer =
              old != null
                      && old.writable().isPresent()
                      && mono - old.writableMono() < WRITABLE_REFRESH.toNanos()
                  ? old.writable()
                  : writable(c, r.epochNanos());
          long layerMono = old != null && layer == old.writable() ? old.writableMono() : mono;
          return new History(id, old == null ? null : old.latest(), r, layer, layerMono);
        });
  }

  private Optional<ContainerStatsSample.WritableLayer> writable(Container c, long epochNanos) {
    try {
      Snapshotter.Usage u = snapshots.usage(c.facts().snapshotKey());
      return Optional.of(
          new ContainerStatsSample.WritableLayer(
              epochNanos, writableMountpoint, u.bytes(), u.inodes()));
    } catch (RuntimeException e) {
      LOG.warn("container {}: measuring its writable layer failed: {}", c.id(), e.getMessage());
      return Optional.empty();
    }
  }

  /** The cgroup path the container was created with, from its bundle's config.json. */
  private static Optional<String> cgroupPathFromBundle(Container c) {
    Spec spec = SpecJson.read(c.facts().bundleDir().resolve("config.json"), Spec.class);
    return Optional.ofNullable(spec.linux()).map(Linux::cgroupsPath);
  }

  /** The longest mount point that contains {@code dir}; "/" when none is listed. */
  private static Path mountpointOf(Path dir) {
    Path best = Path.of("/");
    for (MountInfo m : MountInfo.current()) {
      Path mp = Path.of(m.mountPoint());
      if (dir.startsWith(mp) && mp.getNameCount() > best.getNameCount()) {
        best = mp;
      }
    }
    return best;
  }

  @Override
  public synchronized void close() {
    if (thread != null) {
      thread.shutdownNow();
      thread = null;
    }
  }

  /** One cgroup reading: when (monotonic and epoch) and what. */
  record Reading(long monoNanos, long epochNanos, CgroupUsage usage) {}

  /** The last two readings of a container and its latest writable layer measurement. */
  record History(
      String containerId,
      Reading previous,
      Reading latest,
      Optional<ContainerStatsSample.WritableLayer> writable,
      long writableMono) {

    ContainerStatsSample toSample() {
      long ts = latest.epochNanos();
      var rate =
          previous == null
              ? OptionalLong.empty()
              : ContainerStatsSample.Cpu.nanoCores(
                  previous.usage().cpuNanos(),
                  latest.usage().cpuNanos(),
                  latest.monoNanos() - previous.monoNanos());
      return new ContainerStatsSample(
          containerId,
          new ContainerStatsSample.Cpu(ts, latest.usage().cpuNanos(), rate),
          ContainerStatsSample.Memory.of(ts, latest.usage()),
          writable);
    }
  }

  /** One pod reading: its cgroup (absent when gone) and task count, when (monotonic and epoch). */
  record PodReading(
      long monoNanos, long epochNanos, Optional<Reading> cgroupReading, OptionalLong tasks) {
    /** The cgroup reading, or null without one (for the previous slot of a history). */
    Reading cgroup() {
      return cgroupReading.orElse(null);
    }
  }

  /** The last two cgroup readings of a pod, its latest task count and network counters. */
  record PodHistory(
      String podSandboxId,
      Reading previous,
      PodReading latest,
      Optional<PodSandboxStatsSample.Network> network) {

    PodSandboxStatsSample toSample() {
      Optional<ContainerStatsSample.Cpu> cpu =
          latest
              .cgroupReading()
              .map(
                  r ->
                      new ContainerStatsSample.Cpu(
                          r.epochNanos(),
                          r.usage().cpuNanos(),
                          previous == null
                              ? OptionalLong.empty()
                              : ContainerStatsSample.Cpu.nanoCores(
                                  previous.usage().cpuNanos(),
                                  r.usage().cpuNanos(),
                                  r.monoNanos() - previous.monoNanos())));
      Optional<ContainerStatsSample.Memory> memory =
          latest
              .cgroupReading()
              .map(r -> ContainerStatsSample.Memory.of(r.epochNanos(), r.usage()));
      Optional<PodSandboxStatsSample.Processes> processes =
          latest.tasks().isPresent()
              ? Optional.of(
                  new PodSandboxStatsSample.Processes(
                      latest.epochNanos(), latest.tasks().getAsLong()))
              : Optional.empty();
      return new PodSandboxStatsSample(podSandboxId, cpu, memory, network, processes);
    }
  }

  /**
   * Collects a sampler's parts; not thread-safe. All are required except the interval ({@link
   * #DEFAULT_INTERVAL}).
   */
  public static final class Builder {
    private Supplier<List<Container>> running;
    private Supplier<List<PodSandbox>> readyPods;
    private Snapshotter snapshots;
    private CgroupStatsReader cgroups;
    private NetDevReader netDev;
    private Path writableRoot;
    private Duration interval = DEFAULT_INTERVAL;

    private Builder() {}

    /** The containers to sample: those that are RUNNING now. */
    public Builder runningContainers(Supplier<List<Container>> v) {
      running = v;
      return this;
    }

    /** The pod sandboxes to sample: those that are READY now. */
    public Builder readyPods(Supplier<List<PodSandbox>> v) {
      readyPods = v;
      return this;
    }

    /** The snapshotter holding the writable layers, keyed by snapshot key. */
    public Builder snapshots(Snapshotter v) {
      snapshots = v;
      return this;
    }

    public Builder cgroups(CgroupStatsReader v) {
      cgroups = v;
      return this;
    }

    /** Reads the pods' network namespaces. */
    public Builder netDev(NetDevReader v) {
      netDev = v;
      return this;
    }

    /** A directory on the file system that holds the writable layers. */
    public Builder writableRoot(Path v) {
      writableRoot = v;
      return this;
    }

    /** Time between samples; zero samples on demand only. */
    public Builder interval(Duration v) {
      interval = Objects.requireNonNull(v, "interval");
      return this;
    }

    public StatsSampler build() {
      return new StatsSampler(this);
    }
  }
}
