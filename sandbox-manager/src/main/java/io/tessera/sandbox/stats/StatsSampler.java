package io.tessera.sandbox.stats;

import io.tessera.kernel.cgroup.CgroupStatsReader;
import io.tessera.kernel.cgroup.CgroupUsage;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.oci.spec.Linux;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.kernel.oci.spec.SpecJson;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.storage.snapshot.Snapshotter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * Samples the cgroup of every running container on an interval and answers container stats from the
 * latest sample. The CPU rate comes from the last two samples of a container, so a sampler
 * answering on demand (interval 0, or a container not sampled yet) takes a sample per call and
 * reports a rate from the second call on.
 *
 * <p>Thread-safe. One daemon thread samples once {@link #start() started}; {@link #close()} stops
 * it and is idempotent. The writable layer is walked at most every {@link #WRITABLE_REFRESH} per
 * container, since a walk costs in proportion to the files in it.
 */
public final class StatsSampler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatsSampler.class);

  /** The interval when none is configured. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  static final Duration WRITABLE_REFRESH = Duration.ofSeconds(10);

  private final Supplier<List<Container>> running;
  private final Snapshotter snapshots;
  private final CgroupStatsReader cgroups;
  private final Function<Container, Optional<String>> cgroupPaths;
  private final Path writableMountpoint;
  private final Duration interval;
  private final Map<String, History> history = new ConcurrentHashMap<>();
  private final Map<String, Optional<String>> cgroupPathCache = new ConcurrentHashMap<>();
  private ScheduledExecutorService thread;

  /**
   * @param running the containers to sample (those that are RUNNING now)
   * @param snapshots the snapshotter holding the writable layers, keyed by snapshot key
   * @param writableRoot a directory on the file system that holds the writable layers
   * @param interval time between samples; zero samples on demand only
   */
  public StatsSampler(
      Supplier<List<Container>> running,
      Snapshotter snapshots,
      CgroupStatsReader cgroups,
      Path writableRoot,
      Duration interval) {
    if (interval.isNegative()) {
      throw new IllegalArgumentException("stats interval must not be negative: " + interval);
    }
    this.running = running;
    this.snapshots = snapshots;
    this.cgroups = cgroups;
    this.cgroupPaths = StatsSampler::cgroupPathFromBundle;
    this.writableMountpoint = mountpointOf(writableRoot.toAbsolutePath().normalize());
    this.interval = interval;
  }

  /** Starts the sampling thread, unless sampling on demand; call once. */
  public synchronized void start() {
    if (interval.isZero() || thread != null) {
      return;
    }
    thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "container-stats");
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
      h = sample(container);
    }
    return h == null ? Optional.empty() : Optional.of(h.toSample());
  }

  /** One sampling round over all running containers; forgets those no longer running. */
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
    Reading r =
        new Reading(mono, wall.getEpochSecond() * 1_000_000_000L + wall.getNano(), usage.get());
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
}
