package io.tessera.sandbox.streaming;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.oci.spec.SpecJson;
import io.tessera.kernel.proc.ProcessTree;
import io.tessera.kernel.tty.PtyMaster;
import io.tessera.sandbox.lifecycle.Containers;
import io.tessera.sandbox.model.Container;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process started in a running container with the OCI runtime's foreground exec ({@code runc exec
 * --process <file> --pid-file <file>}), which is the JVM's child and exits with the process's code
 * (128 + n for signal n).
 *
 * <p>Without a terminal, the runtime hands its own stdio (pipes to the JVM, or /dev/null) to the
 * process. With one, the runtime runs with a new pty's slave as stdio and as its controlling
 * terminal ({@code setsid -c}); it makes the container-side pty itself and copies between the two.
 * Our pty is raw, so the container's terminal alone echoes, edits lines and turns ^D into EOF. A
 * resize sets the size on our master (TIOCSWINSZ): the kernel sends SIGWINCH to the runtime, the
 * foreground process of that terminal, and the runtime copies the new size to the container's pty.
 * This is what CRI-O does (creack/pty under runc exec); conmon's exec mode was not used because its
 * attach handshake needs extra fds passed to conmon, which the JDK's process API cannot do.
 *
 * <p>{@link #close()} kills the exec'd process tree inside the container (its host pid comes from
 * the pid file) with {@link ProcessTree}, waits for the runtime to exit (the JDK reaps it), and
 * removes the session's directory with the process file.
 */
final class ExecSession implements StreamSession {
  private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);
  private static final Duration PID_FILE_WAIT = Duration.ofSeconds(10);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(30);

  /** ^D: the terminal's default VEOF; typed at the start of a line it is end of file. */
  private static final int VEOF = 4;

  private final String containerId;
  private final Path dir;
  private final Path pidFile;
  private final Process runtime;
  private final PtyMaster pty;
  private final Thread drainer;
  private final Optional<OutputStream> stdin;
  private final Optional<InputStream> stdout;
  private final Optional<InputStream> stderr;
  private final CompletableFuture<Integer> exit;
  private boolean closed;

  private ExecSession(Builder b) {
    this.containerId = b.containerId;
    this.dir = b.dir;
    this.pidFile = b.pidFile;
    this.runtime = b.runtime;
    this.pty = b.pty;
    this.drainer = b.drainer;
    this.stdin = Optional.ofNullable(b.stdin);
    this.stdout = Optional.ofNullable(b.stdout);
    this.stderr = Optional.ofNullable(b.stderr);
    this.exit = b.exit;
  }

  private static final class Builder {
    String containerId;
    Path dir;
    Path pidFile;
    Process runtime;
    PtyMaster pty;
    Thread drainer;
    OutputStream stdin;
    InputStream stdout;
    InputStream stderr;
    CompletableFuture<Integer> exit;
  }

  /** Starts {@code cmd} in {@code c}; on failure nothing is left behind. */
  static ExecSession start(
      Containers containers, Container c, List<String> cmd, StreamOptions options) {
    String what = "exec in container " + c.id();
    io.tessera.kernel.oci.spec.Process process = containers.execProcess(c, cmd, options.tty());
    Path dir = null;
    PtyMaster pty = null;
    try {
      // In the bundle: removed with the container even if the daemon dies mid-session.
      dir = Files.createTempDirectory(c.facts().bundleDir(), "exec-");
      Path processFile = dir.resolve("process.json");
      Path pidFile = dir.resolve("pid");
      SpecJson.write(process, processFile);
      List<String> runtimeArgv = containers.execCommandLine(c, processFile, pidFile);
      ProcessBuilder pb;
      if (options.tty()) {
        pty = PtyMaster.open();
        // The runtime makes its side raw too, but only once it runs: input typed before that
        // would be echoed twice, and a ^D would end the runtime's stdin instead of the process's.
        pty.makeRaw();
        List<String> argv = new ArrayList<>();
        argv.add("/bin/sh");
        argv.add("-c");
        // The shell opens the slave in the child only (the JVM never holds it, so end of file on
        // the master means the runtime is gone); setsid -c makes it the controlling terminal.
        argv.add("exec setsid -c \"$@\" <\"$TESSERA_PTY\" >\"$TESSERA_PTY\" 2>&1");
        argv.add("sh");
        argv.addAll(runtimeArgv);
        pb = new ProcessBuilder(argv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        environment(pb).put("TESSERA_PTY", pty.slavePath().toString());
      } else {
        pb = new ProcessBuilder(runtimeArgv);
        pb.redirectInput(
            options.stdin()
                ? ProcessBuilder.Redirect.PIPE
                : ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(
            options.stdout() ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD);
        pb.redirectError(
            options.stderr() ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.DISCARD);
        environment(pb);
      }
      pb.directory(dir.toFile());
      Process runtime = pb.start();

      Builder b = new Builder();
      b.containerId = c.id();
      b.dir = dir;
      b.pidFile = pidFile;
      b.runtime = runtime;
      b.pty = pty;
      if (options.tty()) {
        PtyMaster master = pty;
        if (options.stdin()) {
          b.stdin = new TerminalInput(master.output());
        }
        if (options.stdout()) {
          b.stdout = master.input();
        } else {
          // Nobody reads the terminal: drain it, or the process blocks once its buffer is full.
          b.drainer = new Thread(() -> drain(master.input()), "exec-drain-" + shortId(c.id()));
          b.drainer.setDaemon(true);
          b.drainer.start();
        }
      } else {
        b.stdin = options.stdin() ? runtime.getOutputStream() : null;
        b.stdout = options.stdout() ? runtime.getInputStream() : null;
        b.stderr = options.stderr() ? runtime.getErrorStream() : null;
      }
      // Removed when the runtime exits and again by close(), whichever runs first (and at once).
      Path sessionDir = dir;
      b.exit =
          runtime
              .onExit()
              .thenApply(Process::exitValue)
              .whenComplete((code, e) -> deleteTree(sessionDir));
      LOG.debug("{}: {} (runtime pid {})", what, cmd, runtime.pid());
      return new ExecSession(b);
    } catch (IOException | RuntimeException e) {
      if (pty != null) {
        pty.close();
      }
      if (dir != null) {
        deleteTree(dir);
      }
      if (e instanceof io.tessera.kernel.errors.TesseraException te) {
        throw io.tessera.kernel.errors.TesseraException.sameKind(te, what + ": " + te.getMessage());
      }
      throw new InternalException(what + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> environment(ProcessBuilder pb) {
    Map<String, String> env = pb.environment();
    String path =
        env.getOrDefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    // Nothing of the daemon's environment reaches the runtime (it would not reach the process:
    // that gets process.json's env), except PATH to find setsid and the runtime's helpers.
    env.clear();
    env.put("PATH", path);
    return env;
  }

  private static void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try {
      while (in.read(buf) >= 0) {
        // discarded: the client did not ask for the output
      }
    } catch (IOException e) {
      LOG.debug("draining an exec terminal ended: {}", e.toString());
    }
  }

  @Override
  public Optional<OutputStream> stdin() {
    return stdin;
  }

  @Override
  public Optional<InputStream> stdout() {
    return stdout;
  }

  @Override
  public Optional<InputStream> stderr() {
    return stderr;
  }

  @Override
  public void resize(TerminalSize size) {
    if (pty == null) {
      return;
    }
    pty.resize(size.width(), size.height());
  }

  @Override
  public CompletableFuture<Integer> exit() {
    return exit.thenApply(code -> code);
  }

  /** The host pid of the exec'd process, once the runtime wrote it. */
  OptionalLong processPid() {
    try {
      String text = Files.readString(pidFile).trim();
      return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      if (runtime.isAlive()) {
        killProcess();
      }
      if (!waitFor(runtime, EXIT_WAIT)) {
        LOG.warn(
            "exec in container {}: runtime pid {} still running {}s after the process was killed;"
                + " killing it",
            containerId,
            runtime.pid(),
            EXIT_WAIT.toSeconds());
        runtime.destroyForcibly();
        waitFor(runtime, EXIT_WAIT);
      }
    } finally {
      closeQuietly(runtime.getOutputStream());
      closeQuietly(runtime.getInputStream());
      closeQuietly(runtime.getErrorStream());
      if (pty != null) {
        pty.close();
      }
      if (drainer != null) {
        try {
          drainer.join(EXIT_WAIT.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      deleteTree(dir);
    }
  }

  /**
   * Kills the exec'd process and its descendants. The runtime writes the pid file only once the
   * process exists, so a close right after start waits (briefly) for it.
   */
  private void killProcess() {
    long deadline = System.nanoTime() + PID_FILE_WAIT.toNanos();
    OptionalLong pid = processPid();
    while (pid.isEmpty() && runtime.isAlive() && System.nanoTime() < deadline) {
      waitFor(runtime, Duration.ofMillis(20));
      pid = processPid();
    }
    if (pid.isPresent()) {
      ProcessTree.kill(pid.getAsLong());
    } else if (runtime.isAlive()) {
      // No process to kill yet after all this time: the runtime is stuck before starting it.
      runtime.destroyForcibly();
    }
  }

  private static boolean waitFor(Process p, Duration d) {
    try {
      return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing an exec stream: {}", e.toString());
    }
  }

  /**
   * Removes a session directory. Synchronized: the runtime's exit and close() may both get here at
   * once, and a walk fails on entries the other removed under it.
   */
  static synchronized void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      LOG.warn("could not remove exec session dir {}: {}", dir, e.toString());
    }
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** Stdin on a terminal: closing it types VEOF (the terminal itself stays open). */
  private static final class TerminalInput extends OutputStream {
    private final OutputStream master;
    private boolean closed;

    TerminalInput(OutputStream master) {
      this.master = master;
    }

    @Override
    public void write(int b) throws IOException {
      master.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      master.write(b, off, len);
    }

    @Override
    public synchronized void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      master.write(VEOF);
    }
  }
}
