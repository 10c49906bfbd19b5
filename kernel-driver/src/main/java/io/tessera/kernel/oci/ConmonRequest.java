package io.tessera.kernel.oci;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything conmon needs to create (or exec in) one container; built with {@link #builder}.
 * Immutable.
 *
 * <p>File layout conmon produces from it: {@code exitDir/<id>} (the exit code, written via a temp
 * file and rename when the container's process ends), {@code socketDir/<uuid>} (a symlink to the
 * bundle) with {@code attach} (the attach socket) and {@code ctl} (a fifo for resize and log-reopen
 * messages) in the bundle, the log file, and both pid files.
 */
public final class ConmonRequest {
  /** sun_path of struct sockaddr_un holds 108 bytes including the NUL. */
  static final int MAX_SOCKET_PATH = 107;

  private final String containerId;
  private final String uuid;
  private final String name;
  private final Path runtime;
  private final List<String> runtimeArgs;
  private final Path bundle;
  private final Path containerPidFile;
  private final Path conmonPidFile;
  private final Path logPath;
  private final Path exitDir;
  private final Path socketDir;
  private final Path persistDir;
  private final boolean stdin;
  private final boolean leaveStdinOpen;
  private final boolean terminal;
  private final Long logSizeMax;
  private final Path exitCommand;
  private final List<String> exitCommandArgs;
  private final Duration exitDelay;
  private final boolean syslog;
  private final String logLevel;
  private final boolean noPivot;
  private final boolean noNewKeyring;
  private final boolean fullAttach;
  private final Path execProcessSpec;
  private final Duration timeout;

  private ConmonRequest(Builder b) {
    this.containerId = ContainerIds.validate(b.containerId);
    this.uuid = b.uuid == null ? b.containerId : b.uuid;
    this.name = b.name == null ? b.containerId : b.name;
    this.runtime = Objects.requireNonNull(b.runtime, "runtime");
    this.runtimeArgs = List.copyOf(b.runtimeArgs);
    this.bundle = Objects.requireNonNull(b.bundle, "bundle");
    this.containerPidFile =
        b.containerPidFile == null ? b.bundle.resolve("pidfile") : b.containerPidFile;
    this.conmonPidFile = b.conmonPidFile == null ? b.bundle.resolve("conmon.pid") : b.conmonPidFile;
    this.logPath = Objects.requireNonNull(b.logPath, "logPath");
    this.exitDir = Objects.requireNonNull(b.exitDir, "exitDir");
    this.socketDir = Objects.requireNonNull(b.socketDir, "socketDir");
    this.persistDir = b.persistDir;
    this.stdin = b.stdin;
    this.leaveStdinOpen = b.leaveStdinOpen;
    this.terminal = b.terminal;
    this.logSizeMax = b.logSizeMax;
    this.exitCommand = b.exitCommand;
    this.exitCommandArgs = List.copyOf(b.exitCommandArgs);
    this.exitDelay = b.exitDelay;
    this.syslog = b.syslog;
    this.logLevel = b.logLevel;
    this.noPivot = b.noPivot;
    this.noNewKeyring = b.noNewKeyring;
    this.fullAttach = b.fullAttach;
    this.execProcessSpec = b.execProcessSpec;
    this.timeout = b.timeout;
    if (leaveStdinOpen && !stdin) {
      throw new InvalidArgumentException(
          "conmon for " + containerId + ": leaveStdinOpen needs stdin");
    }
    if (!fullAttach && attachSocketPath().toString().length() > MAX_SOCKET_PATH) {
      throw new InvalidArgumentException(
          "conmon for "
              + containerId
              + ": attach socket path "
              + attachSocketPath()
              + " exceeds "
              + MAX_SOCKET_PATH
              + " bytes; use a shorter socket directory");
    }
    if (!exitCommandArgs.isEmpty() && exitCommand == null) {
      throw new InvalidArgumentException(
          "conmon for " + containerId + ": exit command arguments without an exit command");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public String containerId() {
    return containerId;
  }

  public String uuid() {
    return uuid;
  }

  public Path bundle() {
    return bundle;
  }

  public Path containerPidFile() {
    return containerPidFile;
  }

  public Path conmonPidFile() {
    return conmonPidFile;
  }

  public Path logPath() {
    return logPath;
  }

  public Path exitDir() {
    return exitDir;
  }

  /** Where the exit code appears: {@code exitDir/<id>}. */
  public Path exitFile() {
    return exitDir.resolve(containerId);
  }

  /** The attach socket clients connect to (SOCK_SEQPACKET, first byte of a packet = stream). */
  public Path attachSocketPath() {
    return fullAttach ? bundle.resolve("attach") : socketDir.resolve(uuid).resolve("attach");
  }

  /**
   * The control fifo: {@code "1 <height> <width>\n"} resizes the tty, {@code "2 0 0\n"} reopens the
   * log.
   */
  public Path controlFifo() {
    return bundle.resolve("ctl");
  }

  public boolean isExec() {
    return execProcessSpec != null;
  }

  /** conmon's arguments (without the binary), in the order podman and CRI-O pass them. */
  public List<String> arguments() {
    List<String> a = new ArrayList<>();
    // --api-version is a flag in conmon's option table; podman passes "1" after it, which
    // conmon ignores as a leftover argument. Passing it the same way stays compatible.
    a.addAll(List.of("--api-version", "1"));
    a.addAll(List.of("-c", containerId, "-u", uuid, "-n", name));
    a.addAll(List.of("-r", runtime.toString()));
    for (String arg : runtimeArgs) {
      a.addAll(List.of("--runtime-arg", arg));
    }
    a.addAll(List.of("-b", bundle.toString()));
    a.addAll(List.of("-p", containerPidFile.toString()));
    a.addAll(List.of("-P", conmonPidFile.toString()));
    a.addAll(List.of("-l", "k8s-file:" + logPath));
    a.addAll(List.of("--exit-dir", exitDir.toString()));
    a.addAll(List.of("--socket-dir-path", socketDir.toString()));
    if (persistDir != null) {
      a.addAll(List.of("--persist-dir", persistDir.toString()));
    }
    if (logSizeMax != null) {
      a.addAll(List.of("--log-size-max", Long.toString(logSizeMax)));
    }
    if (terminal) {
      a.add("-t");
    } else if (stdin) {
      a.add("-i");
      if (leaveStdinOpen) {
        a.add("--leave-stdin-open");
      }
    }
    if (exitCommand != null) {
      a.addAll(List.of("--exit-command", exitCommand.toString()));
      for (String arg : exitCommandArgs) {
        a.addAll(List.of("--exit-command-arg", arg));
      }
      if (exitDelay != null) {
        a.addAll(List.of("--exit-delay", Long.toString(exitDelay.toSeconds())));
      }
    }
    if (syslog) {
      a.add("--syslog");
    }
    if (logLevel != null) {
      a.addAll(List.of("--log-level", logLevel));
    }
    if (noPivot) {
      a.add("--no-pivot");
    }
    if (noNewKeyring) {
      a.add("--no-new-keyring");
    }
    if (fullAttach) {
      a.add("--full-attach");
    }
    if (execProcessSpec != null) {
      a.addAll(List.of("-e", "--exec-process-spec", execProcessSpec.toString()));
    }
    if (timeout != null) {
      a.addAll(List.of("-T", Long.toString(Math.max(1, timeout.toSeconds()))));
    }
    return a;
  }

  /** Fluent builder; id, runtime, bundle, log path, exit dir and socket dir are required. */
  public static final class Builder {
    private String containerId;
    private String uuid;
    private String name;
    private Path runtime;
    private List<String> runtimeArgs = List.of();
    private Path bundle;
    private Path containerPidFile;
    private Path conmonPidFile;
    private Path logPath;
    private Path exitDir;
    private Path socketDir;
    private Path persistDir;
    private boolean stdin;
    private boolean leaveStdinOpen;
    private boolean terminal;
    private Long logSizeMax;
    private Path exitCommand;
    private List<String> exitCommandArgs = List.of();
    private Duration exitDelay;
    private boolean syslog;
    private String logLevel;
    private boolean noPivot;
    private boolean noNewKeyring;
    private boolean fullAttach;
    private Path execProcessSpec;
    private Duration timeout;

    private Builder() {}

    public Builder containerId(String containerId) {
      this.containerId = containerId;
      return this;
    }

    /** The attach socket's directory name; defaults to the container id. */
    public Builder uuid(String uuid) {
      this.uuid = uuid;
      return this;
    }

    /** The name in conmon's own log lines; defaults to the container id. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder runtime(Path runtime) {
      this.runtime = runtime;
      return this;
    }

    /** Global runtime options placed before the subcommand, e.g. {@code --root=/run/x/runc}. */
    public Builder runtimeArgs(List<String> runtimeArgs) {
      this.runtimeArgs = runtimeArgs;
      return this;
    }

    public Builder bundle(Path bundle) {
      this.bundle = bundle;
      return this;
    }

    public Builder containerPidFile(Path containerPidFile) {
      this.containerPidFile = containerPidFile;
      return this;
    }

    public Builder conmonPidFile(Path conmonPidFile) {
      this.conmonPidFile = conmonPidFile;
      return this;
    }

    /** The CRI log file, written in the k8s-file format. */
    public Builder logPath(Path logPath) {
      this.logPath = logPath;
      return this;
    }

    public Builder exitDir(Path exitDir) {
      this.exitDir = exitDir;
      return this;
    }

    public Builder socketDir(Path socketDir) {
      this.socketDir = socketDir;
      return this;
    }

    public Builder persistDir(Path persistDir) {
      this.persistDir = persistDir;
      return this;
    }

    /** Keep a pipe to the container's stdin, fed from attach clients. */
    public Builder stdin(boolean stdin) {
      this.stdin = stdin;
      return this;
    }

    /** Keep stdin open when an attach client disconnects (CRI: not stdin_once). */
    public Builder leaveStdinOpen(boolean leaveStdinOpen) {
      this.leaveStdinOpen = leaveStdinOpen;
      return this;
    }

    public Builder terminal(boolean terminal) {
      this.terminal = terminal;
      return this;
    }

    /** Rotate-free cap on the log size in bytes: conmon truncates the file when exceeded. */
    public Builder logSizeMax(Long logSizeMax) {
      this.logSizeMax = logSizeMax;
      return this;
    }

    /** A program conmon runs after the container exited (and after {@code exitDelay}). */
    public Builder exitCommand(Path exitCommand, List<String> args) {
      this.exitCommand = exitCommand;
      this.exitCommandArgs = args;
      return this;
    }

    public Builder exitDelay(Duration exitDelay) {
      this.exitDelay = exitDelay;
      return this;
    }

    /** conmon's own messages to syslog (otherwise they are lost: it detaches from stderr). */
    public Builder syslog(boolean syslog) {
      this.syslog = syslog;
      return this;
    }

    public Builder logLevel(String logLevel) {
      this.logLevel = logLevel;
      return this;
    }

    public Builder noPivot(boolean noPivot) {
      this.noPivot = noPivot;
      return this;
    }

    public Builder noNewKeyring(boolean noNewKeyring) {
      this.noNewKeyring = noNewKeyring;
      return this;
    }

    /** Put the attach socket in the bundle itself and ignore the socket directory. */
    public Builder fullAttach(boolean fullAttach) {
      this.fullAttach = fullAttach;
      return this;
    }

    /** Makes this an exec session ({@code -e}) of the given process.json. */
    public Builder execProcessSpec(Path execProcessSpec) {
      this.execProcessSpec = execProcessSpec;
      return this;
    }

    /** conmon kills the process after this long ({@code -T}); for exec sessions. */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    public ConmonRequest build() {
      return new ConmonRequest(this);
    }
  }
}
