package io.tessera.server.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.tessera.kernel.cgroup.CgroupDriver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Builds a {@link TesseraConfig} from the embedded defaults, an optional TOML file and command-line
 * overrides. Every problem stops start-up with a message naming the key.
 */
public final class ConfigLoader {

  /** 107 bytes of sun_path minus "/attach/" + a 16-hex conmon uuid + "/attach". */
  static final int MAX_STATE_DIR_LENGTH = 107 - 8 - 16 - 7;

  static final List<String> LOG_LEVELS = List.of("error", "warn", "info", "debug", "trace");

  private static final TomlMapper MAPPER = newMapper();

  private ConfigLoader() {}

  private static TomlMapper newMapper() {
    TomlMapper mapper = new TomlMapper();
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    return mapper;
  }

  /**
   * Loads the configuration.
   *
   * @param file the TOML file; when {@code required} is false a missing file means "defaults"
   * @param required whether the file was named explicitly (then it must exist)
   */
  public static TesseraConfig load(Path file, boolean required, ConfigOverrides overrides)
      throws ConfigException {
    ConfigFile parsed;
    try {
      parsed = parse(Files.readString(file), file.toString());
    } catch (NoSuchFileException e) {
      if (required) {
        throw new ConfigException("config file " + file + " does not exist");
      }
      parsed = new ConfigFile();
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
    return resolve(parsed, overrides, file.toString());
  }

  /** Parses TOML text; {@code origin} names the text in messages. */
  static ConfigFile parse(String toml, String origin) throws ConfigException {
    try {
      ConfigFile f = MAPPER.readValue(toml, ConfigFile.class);
      return f == null ? new ConfigFile() : f;
    } catch (UnrecognizedPropertyException e) {
      String known =
          e.getKnownPropertyIds().stream()
              .map(Object::toString)
              .sorted()
              .collect(Collectors.joining(", "));
      throw new ConfigException(
          origin + ": unknown key '" + keyPath(e) + "' (known keys: " + known + ")", e);
    } catch (JsonMappingException e) {
      throw new ConfigException(
          origin + ": bad value for key '" + keyPath(e) + "': " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(origin + ": not valid TOML: " + e.getMessage(), e);
    }
  }

  private static String keyPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }

  static TesseraConfig resolve(ConfigFile f, ConfigOverrides o, String origin)
      throws ConfigException {
    Value socket =
        pick("--socket", o.socketPath(), origin, f.socketPath, TesseraConfig.DEFAULT_SOCKET);
    Value root = pick("--root", o.rootDir(), origin, f.rootDir, TesseraConfig.DEFAULT_ROOT);
    Value state = pick("--state", o.stateDir(), origin, f.stateDir, TesseraConfig.DEFAULT_STATE);
    Value level =
        pick("--log-level", o.logLevel(), origin, f.logLevel, TesseraConfig.DEFAULT_LOG_LEVEL);
    Value metrics =
        pick(
            "--metrics-address",
            o.metricsAddress(),
            origin,
            f.metricsAddress,
            TesseraConfig.DEFAULT_METRICS_ADDRESS);
    String driver = f.cgroupDriver == null ? "cgroupfs" : f.cgroupDriver;
    long shutdown =
        f.shutdownTimeoutSeconds == null
            ? TesseraConfig.DEFAULT_SHUTDOWN_TIMEOUT_SECONDS
            : f.shutdownTimeoutSeconds;

    Path statePath = absolutePath("state_dir", state);
    // conmon's attach sockets live at <state>/attach/<16-hex uuid>/attach, and a Unix socket path
    // has 107 usable bytes.
    if (statePath.toString().length() > MAX_STATE_DIR_LENGTH) {
      throw bad(
          state.origin(),
          "state_dir",
          state.text(),
          "must be at most "
              + MAX_STATE_DIR_LENGTH
              + " characters long (container attach sockets below it must fit in a Unix socket"
              + " path)");
    }
    return new TesseraConfig(
        absolutePath("socket_path", socket),
        absolutePath("root_dir", root),
        statePath,
        logLevel(level),
        metricsAddress(metrics),
        cgroupDriver(driver, origin),
        shutdownTimeout(shutdown, origin),
        images(f.images == null ? new ConfigFile.Images() : f.images, origin),
        runtimes(f, origin),
        cni(f.cni == null ? new ConfigFile.Cni() : f.cni, origin),
        streaming(f.streaming == null ? new ConfigFile.Streaming() : f.streaming, origin));
  }

  private static TesseraConfig.Streaming streaming(ConfigFile.Streaming s, String origin)
      throws ConfigException {
    String address = s.address == null ? TesseraConfig.DEFAULT_STREAMING_ADDRESS : s.address.trim();
    if (address.isEmpty()) {
      throw bad(origin, "streaming.address", "", "must not be empty");
    }
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    int port = s.port == null ? 0 : s.port;
    if (port < 0 || port > 65535) {
      throw bad(origin, "streaming.port", Integer.toString(port), "must be in 0..65535 (0: any)");
    }
    Optional<TesseraConfig.Streaming.Tls> tls = Optional.empty();
    boolean cert = s.tlsCert != null && !s.tlsCert.isEmpty();
    boolean key = s.tlsKey != null && !s.tlsKey.isEmpty();
    if (cert != key) {
      throw bad(
          origin,
          cert ? "streaming.tls_key" : "streaming.tls_cert",
          "",
          "tls_cert and tls_key must be set together");
    }
    if (cert) {
      tls =
          Optional.of(
              new TesseraConfig.Streaming.Tls(
                  absolutePath("streaming.tls_cert", new Value(s.tlsCert, origin)),
                  absolutePath("streaming.tls_key", new Value(s.tlsKey, origin))));
    }
    return new TesseraConfig.Streaming(
        address,
        port,
        tls,
        positiveDuration(
            origin, "streaming.token_ttl", s.tokenTtl, TesseraConfig.DEFAULT_STREAMING_TOKEN_TTL),
        positiveDuration(
            origin,
            "streaming.idle_timeout",
            s.idleTimeout,
            TesseraConfig.DEFAULT_STREAMING_IDLE_TIMEOUT),
        positiveDuration(
            origin,
            "streaming.stream_creation_timeout",
            s.streamCreationTimeout,
            TesseraConfig.DEFAULT_STREAMING_STREAM_CREATION_TIMEOUT));
  }

  private static Duration positiveDuration(
      String origin, String key, String text, Duration fallback) throws ConfigException {
    if (text == null) {
      return fallback;
    }
    Duration d;
    try {
      d = parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw bad(origin, key, text, e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw bad(origin, key, text, "must be positive");
    }
    return d;
  }

  private static final java.util.regex.Pattern DURATION_PART =
      java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)");

  /**
   * A Go-style duration ("1m", "90s", "1h30m", "500ms"), the notation kubelet and containerd
   * configs use for these timeouts.
   */
  static Duration parseDuration(String text) {
    String t = text.trim();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("is empty; write a duration such as 30s, 1m or 4h");
    }
    java.util.regex.Matcher m = DURATION_PART.matcher(t);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "not a duration (write e.g. 30s, 1m, 4h, 1h30m or 500ms)");
      }
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
              });
      at = m.end();
    }
    return total;
  }

  private static final java.util.regex.Pattern HANDLER_NAME =
      java.util.regex.Pattern.compile("[a-z0-9]([a-z0-9._-]{0,62})");

  private static TesseraConfig.Runtimes runtimes(ConfigFile f, String origin)
      throws ConfigException {
    java.util.Map<String, Path> handlers = new java.util.LinkedHashMap<>();
    if (f.runtimes != null) {
      for (var e : f.runtimes.entrySet()) {
        String key = "runtimes." + e.getKey();
        if (!HANDLER_NAME.matcher(e.getKey()).matches()) {
          throw bad(origin, key, e.getKey(), "a handler name is lowercase letters, digits, . _ -");
        }
        if (e.getValue() == null || e.getValue().path == null) {
          throw bad(origin, key + ".path", "", "the runtime's binary path is required");
        }
        handlers.put(e.getKey(), absolutePath(key + ".path", new Value(e.getValue().path, origin)));
      }
    }
    Optional<String> def = Optional.ofNullable(f.defaultRuntime).filter(x -> !x.isEmpty());
    if (def.isPresent() && !handlers.isEmpty() && !handlers.containsKey(def.get())) {
      throw bad(
          origin,
          "default_runtime",
          def.get(),
          "names no [runtimes." + def.get() + "] table (have: " + handlers.keySet() + ")");
    }
    if (def.isPresent() && handlers.isEmpty() && !List.of("runc", "crun").contains(def.get())) {
      throw bad(
          origin, "default_runtime", def.get(), "without [runtimes] tables, only runc or crun");
    }
    return new TesseraConfig.Runtimes(handlers, def);
  }

  private static TesseraConfig.Cni cni(ConfigFile.Cni c, String origin) throws ConfigException {
    Path confDir =
        c.confDir == null
            ? TesseraConfig.DEFAULT_CNI_CONF_DIR
            : absolutePath("cni.conf_dir", new Value(c.confDir, origin));
    List<Path> binDirs;
    if (c.binDirs == null) {
      binDirs = TesseraConfig.DEFAULT_CNI_BIN_DIRS;
    } else {
      if (c.binDirs.isEmpty()) {
        throw bad(origin, "cni.bin_dirs", "[]", "must name at least one directory");
      }
      List<Path> dirs = new java.util.ArrayList<>();
      for (String d : c.binDirs) {
        dirs.add(absolutePath("cni.bin_dirs", new Value(d == null ? "" : d, origin)));
      }
      binDirs = dirs;
    }
    long timeout =
        c.pluginTimeoutSeconds == null
            ? TesseraConfig.DEFAULT_CNI_PLUGIN_TIMEOUT_SECONDS
            : c.pluginTimeoutSeconds;
    if (timeout < 1 || timeout > 3600) {
      throw bad(
          origin,
          "cni.plugin_timeout_seconds",
          Long.toString(timeout),
          "must be between 1 and 3600");
    }
    return new TesseraConfig.Cni(confDir, binDirs, Duration.ofSeconds(timeout));
  }

  private static TesseraConfig.Images images(ConfigFile.Images i, String origin)
      throws ConfigException {
    Path registries =
        i.registriesConfig == null
            ? TesseraConfig.DEFAULT_REGISTRIES_CONFIG
            : absolutePath("images.registries_config", new Value(i.registriesConfig, origin));
    int downloads =
        i.maxConcurrentDownloads == null
            ? TesseraConfig.DEFAULT_MAX_CONCURRENT_DOWNLOADS
            : i.maxConcurrentDownloads;
    if (downloads < 1 || downloads > 64) {
      throw bad(
          origin,
          "images.max_concurrent_downloads",
          Integer.toString(downloads),
          "must be between 1 and 64");
    }
    long maxBytes =
        i.maxUnpackedLayerBytes == null
            ? TesseraConfig.DEFAULT_MAX_UNPACKED_LAYER_BYTES
            : i.maxUnpackedLayerBytes;
    if (maxBytes < 1) {
      throw bad(
          origin, "images.max_unpacked_layer_bytes", Long.toString(maxBytes), "must be positive");
    }
    return new TesseraConfig.Images(registries, downloads, maxBytes);
  }

  /** A raw value and where it came from (a flag, the file, or the defaults), for messages. */
  record Value(String text, String origin) {}

  private static Value pick(
      String flag, String override, String file, String fromFile, Object fallback) {
    if (override != null) {
      return new Value(override, "flag " + flag);
    }
    if (fromFile != null) {
      return new Value(fromFile, file);
    }
    return new Value(fallback.toString(), "defaults");
  }

  private static Path absolutePath(String key, Value v) throws ConfigException {
    String value = v.text();
    String origin = v.origin();
    if (value.isEmpty()) {
      throw bad(origin, key, value, "must not be empty");
    }
    Path p;
    try {
      p = Path.of(value);
    } catch (RuntimeException e) {
      throw bad(origin, key, value, "not a path: " + e.getMessage());
    }
    if (!p.isAbsolute()) {
      throw bad(origin, key, value, "must be an absolute path");
    }
    return p.normalize();
  }

  private static String logLevel(Value v) throws ConfigException {
    String value = v.text();
    String origin = v.origin();
    String level = value.toLowerCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(level)) {
      throw bad(origin, "log_level", value, "must be one of " + String.join(", ", LOG_LEVELS));
    }
    return level;
  }

  /** {@code host:port}, {@code [v6]:port}, or empty for "no metrics endpoint". */
  static Optional<InetSocketAddress> metricsAddress(Value v) throws ConfigException {
    String value = v.text();
    String origin = v.origin();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw bad(origin, "metrics_address", value, "must be host:port, or empty to disable");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw bad(origin, "metrics_address", value, "port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw bad(origin, "metrics_address", value, "port must be in 0..65535");
    }
    // Unresolved on purpose: resolving here would make config loading depend on DNS.
    return Optional.of(InetSocketAddress.createUnresolved(host, port));
  }

  private static CgroupDriver cgroupDriver(String value, String origin) throws ConfigException {
    String known =
        Arrays.stream(CgroupDriver.values())
            .map(CgroupDriver::configName)
            .collect(Collectors.joining(", "));
    for (CgroupDriver d : CgroupDriver.values()) {
      if (d.configName().equals(value)) {
        if (d == CgroupDriver.SYSTEMD) {
          // Said plainly instead of pretending: there is no systemd cgroup manager yet.
          throw bad(origin, "cgroup_driver", value, "the systemd driver is not implemented yet");
        }
        return d;
      }
    }
    throw bad(origin, "cgroup_driver", value, "must be one of " + known);
  }

  private static Duration shutdownTimeout(long seconds, String origin) throws ConfigException {
    if (seconds < 0 || seconds > 3600) {
      throw bad(
          origin, "shutdown_timeout_seconds", Long.toString(seconds), "must be between 0 and 3600");
    }
    return Duration.ofSeconds(seconds);
  }

  private static ConfigException bad(String origin, String key, String value, String why) {
    return new ConfigException(
        origin + ": bad value for key '" + key + "' (\"" + value + "\"): " + why);
  }
}
