package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one real tessera daemon per test class, as its own process, on a temporary root, state dir
 * and socket; hands tests a {@link CriClient} on that socket. After the class it stops the daemon
 * with SIGTERM and fails the class if the daemon did not exit 0, logged an ERROR, left its socket
 * behind, or wrote anything outside its own directories.
 *
 * <pre>{@code
 * @RegisterExtension static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();
 * ... daemon.client().runtime().version(...)
 * }</pre>
 */
public final class TesseraDaemonExtension implements BeforeAllCallback, AfterAllCallback {
  /** Host paths a daemon given private dirs must never touch. */
  static final List<Path> WATCHED_HOST_DIRS =
      List.of(Path.of("/run/tessera"), Path.of("/var/lib/tessera"), Path.of("/etc/tessera"));

  /** What may exist in the base dir: the daemon's own dirs, its config and the harness's logs. */
  private static final Set<String> OWN_ENTRIES = Set.of("root", "state", "run", "tessera.toml");

  private final List<String> extraArgs;
  private final java.util.function.Function<DaemonDirs, String> configToml;
  private java.util.function.UnaryOperator<DaemonDirs> customizeDirs = d -> d;
  private DaemonDirs dirs;
  private TesseraProcess daemon;
  private final List<TesseraProcess> earlier = new ArrayList<>();
  private CriClient client;
  private Map<Path, String> hostBefore;

  public TesseraDaemonExtension() {
    this(List.of());
  }

  public TesseraDaemonExtension(List<String> extraArgs) {
    this(extraArgs, d -> null);
  }

  /**
   * With a config file of its own: {@code configToml} gets the daemon's dirs and returns the TOML
   * text (null for the harness's default file).
   */
  public TesseraDaemonExtension(
      List<String> extraArgs, java.util.function.Function<DaemonDirs, String> configToml) {
    this.extraArgs = List.copyOf(extraArgs);
    this.configToml = configToml;
  }

  /**
   * Changes the daemon's dirs before it starts, e.g. {@code d -> d.withRoot(xfsMount)} for a root
   * on a file system another extension (registered earlier) mounted. Call before the class runs.
   */
  public TesseraDaemonExtension withDirs(java.util.function.UnaryOperator<DaemonDirs> customize) {
    this.customizeDirs = customize;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    hostBefore = snapshot(WATCHED_HOST_DIRS);
    dirs = customizeDirs.apply(DaemonDirs.create());
    String toml = configToml.apply(dirs);
    if (toml != null) {
      try {
        Files.writeString(dirs.config(), toml);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    daemon = TesseraProcess.start(dirs, extraArgs).awaitServing();
    client = CriClient.connect(dirs.socket());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> problems = new ArrayList<>();
    try {
      if (client != null) {
        client.close();
      }
      if (daemon != null) {
        if (daemon.isAlive()) {
          int code = daemon.terminate();
          if (code != 0) {
            problems.add("daemon exited with " + code + " on SIGTERM");
          }
        }
        List<String> errors = new ArrayList<>();
        earlier.forEach(p -> errors.addAll(p.errorLines()));
        errors.addAll(daemon.errorLines());
        if (!errors.isEmpty()) {
          problems.add("daemon logged errors:\n  " + String.join("\n  ", errors));
        }
        if (Files.exists(dirs.socket())) {
          problems.add("socket " + dirs.socket() + " left behind");
        }
        problems.addAll(strayEntries());
        problems.addAll(Leaks.mountsUnder(dirs.base()));
        problems.addAll(Leaks.processesMentioning(dirs.base()));
        Map<Path, String> hostAfter = snapshot(WATCHED_HOST_DIRS);
        if (!hostAfter.equals(hostBefore)) {
          problems.add("host dirs changed: before " + hostBefore + ", after " + hostAfter);
        }
      }
    } finally {
      if (problems.isEmpty() && dirs != null) {
        dirs.delete();
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          String.join("\n", problems)
              + "\n(daemon files kept in "
              + dirs.base()
              + ")\n--- daemon log ---\n"
              + daemon.logs());
    }
  }

  private List<String> strayEntries() {
    try (Stream<Path> s = Files.list(dirs.base())) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !OWN_ENTRIES.contains(n) && !n.matches("daemon-\\d+\\.log"))
          .map(n -> "unexpected file " + dirs.base().resolve(n))
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** For each watched dir: absent, or the sorted names it holds. */
  static Map<Path, String> snapshot(List<Path> paths) {
    Map<Path, String> m = new TreeMap<>();
    for (Path p : paths) {
      if (!Files.isDirectory(p)) {
        m.put(p, Files.exists(p) ? "(file)" : "(absent)");
        continue;
      }
      try (Stream<Path> s = Files.list(p)) {
        m.put(p, s.map(x -> x.getFileName().toString()).sorted().collect(Collectors.joining(",")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return m;
  }

  public CriClient client() {
    return client;
  }

  public TesseraProcess process() {
    return daemon;
  }

  public DaemonDirs dirs() {
    return dirs;
  }

  /**
   * Stops the daemon with SIGTERM (it must exit 0) and starts a new one on the same dirs; the
   * client is reconnected. For persistence and recovery tests.
   */
  public void restart() {
    client.close();
    int code = daemon.terminate();
    assertThat(code).as("exit code on SIGTERM").isZero();
    earlier.add(daemon);
    daemon = TesseraProcess.start(dirs, extraArgs).awaitServing();
    client = CriClient.connect(dirs.socket());
  }

  /**
   * Kills the daemon with SIGKILL (a crash) and starts a new one on the same dirs. The killed
   * daemon's log is kept apart; the error-line check applies to the new one.
   */
  public void crashAndRestart() {
    crashAndRestart(() -> {});
  }

  /** What a test does to the daemon's files while it is down. */
  @FunctionalInterface
  public interface WhileDown {
    void run() throws Exception;
  }

  /** {@link #crashAndRestart()}, running {@code whileDown} between the kill and the restart. */
  public void crashAndRestart(WhileDown whileDown) {
    client.close();
    daemon.kill();
    earlier.add(daemon);
    try {
      whileDown.run();
    } catch (Exception e) {
      throw new AssertionError("changing the daemon's files while it was down failed", e);
    }
    daemon = TesseraProcess.start(dirs, extraArgs).awaitServing();
    client = CriClient.connect(dirs.socket());
  }

  public void assertServing() {
    assertThat(daemon.isAlive()).as("daemon alive").isTrue();
  }
}
