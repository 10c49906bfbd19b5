package io.tessera.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.server.Daemon;
import io.tessera.server.config.ConfigException;
import io.tessera.server.config.ConfigLoader;
import io.tessera.server.config.ConfigOverrides;
import io.tessera.server.config.HostConfigException;
import io.tessera.server.config.TesseraConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code tessera serve}: runs the daemon in the foreground until SIGTERM or SIGINT. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serve CRI v1 on a Unix socket until SIGTERM/SIGINT.")
final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "TOML config file (default /etc/tessera/tessera.toml, optional unless given).")
  Path config;

  @Option(names = "--socket", paramLabel = "PATH", description = "CRI socket (socket_path).")
  String socket;

  @Option(names = "--root", paramLabel = "DIR", description = "Persistent data dir (root_dir).")
  String root;

  @Option(names = "--state", paramLabel = "DIR", description = "Volatile state dir (state_dir).")
  String state;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description = "error, warn, info, debug or trace (log_level).")
  String logLevel;

  @Option(
      names = "--metrics-address",
      paramLabel = "HOST:PORT",
      description = "Prometheus /metrics address, empty to disable (metrics_address).")
  String metricsAddress;

  @Override
  public Integer call() {
    TesseraConfig cfg;
    try {
      boolean explicit = config != null;
      cfg =
          ConfigLoader.load(
              explicit ? config : TesseraConfig.DEFAULT_CONFIG_FILE,
              explicit,
              new ConfigOverrides(socket, root, state, logLevel, metricsAddress));
    } catch (ConfigException e) {
      System.err.println("tessera serve: " + e.getMessage());
      return 2;
    }
    setLogLevel(cfg.logLevel());

    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), s -> stop.countDown());
    Signal.handle(new Signal("INT"), s -> stop.countDown());

    Daemon daemon;
    try {
      daemon = Daemon.start(cfg);
    } catch (HostConfigException e) {
      System.err.println("tessera serve: " + e.getMessage());
      return 2;
    } catch (TesseraException e) {
      LOG.error("cannot start: {}", e.getMessage(), e.getCause());
      System.err.println("tessera serve: " + e.getMessage());
      return 1;
    }
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("signal received; shutting down");
    daemon.close();
    return 0;
  }

  private static void setLogLevel(String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level));
    }
  }
}
