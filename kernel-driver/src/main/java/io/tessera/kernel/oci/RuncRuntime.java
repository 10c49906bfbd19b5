package io.tessera.kernel.oci;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.kernel.oci.spec.Process;
import io.tessera.kernel.oci.spec.SpecJson;
import io.tessera.kernel.proc.CommandResult;
import io.tessera.kernel.proc.HostCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link OciRuntime} driving the runc command line, or crun's, which takes the same commands and
 * options for everything used here.
 *
 * <p>Every call passes {@code --root <stateRoot>}, so Tessera's containers live in a state
 * directory of their own and never mix with the host's /run/runc. The runtime's per-container state
 * is {@code <stateRoot>/<id>} for both runc and crun, which is how "does not exist" is told apart
 * from other failures.
 */
public final class RuncRuntime implements OciRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(RuncRuntime.class);

  /** Runtime commands other than create and exec should be quick; a hung runtime is a fault. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private final String name;
  private final Path binary;
  private final Path stateRoot;
  private final ConmonMonitor monitor;

  /**
   * @param name the handler name
   * @param binary the runc (or crun) executable
   * @param stateRoot the runtime's {@code --root}, e.g. {@code /run/tessera/runc}
   * @param monitor the conmon that creates containers
   */
  public RuncRuntime(String name, Path binary, Path stateRoot, ConmonMonitor monitor) {
    this.name = name;
    this.binary = binary;
    this.stateRoot = stateRoot.toAbsolutePath();
    this.monitor = monitor;
  }

  public static RuncRuntime runc(Path binary, Path stateRoot, ConmonMonitor monitor) {
    return new RuncRuntime("runc", binary, stateRoot, monitor);
  }

  public static RuncRuntime crun(Path binary, Path stateRoot, ConmonMonitor monitor) {
    return new RuncRuntime("crun", binary, stateRoot, monitor);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Path binary() {
    return binary;
  }

  public Path stateRoot() {
    return stateRoot;
  }

  /** The global options before every subcommand. */
  List<String> globalArgs() {
    return List.of("--root=" + stateRoot);
  }

  @Override
  public ConmonProcess create(String id, Path bundle, MonitorOptions io) {
    ContainerIds.validate(id);
    if (!Files.isRegularFile(bundle.resolve("config.json"))) {
      throw new InvalidArgumentException(
          "create container " + id + ": no config.json in bundle " + bundle);
    }
    if (exists(id)) {
      throw new AlreadyExistsException(
          "create container " + id + ": the " + name + " state already has it");
    }
    try {
      Files.createDirectories(stateRoot);
      Files.createDirectories(io.exitDir());
      Files.createDirectories(io.socketDir());
      Files.createDirectories(io.logPath().toAbsolutePath().getParent());
      // A stale exit file from an earlier life of this id would be reported as this one's exit.
      Files.deleteIfExists(io.exitDir().resolve(id));
    } catch (IOException e) {
      throw new InternalException("create container " + id + ": prepare directories", e);
    }
    ConmonRequest request =
        ConmonRequest.builder()
            .containerId(id)
            // conmon names the attach socket's directory after the uuid; a 16-hex prefix of the
            // 64-hex id keeps socketDir/<uuid>/attach within the 107 bytes of a socket path.
            .uuid(attachUuid(id))
            .name(io.name())
            .runtime(binary)
            .runtimeArgs(globalArgs())
            .bundle(bundle.toAbsolutePath())
            .logPath(io.logPath().toAbsolutePath())
            .exitDir(io.exitDir().toAbsolutePath())
            .socketDir(io.socketDir().toAbsolutePath())
            .stdin(io.stdin())
            .leaveStdinOpen(io.stdin() && !io.stdinOnce())
            .terminal(io.terminal())
            .logSizeMax(io.logSizeMax())
            .syslog(io.syslog())
            .build();
    try {
      return monitor.start(request, io.createTimeout());
    } catch (RuntimeException e) {
      try {
        delete(id, true);
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  /** The conmon uuid of a container: the first 16 characters of its id. */
  public static String attachUuid(String id) {
    return id.length() <= 16 ? id : id.substring(0, 16);
  }

  @Override
  public void start(String id) {
    run("start container " + id, id, List.of("start", id), null);
  }

  @Override
  public void kill(String id, int signal, boolean all) {
    if (signal < 1 || signal > 64) {
      throw new InvalidArgumentException("kill container " + id + ": bad signal " + signal);
    }
    List<String> args = new ArrayList<>();
    args.add("kill");
    if (all) {
      args.add("--all");
    }
    args.add(id);
    args.add(Integer.toString(signal));
    CommandResult r = command(args, null, COMMAND_TIMEOUT);
    if (r.ok()) {
      return;
    }
    if (!exists(id)) {
      throw new NotFoundException("kill container " + id + ": does not exist: " + r.describe());
    }
    if (stoppedOrGone(id)) {
      return;
    }
    throw new InternalException(
        "kill container " + id + " with signal " + signal + ": " + r.describe());
  }

  private boolean stoppedOrGone(String id) {
    try {
      return state(id).status() == ContainerStatus.STOPPED;
    } catch (NotFoundException e) {
      return true;
    }
  }

  @Override
  public void delete(String id, boolean force) {
    ContainerIds.validate(id);
    if (!exists(id)) {
      return;
    }
    List<String> args = force ? List.of("delete", "--force", id) : List.of("delete", id);
    CommandResult r = command(args, null, COMMAND_TIMEOUT);
    if (!r.ok() && exists(id)) {
      if (!force && r.stderr().contains("running")) {
        throw new FailedPreconditionException("delete container " + id + ": " + r.describe());
      }
      throw new InternalException("delete container " + id + ": " + r.describe());
    }
  }

  @Override
  public RuntimeState state(String id) {
    ContainerIds.validate(id);
    if (!exists(id)) {
      throw new NotFoundException("container " + id + " does not exist in " + name);
    }
    CommandResult r = run("state of container " + id, id, List.of("state", id), null);
    try {
      return RuntimeState.parse(r.stdout());
    } catch (IllegalArgumentException e) {
      throw new InternalException("state of container " + id + ": " + r.describe(), e);
    }
  }

  @Override
  public List<RuntimeState> list() {
    if (!Files.isDirectory(stateRoot)) {
      return List.of();
    }
    CommandResult r = command(List.of("list", "--format", "json"), null, COMMAND_TIMEOUT);
    if (!r.ok()) {
      throw new InternalException("list containers: " + r.describe());
    }
    try {
      return RuntimeState.parseList(r.stdout());
    } catch (IllegalArgumentException e) {
      throw new InternalException("list containers: " + r.describe(), e);
    }
  }

  @Override
  public ExecResult exec(String id, Process process, Duration timeout) {
    RuntimeState state = state(id);
    if (state.status() != ContainerStatus.RUNNING) {
      throw new FailedPreconditionException(
          "exec in container " + id + ": it is " + state.status().name().toLowerCase());
    }
    if (process.terminal()) {
      throw new InvalidArgumentException(
          "exec in container " + id + ": a synchronous exec cannot have a terminal");
    }
    Path processFile = null;
    Path pidFile = null;
    try {
      // Outside the state root: runtimes list that directory as containers. Temp files are 0600,
      // which matters because a process.json carries the environment.
      processFile = Files.createTempFile("tessera-exec-", ".json");
      pidFile = processFile.resolveSibling(processFile.getFileName() + ".pid");
      SpecJson.write(process, processFile);
      Path pid = pidFile;
      HostCommand cmd =
          HostCommand.of(execCommandLine(id, processFile, pidFile))
              .timeout(timeout)
              .onTimeout(() -> killExecProcess(pid));
      CommandResult r = cmd.run();
      return new ExecResult(r.exitCode(), r.stdoutBytes(), r.stderrBytes(), r.timedOut());
    } catch (IOException e) {
      throw new InternalException("exec in container " + id + ": write process file", e);
    } finally {
      deleteQuietly(processFile);
      deleteQuietly(pidFile);
    }
  }

  /**
   * The command line of {@code runc exec} for a process.json, for callers that stream the process's
   * stdio themselves (exec and attach over the streaming server).
   */
  @Override
  public List<String> execCommandLine(String id, Path processFile, Path pidFile) {
    ContainerIds.validate(id);
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    argv.addAll(globalArgs());
    argv.addAll(
        List.of("exec", "--process", processFile.toString(), "--pid-file", pidFile.toString(), id));
    return argv;
  }

  private static void killExecProcess(Path pidFile) {
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    } catch (IOException | NumberFormatException e) {
      LOG.debug("exec timed out before it wrote {}: {}", pidFile, e.toString());
    }
  }

  @Override
  public void update(String id, String resourcesJson) {
    run(
        "update container " + id,
        id,
        List.of("update", "--resources", "-", id),
        resourcesJson.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the runtime has state for {@code id}. */
  public boolean exists(String id) {
    return Files.isDirectory(stateRoot.resolve(ContainerIds.validate(id)));
  }

  private CommandResult run(String what, String id, List<String> args, byte[] stdin) {
    ContainerIds.validate(id);
    CommandResult r = command(args, stdin, COMMAND_TIMEOUT);
    if (r.ok()) {
      return r;
    }
    TesseraException e;
    if (r.timedOut()) {
      e = new UnavailableException(what + ": " + r.describe());
    } else if (!exists(id)) {
      e = new NotFoundException(what + ": container does not exist: " + r.describe());
    } else {
      e = new InternalException(what + ": " + r.describe());
    }
    throw e;
  }

  private CommandResult command(List<String> args, byte[] stdin, Duration timeout) {
    List<String> argv = new ArrayList<>();
    argv.add(binary.toString());
    argv.addAll(globalArgs());
    argv.addAll(args);
    HostCommand cmd = HostCommand.of(argv).timeout(timeout);
    if (stdin != null) {
      cmd.stdin(stdin);
    }
    return cmd.run();
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("could not delete {}: {}", file, e.toString());
    }
  }
}
