package io.tessera.kernel.proc;

import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host binary (runc, crun, a CNI plugin) to completion and captures its output.
 *
 * <p>Output goes to temporary files rather than pipes, so a child that leaves a daemon holding its
 * stdout (conmon does, for a moment) cannot make the caller wait, and no reader threads are needed.
 * Each stream keeps at most {@link #MAX_OUTPUT} bytes. Not thread-safe while being configured;
 * {@link #run()} may be called again.
 */
public final class HostCommand {
  /** Output kept per stream; CRI's ExecSync limit. */
  public static final int MAX_OUTPUT = 16 * 1024 * 1024;

  private final List<String> argv;
  private byte[] stdin;
  private Duration timeout = Duration.ofMinutes(1);
  private Path directory;
  private Map<String, String> environment;
  private Runnable onTimeout = () -> {};

  private HostCommand(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("empty command line");
    }
    this.argv = List.copyOf(argv);
  }

  public static HostCommand of(List<String> argv) {
    return new HostCommand(argv);
  }

  public static HostCommand of(String... argv) {
    return new HostCommand(List.of(argv));
  }

  /** Bytes written to the child's stdin, which is then closed; default: /dev/null. */
  public HostCommand stdin(byte[] bytes) {
    this.stdin = bytes.clone();
    return this;
  }

  /** After this the child is SIGKILLed and the result says {@link CommandResult#timedOut()}. */
  public HostCommand timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /**
   * Runs before the child is killed on a timeout, e.g. to kill what the child started (the process
   * {@code runc exec} runs is not its child and survives runc's death).
   */
  public HostCommand onTimeout(Runnable onTimeout) {
    this.onTimeout = onTimeout;
    return this;
  }

  public HostCommand directory(Path directory) {
    this.directory = directory;
    return this;
  }

  /** Replaces the inherited environment with exactly these variables. */
  public HostCommand environment(Map<String, String> environment) {
    this.environment = new LinkedHashMap<>(environment);
    return this;
  }

  public List<String> argv() {
    return argv;
  }

  /**
   * Runs the command and waits for it.
   *
   * @throws InternalException it could not be started, or output could not be captured
   */
  public CommandResult run() {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("tessera-cmd-", ".out");
      err = Files.createTempFile("tessera-cmd-", ".err");
      ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(argv));
      pb.redirectOutput(out.toFile());
      pb.redirectError(err.toFile());
      if (stdin == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      if (directory != null) {
        pb.directory(directory.toFile());
      }
      if (environment != null) {
        pb.environment().clear();
        pb.environment().putAll(environment);
      }
      Process process = pb.start();
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(stdin);
        } catch (IOException e) {
          // The child exited without reading all of its input; its exit code tells the rest.
        }
      }
      boolean done = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (!done) {
        try {
          onTimeout.run();
        } finally {
          process.destroyForcibly();
        }
        process.waitFor();
      }
      return new CommandResult(
          argv, done ? process.exitValue() : -1, readCapped(out), readCapped(err), !done);
    } catch (IOException e) {
      throw new InternalException("run `" + String.join(" ", argv) + "`", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InternalException("interrupted while running `" + String.join(" ", argv) + "`", e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static byte[] readCapped(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(MAX_OUTPUT);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A leftover temp file is harmless; the command's result matters more.
      }
    }
  }
}
