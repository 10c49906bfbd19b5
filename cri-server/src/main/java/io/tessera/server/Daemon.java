package io.tessera.server;

import io.grpc.BindableService;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.fs.FileOps;
import io.tessera.kernel.fs.FileOpsJna;
import io.tessera.kernel.ns.NamespacePinnerJna;
import io.tessera.sandbox.cni.CniNetwork;
import io.tessera.sandbox.streaming.RuntimeStreamingBackend;
import io.tessera.sandbox.streaming.StreamingBackend;
import io.tessera.server.config.TesseraConfig;
import io.tessera.server.grpc.CriCallInterceptor;
import io.tessera.server.grpc.CriImageService;
import io.tessera.server.grpc.CriRuntimeService;
import io.tessera.server.grpc.CriServer;
import io.tessera.server.metrics.MetricsEndpoint;
import io.tessera.server.streaming.StreamingServer;
import io.tessera.storage.content.ContentStore;
import io.tessera.storage.content.ImageFetcher;
import io.tessera.storage.image.ImageService;
import io.tessera.storage.image.ImageStore;
import io.tessera.storage.layer.LayerStore;
import io.tessera.storage.layer.LayerUnpacker;
import io.tessera.storage.registry.Platform;
import io.tessera.storage.registry.RegistriesConf;
import io.tessera.storage.registry.RegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: wires config, host probing, metrics and the CRI server, and takes them down
 * in reverse order. {@link #start} either returns a fully started daemon or undoes what it did.
 */
public final class Daemon implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  private final TesseraConfig config;
  private final Deque<AutoCloseable> teardown;

  private Daemon(TesseraConfig config, Deque<AutoCloseable> teardown) {
    this.config = config;
    this.teardown = teardown;
  }

  public static Daemon start(TesseraConfig config) {
    Deque<AutoCloseable> undo = new ArrayDeque<>();
    try {
      makeDir(config.rootDir());
      makeDir(config.stateDir());
      undo.push(StateLock.acquire(config.stateDir()));

      HostFacts host = HostFacts.probe(config.cgroupDriver());
      LOG.info(
          "host: kernel {}, cgroups {}, driver {}, OCI runtimes {}",
          host.kernelRelease(),
          host.cgroupLayout(),
          host.cgroupDriver().configName(),
          host.ociRuntimes());

      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      JvmGcMetrics gc = new JvmGcMetrics();
      gc.bindTo(registry);
      undo.push(gc);
      undo.push(registry::close);
      if (config.metricsAddress().isPresent()) {
        MetricsEndpoint metrics = MetricsEndpoint.start(registry, config.metricsAddress().get());
        undo.push(metrics);
        LOG.info(
            "metrics on http://{}:{}/metrics",
            config.metricsAddress().get().getHostString(),
            metrics.port());
      }

      ImageService images = openImages(config);
      CniNetwork network = PodNetworkSetup.open(config);
      undo.push(network);
      NodeRuntime node = NodeRuntime.open(config, images, network);
      undo.push(node.containers());
      undo.push(node.stats());
      StreamingServer streaming = StreamingServer.start(config.streaming(), streamingBackend(node));
      undo.push(streaming);
      List<BindableService> services =
          List.of(
              new CriRuntimeService(config, host, node, streaming), new CriImageService(images));
      CriServer server =
          new CriServer(config.socketPath(), services, new CriCallInterceptor(registry));
      server.start();
      undo.push(() -> server.stop(config.shutdownTimeout()));
      return new Daemon(config, undo);
    } catch (RuntimeException e) {
      closeAll(undo);
      throw e;
    }
  }

  /** Exec, attach and port-forward over the node's runtime, for the streaming server. */
  static StreamingBackend streamingBackend(NodeRuntime node) {
    return new RuntimeStreamingBackend(node.containers(), node.pods(), new NamespacePinnerJna());
  }

  /** The image side of the node: content store, unpacked layers, image records, puller. */
  static ImageService openImages(TesseraConfig config) {
    Path root = config.rootDir();
    ContentStore content = ContentStore.open(root);
    FileOps fileOps = new FileOpsJna();
    LayerUnpacker unpacker =
        new LayerUnpacker(
            fileOps,
            new LayerUnpacker.Limits(
                config.images().maxUnpackedLayerBytes(),
                LayerUnpacker.Limits.DEFAULT.maxEntries()));
    LayerStore layers = new LayerStore(root, unpacker, fileOps);
    ImageStore store =
        ImageStore.open(root.resolve("images"), d -> content.path(d).map(p -> content.read(d)));
    ImageFetcher fetcher =
        new ImageFetcher(
            content,
            RegistryClient.builder().build(),
            RegistriesConf.load(config.images().registriesConfig()),
            config.images().maxConcurrentDownloads());
    ImageService images = new ImageService(root, content, layers, store, fetcher, Platform.host());
    LOG.info("images: {} known", store.list().size());
    return images;
  }

  public TesseraConfig config() {
    return config;
  }

  /** Stops serving (in-flight calls get the configured grace), then releases everything else. */
  @Override
  public void close() {
    closeAll(teardown);
    LOG.info("stopped");
  }

  private static void closeAll(Deque<AutoCloseable> stack) {
    while (!stack.isEmpty()) {
      try {
        stack.pop().close();
      } catch (Exception e) {
        LOG.warn("teardown step failed: {}", e.toString());
      }
    }
  }

  private static void makeDir(Path dir) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
      }
    } catch (IOException e) {
      throw new InternalException("create directory " + dir + ": " + e.getMessage(), e);
    }
  }
}
