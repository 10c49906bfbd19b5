package io.tessera.server.config;

import io.tessera.kernel.cgroup.CgroupDriver;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The daemon's effective configuration: embedded defaults, then the TOML file, then flags. Built
 * only by {@link ConfigLoader}, which validates every value, so holders can trust it.
 *
 * @param socketPath the CRI Unix socket
 * @param rootDir persistent data (content, layers, images, pods, containers)
 * @param stateDir volatile data (pinned namespaces, monitor files); normally on tmpfs
 * @param logLevel one of error, warn, info, debug, trace
 * @param metricsAddress where /metrics is served, empty when disabled
 * @param cgroupDriver who manages the cgroup tree
 * @param shutdownTimeout how long in-flight calls may run after SIGTERM
 * @param images image pulling and unpacking settings
 * @param runtimes the runtime handlers
 * @param cni pod networking settings
 * @param streaming the Exec/Attach/PortForward streaming server
 */
public record TesseraConfig(
    Path socketPath,
    Path rootDir,
    Path stateDir,
    String logLevel,
    Optional<InetSocketAddress> metricsAddress,
    CgroupDriver cgroupDriver,
    Duration shutdownTimeout,
    Images images,
    Runtimes runtimes,
    Cni cni,
    Streaming streaming) {

  /**
   * Runtime handlers: {@code [runtimes.NAME] path = "..."} tables and {@code default_runtime}.
   *
   * @param handlers name to OCI runtime binary, in the file's order; empty means "probe crun and
   *     runc where they are installed"
   * @param defaultHandler the handler for pods that name none; empty means "the first that works"
   */
  public record Runtimes(Map<String, Path> handlers, Optional<String> defaultHandler) {
    public Runtimes {
      handlers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(handlers));
    }
  }

  /**
   * The {@code [images]} table.
   *
   * @param registriesConfig containers-registries.conf(5) file (mirrors, insecure, blocked)
   * @param maxConcurrentDownloads layer blobs one pull downloads at once
   * @param maxUnpackedLayerBytes a layer that unpacks to more is refused (decompression bombs)
   */
  public record Images(
      Path registriesConfig, int maxConcurrentDownloads, long maxUnpackedLayerBytes) {}

  /**
   * The {@code [cni]} table.
   *
   * @param confDir where the network config is read from; when it holds none, the daemon writes its
   *     default network into {@code <root>/cni/net.d} and reads that instead
   * @param binDirs where plugin binaries are looked up, in order
   * @param pluginTimeout bound on one plugin execution
   */
  public record Cni(Path confDir, List<Path> binDirs, Duration pluginTimeout) {
    public Cni {
      Objects.requireNonNull(confDir, "confDir");
      binDirs = List.copyOf(binDirs);
      Objects.requireNonNull(pluginTimeout, "pluginTimeout");
    }
  }

  /**
   * The {@code [streaming]} table.
   *
   * @param address where the streaming server listens (an IP address or host name); the URLs the
   *     RPCs return carry the address as bound
   * @param port 0 picks a free port
   * @param tls certificate and key (PEM) for https; empty serves plain http
   * @param tokenTtl how long a URL from Exec/Attach/PortForward may wait to be opened
   * @param idleTimeout a stream connection with no traffic for this long is closed
   * @param streamCreationTimeout how long a SPDY client may take to open its streams
   */
  public record Streaming(
      String address,
      int port,
      Optional<Tls> tls,
      Duration tokenTtl,
      Duration idleTimeout,
      Duration streamCreationTimeout) {
    public Streaming {
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(tls, "tls");
      Objects.requireNonNull(tokenTtl, "tokenTtl");
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      Objects.requireNonNull(streamCreationTimeout, "streamCreationTimeout");
    }

    /** The defaults: 127.0.0.1 on a free port, plain http, 1m tokens, 4h idle, 30s streams. */
    public static Streaming defaults() {
      return new Streaming(
          DEFAULT_STREAMING_ADDRESS,
          0,
          Optional.empty(),
          DEFAULT_STREAMING_TOKEN_TTL,
          DEFAULT_STREAMING_IDLE_TIMEOUT,
          DEFAULT_STREAMING_STREAM_CREATION_TIMEOUT);
    }

    /** A certificate chain and its private key, both PEM files. */
    public record Tls(Path certFile, Path keyFile) {
      public Tls {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
      }
    }
  }

  public static final String DEFAULT_STREAMING_ADDRESS = "127.0.0.1";
  public static final Duration DEFAULT_STREAMING_TOKEN_TTL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_STREAMING_IDLE_TIMEOUT = Duration.ofHours(4);
  public static final Duration DEFAULT_STREAMING_STREAM_CREATION_TIMEOUT = Duration.ofSeconds(30);

  public static final Path DEFAULT_CNI_CONF_DIR = Path.of("/etc/cni/net.d");
  public static final List<Path> DEFAULT_CNI_BIN_DIRS =
      List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
  public static final long DEFAULT_CNI_PLUGIN_TIMEOUT_SECONDS = 60;

  public static final Path DEFAULT_REGISTRIES_CONFIG = Path.of("/etc/containers/registries.conf");
  public static final int DEFAULT_MAX_CONCURRENT_DOWNLOADS = 3;
  public static final long DEFAULT_MAX_UNPACKED_LAYER_BYTES = 64L << 30;

  public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/tessera/tessera.toml");
  public static final Path DEFAULT_SOCKET = Path.of("/run/tessera/tessera.sock");
  public static final Path DEFAULT_ROOT = Path.of("/var/lib/tessera");
  public static final Path DEFAULT_STATE = Path.of("/run/tessera");
  public static final String DEFAULT_LOG_LEVEL = "info";
  public static final String DEFAULT_METRICS_ADDRESS = "127.0.0.1:9464";
  public static final long DEFAULT_SHUTDOWN_TIMEOUT_SECONDS = 10;

  public TesseraConfig {
    Objects.requireNonNull(socketPath, "socketPath");
    Objects.requireNonNull(rootDir, "rootDir");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(metricsAddress, "metricsAddress");
    Objects.requireNonNull(cgroupDriver, "cgroupDriver");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(runtimes, "runtimes");
    Objects.requireNonNull(cni, "cni");
    Objects.requireNonNull(streaming, "streaming");
  }
}
