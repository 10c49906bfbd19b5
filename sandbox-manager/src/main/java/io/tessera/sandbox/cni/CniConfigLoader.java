package io.tessera.sandbox.cni;

import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the pod network from a CNI conf dir and keeps it current.
 *
 * <p>The network is the first file by name among {@code *.conflist}, {@code *.conf} and {@code
 * *.json} that parses and validates (a single-plugin config is wrapped into a one-entry list), as
 * containerd and CRI-O choose it. Hidden files (editor and atomic-write temp files) are skipped.
 * Plugin binaries are looked up in the bin dirs, in order, each time {@link #status()} or {@link
 * #resolve} is called, so binaries installed after the config are noticed without an event.
 *
 * <p>{@link #start()} loads once and starts a daemon thread that reloads on every change in the
 * conf dir (created if missing). Thread-safe; {@link #close()} stops the thread.
 */
public final class CniConfigLoader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CniConfigLoader.class);

  public static final Path DEFAULT_CONF_DIR = Path.of("/etc/cni/net.d");
  public static final List<Path> DEFAULT_BIN_DIRS =
      List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));

  private final Path confDir;
  private final List<Path> binDirs;
  private volatile Selection selection;
  private WatchService watcher;
  private Thread watchThread;

  /** The outcome of one scan: the chosen network, or why there is none. */
  private record Selection(NetworkConfigList network, String problem) {}

  public CniConfigLoader(Path confDir, List<Path> binDirs) {
    if (binDirs.isEmpty()) {
      throw new IllegalArgumentException("CNI: at least one plugin bin dir is needed");
    }
    this.confDir = confDir;
    this.binDirs = List.copyOf(binDirs);
    this.selection = new Selection(null, "CNI config not loaded yet from " + confDir);
  }

  public Path confDir() {
    return confDir;
  }

  public List<Path> binDirs() {
    return binDirs;
  }

  /** Loads the conf dir and watches it from now on. Idempotent. */
  public synchronized void start() {
    if (watchThread != null) {
      return;
    }
    try {
      Files.createDirectories(confDir);
      watcher = confDir.getFileSystem().newWatchService();
      register();
    } catch (IOException e) {
      closeWatcherQuietly();
      throw new InternalException("CNI: cannot watch conf dir " + confDir, e);
    }
    reload();
    watchThread = new Thread(this::watchLoop, "cni-conf-watcher");
    watchThread.setDaemon(true);
    watchThread.start();
  }

  private void register() throws IOException {
    confDir.register(
        watcher,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_DELETE,
        StandardWatchEventKinds.ENTRY_MODIFY);
  }

  /** Scans the conf dir now. */
  public void reload() {
    Selection next = scan(confDir);
    Selection prev = selection;
    selection = next;
    if (!sameChoice(prev, next)) {
      if (next.network() != null) {
        LOG.info("CNI: using {}", next.network().describe());
      } else {
        LOG.warn("CNI: no usable network config: {}", next.problem());
      }
    }
  }

  private static boolean sameChoice(Selection a, Selection b) {
    if (a.network() == null || b.network() == null) {
      return a.network() == b.network() && a.problem().equals(b.problem());
    }
    return a.network().raw().equals(b.network().raw())
        && String.valueOf(a.network().source()).equals(String.valueOf(b.network().source()));
  }

  /** The chosen network config, if any file is usable (its binaries may still be missing). */
  Optional<NetworkConfigList> current() {
    return Optional.ofNullable(selection.network());
  }

  /** Ready when a config is chosen and every plugin binary it names exists. */
  public NetworkStatus status() {
    Selection s = selection;
    if (s.network() == null) {
      return NetworkStatus.notReady("cni config not initialized: " + s.problem());
    }
    List<String> missing = missingPlugins(s.network());
    if (!missing.isEmpty()) {
      return NetworkStatus.notReady(
          s.network().describe()
              + ": CNI plugin binar"
              + (missing.size() == 1 ? "y " : "ies ")
              + String.join(", ", missing)
              + " not found in "
              + binDirs.stream().map(Path::toString).collect(Collectors.joining(", ")));
    }
    return NetworkStatus.readyStatus(s.network().describe());
  }

  /** The executable for a plugin type: the first bin dir holding it. */
  Optional<Path> resolve(String type) {
    for (Path d : binDirs) {
      Path p = d.resolve(type);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  List<String> missingPlugins(NetworkConfigList list) {
    return list.plugins().stream()
        .map(NetworkConfigList.Plugin::type)
        .distinct()
        .filter(t -> resolve(t).isEmpty())
        .toList();
  }

  /** Scans a conf dir; pure apart from reading it. */
  static Selection scan(Path confDir) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(confDir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".")
            && (n.endsWith(".conflist") || n.endsWith(".conf") || n.endsWith(".json"))
            && Files.isRegularFile(p)) {
          files.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      return new Selection(null, "conf dir " + confDir + " does not exist");
    } catch (IOException e) {
      return new Selection(null, "cannot read conf dir " + confDir + ": " + e);
    }
    if (files.isEmpty()) {
      return new Selection(null, "no network config found in " + confDir);
    }
    files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    List<String> problems = new ArrayList<>();
    for (Path f : files) {
      try {
        byte[] content = Files.readAllBytes(f);
        NetworkConfigList list =
            f.getFileName().toString().endsWith(".conflist")
                ? ConfigParser.parseList(content, f)
                : ConfigParser.parseSingle(content, f);
        if (!problems.isEmpty()) {
          LOG.warn("CNI: skipped unusable configs before {}: {}", f, String.join("; ", problems));
        }
        return new Selection(list, "");
      } catch (InvalidConfigException e) {
        problems.add(f.getFileName() + ": " + e.getMessage());
      } catch (IOException e) {
        problems.add(f.getFileName() + ": cannot read: " + e);
      }
    }
    return new Selection(
        null, "no valid network config in " + confDir + ": " + String.join("; ", problems));
  }

  private void watchLoop() {
    while (true) {
      WatchKey key;
      try {
        key = watcher.take();
      } catch (ClosedWatchServiceException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      key.pollEvents();
      reload();
      if (!key.reset()) {
        // The conf dir itself went away: report that and wait for it to come back.
        reload();
        if (!waitForConfDir()) {
          return;
        }
        reload();
      }
    }
  }

  private boolean waitForConfDir() {
    while (true) {
      try {
        Thread.sleep(1000);
        if (Files.isDirectory(confDir)) {
          register();
          return true;
        }
      } catch (ClosedWatchServiceException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (IOException e) {
        LOG.debug("CNI: re-watching {} failed, retrying: {}", confDir, e.toString());
      }
    }
  }

  @Override
  public synchronized void close() {
    closeWatcherQuietly();
    if (watchThread != null) {
      watchThread.interrupt();
      try {
        watchThread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      watchThread = null;
    }
  }

  private void closeWatcherQuietly() {
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        LOG.debug("CNI: closing the conf dir watcher: {}", e.toString());
      }
    }
  }
}
