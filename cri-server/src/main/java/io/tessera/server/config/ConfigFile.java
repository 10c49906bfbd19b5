package io.tessera.server.config;

/**
 * The TOML file as written, before validation: one field per key, {@code null} when absent. A
 * separate class from {@link TesseraConfig} so that the file format can change without touching the
 * daemon, and so that "absent" stays distinguishable from "set to the default".
 *
 * <p>Keys are snake_case (Jackson maps them); a key without a field here is an error.
 */
final class ConfigFile {
  public String socketPath;
  public String rootDir;
  public String stateDir;
  public String logLevel;
  public String metricsAddress;
  public String cgroupDriver;
  public Long shutdownTimeoutSeconds;
  public Images images;
  public String defaultRuntime;
  public java.util.LinkedHashMap<String, Runtime> runtimes;

  /** One {@code [runtimes.NAME]} table: a runtime handler. */
  static final class Runtime {
    public String path;
  }

  public Cni cni;

  /** The {@code [images]} table. */
  static final class Images {
    public String registriesConfig;
    public Integer maxConcurrentDownloads;
    public Long maxUnpackedLayerBytes;
  }

  /** The {@code [cni]} table. */
  static final class Cni {
    public String confDir;
    public java.util.List<String> binDirs;
    public Long pluginTimeoutSeconds;
  }

  public Streaming streaming;

  /** The {@code [streaming]} table; durations are Go-style text such as "90s", "1m", "4h". */
  static final class Streaming {
    public String address;
    public Integer port;
    public String tlsCert;
    public String tlsKey;
    public String tokenTtl;
    public String idleTimeout;
    public String streamCreationTimeout;
  }
}
