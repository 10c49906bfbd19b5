package io.tessera.sandbox.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches pod sandboxes to the CNI network of the conf dir, per the CNI spec: ADD runs the list's
 * plugins in order, each getting the previous one's result; DEL runs them in reverse with the
 * cached ADD result; CHECK verifies; STATUS (CNI 1.1 configs only) tells readiness.
 *
 * <p>Besides the configured network, the pod's loopback interface is brought up with the {@code
 * loopback} plugin (a built-in one-plugin network, as containerd does), unless disabled.
 *
 * <p>Contract: thread-safe; calls for the same sandbox are serialized, calls for different
 * sandboxes run in parallel. {@link #add} either succeeds or leaves nothing behind (it runs DEL for
 * the whole list before throwing). {@link #del} is idempotent and works after the netns is gone and
 * without a cached result. Exceptions are the domain family; a plugin's own failure is chained as a
 * {@link CniPluginException}. {@link #close()} stops the config watcher; the caller owns netns.
 */
public final class CniNetwork implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CniNetwork.class);

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  static final String LOOPBACK_NETWORK = "cni-loopback";

  private static final NetworkConfigList LOOPBACK;

  static {
    ObjectNode raw = ConfigParser.JSON.createObjectNode();
    raw.put("cniVersion", "1.0.0");
    raw.put("name", LOOPBACK_NETWORK);
    raw.putArray("plugins").addObject().put("type", "loopback");
    try {
      LOOPBACK = ConfigParser.fromRaw(raw);
    } catch (InvalidConfigException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final CniConfigLoader loader;
  private final ResultCache cache;
  private final PluginExecutor executor;
  private final boolean loopback;
  private final ReentrantLock[] locks = new ReentrantLock[64];
  private volatile List<String> podCidrs = List.of();

  private CniNetwork(Builder b) {
    this.loader = new CniConfigLoader(b.confDir, b.binDirs);
    this.cache = new ResultCache(b.cacheDir);
    this.executor = new PluginExecutor(b.timeout);
    this.loopback = b.loopback;
    Arrays.setAll(locks, i -> new ReentrantLock());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Loads the conf dir and starts watching it. */
  public void start() {
    loader.start();
  }

  /** Re-reads the conf dir now (the watcher does this on every change). */
  public void reloadConfig() {
    loader.reload();
  }

  /**
   * Ready when a network config is chosen and all its plugin binaries (and {@code loopback}) exist;
   * for CNI 1.1 configs also every plugin's STATUS succeeds. Cheap enough for each CRI Status call
   * except with 1.1 configs, where it runs each plugin once.
   */
  public NetworkStatus status() {
    NetworkStatus s = loader.status();
    if (!s.ready()) {
      return s;
    }
    if (loopback && loader.resolve("loopback").isEmpty()) {
      return NetworkStatus.notReady(
          "CNI plugin binary loopback (for the pod's lo) not found in "
              + loader.binDirs().stream().map(Path::toString).collect(Collectors.joining(", ")));
    }
    Optional<NetworkConfigList> net = loader.current();
    if (net.isEmpty()) {
      return loader.status();
    }
    if (CniVersion.supportsStatus(net.get().cniVersion())) {
      for (NetworkConfigList.Plugin p : net.get().plugins()) {
        Optional<Path> bin = loader.resolve(p.type());
        if (bin.isEmpty()) {
          return loader.status();
        }
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", "STATUS");
        env.put("CNI_PATH", cniPath());
        try {
          executor.run(
              net.get().describe() + ": plugin " + p.type() + " STATUS",
              bin.get(),
              p.type(),
              env,
              bytes(ConfigParser.pluginInput(net.get(), p, null, null)));
        } catch (CniPluginException e) {
          return NetworkStatus.notReady(e.getMessage());
        }
      }
    }
    return s;
  }

  /**
   * Sets the pod CIDR(s) handed to plugins with the {@code ipRanges} capability (CRI
   * UpdateRuntimeConfig). Comma-separated for dual stack; null or empty clears. Affects later ADDs.
   */
  public void setPodCidr(String cidrs) {
    if (cidrs == null || cidrs.isBlank()) {
      podCidrs = List.of();
      return;
    }
    List<String> list = new ArrayList<>();
    for (String c : cidrs.split(",")) {
      String t = c.strip();
      if (IpLiterals.Cidr.parse(t).isEmpty()) {
        throw new InvalidArgumentException("pod CIDR \"" + t + "\" is not a CIDR");
      }
      list.add(t);
    }
    podCidrs = List.copyOf(list);
  }

  /** The pod CIDRs set by {@link #setPodCidr}. */
  public List<String> podCidrs() {
    return podCidrs;
  }

  /**
   * Attaches the sandbox's netns to the network and returns its IPs.
   *
   * @throws UnavailableException when the network is not ready (no config, missing plugin) or a
   *     plugin timed out or asked to try again later
   * @throws InvalidArgumentException for bad bandwidth annotations or a missing netns path
   * @throws InternalException when a plugin failed; nothing is left attached
   */
  public PodNetworkResult add(PodNetworkRequest req) {
    if (req.netnsPath() == null || !Files.exists(req.netnsPath())) {
      throw new InvalidArgumentException(
          "CNI ADD for sandbox "
              + req.sandboxId()
              + ": netns "
              + req.netnsPath()
              + " does not exist");
    }
    NetworkConfigList net = readyNetwork("CNI ADD for sandbox " + req.sandboxId());
    ObjectNode caps = CapabilityArgs.build(req, podCidrs);
    String cniArgs = CapabilityArgs.cniArgs(req);
    ReentrantLock lock = lockFor(req.sandboxId());
    lock.lock();
    try {
      for (ResultCache.Entry stale : cache.find(req.sandboxId(), req.interfaceName())) {
        // A previous ADD without its DEL (e.g. the runtime died mid-way): tear it down first, as
        // the spec forbids two ADDs for the same container and interface.
        LOG.warn(
            "CNI: sandbox {} is still attached to network {}; detaching before ADD",
            req.sandboxId(),
            stale.networkName());
        delCached(req, stale);
      }
      Invocation inv =
          new Invocation(req.sandboxId(), req.netnsPath().toString(), req.interfaceName(), cniArgs);
      if (loopback) {
        Invocation lo = new Invocation(req.sandboxId(), inv.netns(), "lo", cniArgs);
        try {
          runAdd(LOOPBACK, lo, caps);
        } catch (AddFailure f) {
          throw translate(f.cause, "CNI ADD for sandbox " + req.sandboxId());
        }
      }
      try {
        JsonNode result = runAdd(net, inv, caps);
        CniResult parsed;
        try {
          parsed = ResultParser.parse(result);
        } catch (InvalidConfigException e) {
          throw new AddFailure(
              result,
              new InternalException(
                  net.describe() + ": sandbox " + req.sandboxId() + ": " + e.getMessage(), e));
        }
        List<String> ips = ResultParser.podIps(parsed);
        if (ips.isEmpty()) {
          throw new AddFailure(
              result,
              new InternalException(
                  net.describe()
                      + ": sandbox "
                      + req.sandboxId()
                      + ": ADD returned no IP address"));
        }
        try {
          cache.save(
              new ResultCache.Entry(
                  net.name(),
                  req.sandboxId(),
                  req.interfaceName(),
                  net.raw(),
                  caps,
                  cniArgs,
                  result));
        } catch (TesseraException e) {
          throw new AddFailure(result, e);
        }
        return new PodNetworkResult(net.name(), ips.get(0), ips.subList(1, ips.size()), parsed);
      } catch (AddFailure f) {
        rollback(net, inv, caps, f.lastResult, f.cause);
        throw translate(f.cause, "CNI ADD for sandbox " + req.sandboxId());
      } catch (RuntimeException e) {
        rollback(net, inv, caps, null, e);
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Detaches the sandbox from the network it was added to. Idempotent: succeeds when nothing is
   * attached. With a cached ADD, runs that ADD's config, capability args and result; without one,
   * the current config with the request's values. A missing or vanished netns is passed as an empty
   * CNI_NETNS (as the spec allows) so that plugins free what they hold on the host: IPAM addresses,
   * portmap rules, bandwidth's ifb. Call it before deleting the netns all the same: bridge (up to
   * at least plugins 1.9) removes its per-pod masquerade rule only when it finds the pod's
   * interface. On failure the cached result is kept, so a retry runs the same DEL.
   */
  public void del(PodNetworkRequest req) {
    ReentrantLock lock = lockFor(req.sandboxId());
    lock.lock();
    try {
      List<ResultCache.Entry> entries = cache.find(req.sandboxId(), req.interfaceName());
      if (!entries.isEmpty()) {
        for (ResultCache.Entry e : entries) {
          delCached(req, e);
        }
      } else {
        Optional<NetworkConfigList> net = loader.current();
        if (net.isEmpty()) {
          LOG.warn(
              "CNI DEL for sandbox {}: no cached ADD result and no network config; nothing to do",
              req.sandboxId());
        } else {
          ObjectNode caps = capsForDel(req);
          Invocation inv =
              new Invocation(
                  req.sandboxId(),
                  netnsOrEmpty(req),
                  req.interfaceName(),
                  CapabilityArgs.cniArgs(req));
          List<CniPluginException> errors = runDel(net.get(), inv, caps, null);
          if (!errors.isEmpty()) {
            throw delFailure(req, errors);
          }
        }
      }
      delLoopback(req);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs CHECK for the sandbox's network with the cached ADD result. A no-op for configs older than
   * 0.4.0 or with {@code disableCheck}.
   *
   * @throws NotFoundException when no ADD result is cached for the sandbox
   * @throws InternalException when a plugin reports the network broken
   */
  public void check(PodNetworkRequest req) {
    ReentrantLock lock = lockFor(req.sandboxId());
    lock.lock();
    try {
      List<ResultCache.Entry> entries = cache.find(req.sandboxId(), req.interfaceName());
      if (entries.isEmpty()) {
        throw new NotFoundException(
            "CNI CHECK for sandbox " + req.sandboxId() + ": no network attached (no cached ADD)");
      }
      for (ResultCache.Entry e : entries) {
        NetworkConfigList net = cachedNetwork(e);
        if (!CniVersion.supportsCheck(net.cniVersion()) || net.disableCheck()) {
          continue;
        }
        Invocation inv =
            new Invocation(req.sandboxId(), netnsOrEmpty(req), e.ifName(), e.cniArgs());
        for (NetworkConfigList.Plugin p : net.plugins()) {
          try {
            exec(net, p, "CHECK", inv, e.result(), e.capabilityArgs());
          } catch (CniPluginException ex) {
            throw translate(ex, "CNI CHECK for sandbox " + req.sandboxId());
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    loader.close();
  }

  // ---- internals

  /** The per-call CNI_* values. */
  private record Invocation(String containerId, String netns, String ifName, String cniArgs) {}

  /** An ADD that failed after some plugins ran; carries what to pass to the rollback DEL. */
  private static final class AddFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient JsonNode lastResult;
    final Exception cause;

    AddFailure(JsonNode lastResult, Exception cause) {
      super(cause.getMessage(), cause, false, false);
      this.lastResult = lastResult;
      this.cause = cause;
    }
  }

  private NetworkConfigList readyNetwork(String what) {
    NetworkStatus s = loader.status();
    Optional<NetworkConfigList> net = loader.current();
    if (!s.ready() || net.isEmpty()) {
      throw new UnavailableException(what + ": network not ready: " + s.message());
    }
    if (loopback && loader.resolve("loopback").isEmpty()) {
      throw new UnavailableException(what + ": CNI plugin binary loopback not found");
    }
    return net.get();
  }

  private JsonNode runAdd(NetworkConfigList net, Invocation inv, ObjectNode caps)
      throws AddFailure {
    JsonNode prev = null;
    for (NetworkConfigList.Plugin p : net.plugins()) {
      try {
        byte[] out = exec(net, p, "ADD", inv, prev, caps);
        prev = ConfigParser.JSON.readTree(out);
        if (prev == null || !prev.isObject()) {
          throw new IOException("result is not a JSON object");
        }
      } catch (CniPluginException e) {
        throw new AddFailure(prev, e);
      } catch (IOException e) {
        throw new AddFailure(
            prev,
            new InternalException(
                net.describe()
                    + ": plugin "
                    + p.type()
                    + " ADD for container "
                    + inv.containerId()
                    + " printed an unreadable result: "
                    + e.getMessage(),
                e));
      }
    }
    return prev;
  }

  /** DEL must not fail on what only ADD could reject: a bad annotation drops bandwidth only. */
  private ObjectNode capsForDel(PodNetworkRequest req) {
    try {
      return CapabilityArgs.build(req, podCidrs);
    } catch (InvalidArgumentException e) {
      LOG.warn("CNI DEL for sandbox {}: ignoring {}", req.sandboxId(), e.getMessage());
      PodNetworkRequest plain =
          new PodNetworkRequest(
              req.sandboxId(),
              req.netnsPath(),
              req.podName(),
              req.podNamespace(),
              req.podUid(),
              req.interfaceName(),
              req.portMappings(),
              Map.of(),
              req.dns());
      return CapabilityArgs.build(plain, podCidrs);
    }
  }

  private void rollback(
      NetworkConfigList net, Invocation inv, ObjectNode caps, JsonNode lastResult, Exception why) {
    LOG.warn(
        "CNI ADD for sandbox {} failed ({}); running DEL for {} to release what it set up",
        inv.containerId(),
        why.getMessage(),
        net.describe());
    // An interrupted ADD must still be undone: run the DELs uninterrupted, then re-raise the flag.
    boolean interrupted = Thread.interrupted();
    try {
      rollbackDel(net, inv, caps, lastResult);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void rollbackDel(
      NetworkConfigList net, Invocation inv, ObjectNode caps, JsonNode lastResult) {
    // The partial result tells later-listed plugins' DEL what the earlier ones created.
    JsonNode prev = CniVersion.passesPrevResultOnDel(net.cniVersion()) ? lastResult : null;
    for (CniPluginException e : runDel(net, inv, caps, prev)) {
      LOG.warn("CNI rollback for sandbox {}: {}", inv.containerId(), e.getMessage());
    }
    if (loopback) {
      Invocation lo = new Invocation(inv.containerId(), inv.netns(), "lo", inv.cniArgs());
      for (CniPluginException e : runDel(LOOPBACK, lo, caps, null)) {
        LOG.warn("CNI rollback for sandbox {}: {}", inv.containerId(), e.getMessage());
      }
    }
  }

  /** Runs DEL over the whole list in reverse, every plugin even after a failure. */
  private List<CniPluginException> runDel(
      NetworkConfigList net, Invocation inv, ObjectNode caps, JsonNode prevResult) {
    List<CniPluginException> errors = new ArrayList<>();
    List<NetworkConfigList.Plugin> plugins = new ArrayList<>(net.plugins());
    Collections.reverse(plugins);
    for (NetworkConfigList.Plugin p : plugins) {
      try {
        exec(net, p, "DEL", inv, prevResult, caps);
      } catch (CniPluginException e) {
        errors.add(e);
      }
    }
    return errors;
  }

  private void delCached(PodNetworkRequest req, ResultCache.Entry e) {
    NetworkConfigList net = cachedNetwork(e);
    Invocation inv = new Invocation(req.sandboxId(), netnsOrEmpty(req), e.ifName(), e.cniArgs());
    JsonNode prev = CniVersion.passesPrevResultOnDel(net.cniVersion()) ? e.result() : null;
    List<CniPluginException> errors = runDel(net, inv, e.capabilityArgs(), prev);
    if (!errors.isEmpty()) {
      throw delFailure(req, errors);
    }
    cache.delete(e.networkName(), e.containerId(), e.ifName());
  }

  private NetworkConfigList cachedNetwork(ResultCache.Entry e) {
    try {
      return ConfigParser.fromRaw(e.config());
    } catch (InvalidConfigException ex) {
      throw new InternalException(
          "CNI result cache entry for sandbox "
              + e.containerId()
              + " in "
              + cache.dir()
              + " holds an invalid config: "
              + ex.getMessage(),
          ex);
    }
  }

  private void delLoopback(PodNetworkRequest req) {
    if (!loopback) {
      return;
    }
    String netns = netnsOrEmpty(req);
    if (netns.isEmpty()) {
      // The loopback plugin holds nothing outside the namespace.
      return;
    }
    Invocation lo = new Invocation(req.sandboxId(), netns, "lo", CapabilityArgs.cniArgs(req));
    List<CniPluginException> errors =
        runDel(LOOPBACK, lo, ConfigParser.JSON.createObjectNode(), null);
    if (!errors.isEmpty()) {
      throw delFailure(req, errors);
    }
  }

  private TesseraException delFailure(PodNetworkRequest req, List<CniPluginException> errors) {
    TesseraException ex = translate(errors.get(0), "CNI DEL for sandbox " + req.sandboxId());
    errors.subList(1, errors.size()).forEach(ex::addSuppressed);
    return ex;
  }

  private byte[] exec(
      NetworkConfigList net,
      NetworkConfigList.Plugin p,
      String command,
      Invocation inv,
      JsonNode prevResult,
      ObjectNode caps)
      throws CniPluginException {
    String what =
        net.describe()
            + ": plugin "
            + p.type()
            + " "
            + command
            + " for container "
            + inv.containerId();
    Path bin =
        loader
            .resolve(p.type())
            .orElseThrow(
                () ->
                    new CniPluginException(
                        what + ": binary " + p.type() + " not found in " + loader.binDirs(),
                        p.type(),
                        command,
                        0,
                        "",
                        "",
                        "",
                        false));
    Map<String, String> env = new HashMap<>();
    env.put("CNI_COMMAND", command);
    env.put("CNI_CONTAINERID", inv.containerId());
    env.put("CNI_NETNS", inv.netns());
    env.put("CNI_IFNAME", inv.ifName());
    env.put("CNI_ARGS", inv.cniArgs());
    env.put("CNI_PATH", cniPath());
    ObjectNode input =
        ConfigParser.pluginInput(
            net, p, prevResult, CapabilityArgs.forPlugin(caps, p.capabilities()));
    return executor.run(what, bin, p.type(), env, bytes(input));
  }

  private String cniPath() {
    return loader.binDirs().stream().map(Path::toString).collect(Collectors.joining(":"));
  }

  private static String netnsOrEmpty(PodNetworkRequest req) {
    Path p = req.netnsPath();
    return p != null && Files.exists(p) ? p.toString() : "";
  }

  private static byte[] bytes(JsonNode n) {
    return n.toString().getBytes(StandardCharsets.UTF_8);
  }

  private ReentrantLock lockFor(String sandboxId) {
    return locks[Math.floorMod(sandboxId.hashCode(), locks.length)];
  }

  private static TesseraException translate(Exception e, String what) {
    if (e instanceof TesseraException t) {
      return t;
    }
    if (e instanceof CniPluginException c) {
      boolean retry =
          c.timedOut()
              || c.code()
                  .map(code -> code == CniPluginException.CODE_TRY_AGAIN_LATER)
                  .orElse(false);
      String msg = what + ": " + c.getMessage();
      return retry ? new UnavailableException(msg, c) : new InternalException(msg, c);
    }
    return new InternalException(what + ": " + e.getMessage(), e);
  }

  /** Settings; {@link #cacheDir} is required. */
  public static final class Builder {
    private Path confDir = CniConfigLoader.DEFAULT_CONF_DIR;
    private List<Path> binDirs = CniConfigLoader.DEFAULT_BIN_DIRS;
    private Path cacheDir;
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean loopback = true;

    private Builder() {}

    public Builder confDir(Path dir) {
      this.confDir = Objects.requireNonNull(dir);
      return this;
    }

    public Builder binDirs(List<Path> dirs) {
      this.binDirs = List.copyOf(dirs);
      return this;
    }

    /**
     * Where ADD results are kept until DEL: must persist across reboots, e.g. {@code
     * <root>/cni/results}.
     */
    public Builder cacheDir(Path dir) {
      this.cacheDir = Objects.requireNonNull(dir);
      return this;
    }

    /** Bound on each plugin execution; the plugin is killed past it. */
    public Builder pluginTimeout(Duration d) {
      this.timeout = Objects.requireNonNull(d);
      return this;
    }

    /** Whether ADD brings the pod's lo up with the loopback plugin (default true). */
    public Builder loopback(boolean enabled) {
      this.loopback = enabled;
      return this;
    }

    public CniNetwork build() {
      if (cacheDir == null) {
        throw new IllegalStateException("CNI: cacheDir is required");
      }
      return new CniNetwork(this);
    }
  }
}
