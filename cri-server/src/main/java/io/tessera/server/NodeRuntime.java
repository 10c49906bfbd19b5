package io.tessera.server;

import io.tessera.kernel.cgroup.CgroupLayout;
import io.tessera.kernel.cgroup.CgroupManager;
import io.tessera.kernel.cgroup.CgroupStatsReader;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.kernel.fs.ProjectQuotasJna;
import io.tessera.kernel.mount.Mounter;
import io.tessera.kernel.mount.MounterJna;
import io.tessera.kernel.ns.NamespacePinnerJna;
import io.tessera.kernel.oci.ConmonMonitor;
import io.tessera.kernel.oci.OciRuntime;
import io.tessera.kernel.oci.OciRuntimeLocator;
import io.tessera.kernel.oci.RuncRuntime;
import io.tessera.kernel.oci.RuntimeProbe;
import io.tessera.sandbox.cni.CniNetwork;
import io.tessera.sandbox.lifecycle.Containers;
import io.tessera.sandbox.lifecycle.PodSandboxes;
import io.tessera.sandbox.lifecycle.StatePaths;
import io.tessera.sandbox.seccomp.SeccompProfiles;
import io.tessera.sandbox.stats.StatsSampler;
import io.tessera.sandbox.store.StoreLayout;
import io.tessera.server.config.HostConfigException;
import io.tessera.server.config.TesseraConfig;
import io.tessera.storage.image.ImageService;
import io.tessera.storage.snapshot.OverlaySnapshotter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod and container side of the node, wired from host parts: the OCI runtimes that passed a
 * real trial at start-up, conmon, namespace pinning, mounts, cgroups, the overlay snapshotter.
 *
 * @param handlers the runtime handlers that work here, default first
 * @param probeReason why the default handler was chosen (e.g. crun refused this host)
 * @param network the pods' CNI network; the daemon closes it
 * @param stats samples the running containers' resource usage (started here)
 */
public record NodeRuntime(
    PodSandboxes pods,
    Containers containers,
    List<String> handlers,
    String defaultHandler,
    String probeReason,
    CniNetwork network,
    StatsSampler stats) {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRuntime.class);

  /** Wires the node; {@code network} is handed to the pods (the caller keeps closing it). */
  public static NodeRuntime open(TesseraConfig config, ImageService images, CniNetwork network) {
    OciRuntimeLocator locator = OciRuntimeLocator.withDefaultDirs();
    CgroupManager cgroups = CgroupManager.forHost();
    StatePaths state = new StatePaths(config.stateDir());
    RuntimeProbe.ProbeReport probe = probe(config, locator, cgroups);
    for (RuntimeProbe.HandlerProbe h : probe.handlers()) {
      LOG.info("OCI runtime {}: {} ({})", h.name(), h.works() ? "works" : "unusable", h.detail());
    }
    String defaultHandler =
        probe
            .defaultHandler()
            .orElseThrow(
                () ->
                    new FailedPreconditionException(
                        "no OCI runtime works on this host: " + probe.reason()));
    LOG.info("default runtime handler {}: {}", defaultHandler, probe.reason());
    Path conmon =
        locator
            .find("conmon")
            .orElseThrow(
                () -> new FailedPreconditionException("conmon not found in " + locator.dirs()));
    ConmonMonitor monitor = new ConmonMonitor(conmon);
    Map<String, OciRuntime> runtimes = new LinkedHashMap<>();
    runtimes.put(defaultHandler, runtime(defaultHandler, probe, state, monitor));
    for (RuntimeProbe.HandlerProbe h : probe.handlers()) {
      if (h.works() && !runtimes.containsKey(h.name())) {
        runtimes.put(h.name(), runtime(h.name(), probe, state, monitor));
      }
    }

    StoreLayout layout = new StoreLayout(config.rootDir());
    Mounter mounter = new MounterJna();
    SeccompProfiles seccomp = SeccompProfiles.forHost();
    OverlaySnapshotter snapshotter = openSnapshotter(config, mounter);
    PodSandboxes pods =
        new PodSandboxes(
            layout,
            state,
            new NamespacePinnerJna(),
            mounter,
            cgroups,
            runtimes.keySet(),
            defaultHandler,
            Path.of("/etc/resolv.conf"),
            runtimes,
            seccomp);
    Containers containers =
        new Containers(
            layout,
            state,
            pods,
            images,
            snapshotter,
            mounter,
            runtimes,
            defaultHandler,
            seccomp,
            cgroups.layout() == CgroupLayout.V2);
    containers.setDefaultRootfsSize(config.storage().defaultRootfsSizeBytes());
    pods.setContainers(containers);
    pods.setNetwork(network);
    images.setLayerDirsInUse(containers::lowerDirsInUse);
    pods.recover();
    containers.recover();
    LOG.info(
        "recovered {} pods, {} containers",
        pods.all().size(),
        containers.list(io.tessera.sandbox.filter.ContainerFilter.ALL).size());
    StatsSampler stats =
        StatsSampler.builder()
            .runningContainers(
                () ->
                    containers.list(
                        new io.tessera.sandbox.filter.ContainerFilter(
                            java.util.Optional.empty(),
                            java.util.Optional.of(io.tessera.sandbox.model.ContainerState.RUNNING),
                            java.util.Optional.empty(),
                            Map.of())))
            .readyPods(
                () ->
                    pods.list(
                        new io.tessera.sandbox.filter.PodSandboxFilter(
                            java.util.Optional.empty(),
                            java.util.Optional.of(io.tessera.sandbox.model.PodSandboxState.READY),
                            Map.of())))
            .snapshots(snapshotter)
            .cgroups(CgroupStatsReader.forHost())
            .netDev(new io.tessera.kernel.net.NetDevReaderJna())
            .writableRoot(config.rootDir())
            .interval(config.stats().interval())
            .build();
    stats.start();
    return new NodeRuntime(
        pods,
        containers,
        List.copyOf(runtimes.keySet()),
        defaultHandler,
        probe.reason(),
        network,
        stats);
  }

  /**
   * The snapshotter with writable-layer quota detection; a configured default size that the root's
   * file system cannot enforce stops start-up (exit 2) instead of being silently ignored.
   */
  private static OverlaySnapshotter openSnapshotter(TesseraConfig config, Mounter mounter) {
    OverlaySnapshotter snapshotter;
    try {
      snapshotter =
          new OverlaySnapshotter(
              config.rootDir(),
              new FileOpsJna(),
              new ProjectQuotasJna(),
              new io.tessera.storage.snapshot.LoopLayers(
                  new io.tessera.kernel.fs.LoopDevicesJna(), mounter),
              config.storage().quotaBackend());
    } catch (FailedPreconditionException e) {
      // An explicitly chosen backend this host cannot run: a config the host cannot honour.
      throw new HostConfigException("[storage] " + e.getMessage());
    }
    if (config.storage().defaultRootfsSizeBytes() > 0 && !snapshotter.quotaSupport().enabled()) {
      throw new HostConfigException(
          "[storage] default_rootfs_size = \""
              + config.storage().defaultRootfsSize()
              + "\" cannot be enforced under "
              + config.rootDir()
              + ": "
              + snapshotter.quotaSupport().describe()
              + " (set it to \"0\", put the root on XFS mounted with prjquota, or set"
              + " quota_backend = \"loop\")");
    }
    return snapshotter;
  }

  /**
   * Trials the configured handlers, or crun and runc where installed; a configured default that
   * fails its trial stops start-up rather than silently running pods elsewhere.
   */
  private static RuntimeProbe.ProbeReport probe(
      TesseraConfig config, OciRuntimeLocator locator, CgroupManager cgroups) {
    RuntimeProbe prober =
        RuntimeProbe.forHost(locator, config.stateDir().resolve("probe"), cgroups);
    Map<String, java.util.Optional<Path>> handlers = new LinkedHashMap<>();
    if (config.runtimes().handlers().isEmpty()) {
      for (String name : RuntimeProbe.CANDIDATES) {
        handlers.put(name, locator.find(name));
      }
    } else {
      config.runtimes().handlers().forEach((n, p) -> handlers.put(n, java.util.Optional.of(p)));
    }
    RuntimeProbe.ProbeReport report = prober.probe(handlers, config.runtimes().defaultHandler());
    config
        .runtimes()
        .defaultHandler()
        .filter(d -> report.defaultHandler().isEmpty())
        .ifPresent(
            d -> {
              throw new FailedPreconditionException(
                  "default_runtime "
                      + d
                      + " does not work on this host: "
                      + report.handler(d).map(RuntimeProbe.HandlerProbe::detail).orElse("?"));
            });
    return report;
  }

  private static OciRuntime runtime(
      String name, RuntimeProbe.ProbeReport probe, StatePaths state, ConmonMonitor monitor) {
    Path binary = probe.handler(name).flatMap(RuntimeProbe.HandlerProbe::binary).orElseThrow();
    Path root = state.runtimeRoot(name);
    // runc and crun share one command-line interface; the handler name is only a label.
    return new RuncRuntime(name, binary, root, monitor);
  }
}
