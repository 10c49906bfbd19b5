package io.tessera.kernel.oci;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The container I/O and monitor settings of a create: where conmon writes the CRI log, the exit
 * code and the attach socket, and whether the container gets stdin or a tty. Immutable; built with
 * {@link #builder(Path, Path, Path)}.
 */
public final class MonitorOptions {
  private final Path logPath;
  private final Path exitDir;
  private final Path socketDir;
  private final String name;
  private final boolean stdin;
  private final boolean stdinOnce;
  private final boolean terminal;
  private final Long logSizeMax;
  private final Duration createTimeout;
  private final boolean syslog;

  private MonitorOptions(Builder b) {
    this.logPath = Objects.requireNonNull(b.logPath, "logPath");
    this.exitDir = Objects.requireNonNull(b.exitDir, "exitDir");
    this.socketDir = Objects.requireNonNull(b.socketDir, "socketDir");
    this.name = b.name;
    this.stdin = b.stdin;
    this.stdinOnce = b.stdinOnce;
    this.terminal = b.terminal;
    this.logSizeMax = b.logSizeMax;
    this.createTimeout = b.createTimeout;
    this.syslog = b.syslog;
  }

  /**
   * @param logPath the CRI log file (k8s-file format)
   * @param exitDir where {@code <id>} with the exit code appears; watch it with {@link ExitWatcher}
   * @param socketDir where conmon puts {@code <id>/attach}; keep it short (socket paths are limited
   *     to 107 bytes)
   */
  public static Builder builder(Path logPath, Path exitDir, Path socketDir) {
    return new Builder(logPath, exitDir, socketDir);
  }

  public Path logPath() {
    return logPath;
  }

  public Path exitDir() {
    return exitDir;
  }

  public Path socketDir() {
    return socketDir;
  }

  public String name() {
    return name;
  }

  public boolean stdin() {
    return stdin;
  }

  public boolean stdinOnce() {
    return stdinOnce;
  }

  public boolean terminal() {
    return terminal;
  }

  public Long logSizeMax() {
    return logSizeMax;
  }

  public Duration createTimeout() {
    return createTimeout;
  }

  public boolean syslog() {
    return syslog;
  }

  /** Fluent builder. */
  public static final class Builder {
    private final Path logPath;
    private final Path exitDir;
    private final Path socketDir;
    private String name;
    private boolean stdin;
    private boolean stdinOnce;
    private boolean terminal;
    private Long logSizeMax;
    private Duration createTimeout = Duration.ofMinutes(4);
    private boolean syslog;

    private Builder(Path logPath, Path exitDir, Path socketDir) {
      this.logPath = logPath;
      this.exitDir = exitDir;
      this.socketDir = socketDir;
    }

    /** A human name for conmon's log lines (CRI: the container's metadata name). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder stdin(boolean stdin) {
      this.stdin = stdin;
      return this;
    }

    /** Close stdin when the first attach client disconnects (CRI's stdin_once). */
    public Builder stdinOnce(boolean stdinOnce) {
      this.stdinOnce = stdinOnce;
      return this;
    }

    public Builder terminal(boolean terminal) {
      this.terminal = terminal;
      return this;
    }

    public Builder logSizeMax(Long logSizeMax) {
      this.logSizeMax = logSizeMax;
      return this;
    }

    /** How long the runtime's create may take (CRI-O allows 4 minutes). */
    public Builder createTimeout(Duration createTimeout) {
      this.createTimeout = createTimeout;
      return this;
    }

    /** Send conmon's own diagnostics to syslog instead of discarding them. */
    public Builder syslog(boolean syslog) {
      this.syslog = syslog;
      return this;
    }

    public MonitorOptions build() {
      return new MonitorOptions(this);
    }
  }
}
