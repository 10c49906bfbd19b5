package io.tessera.e2e;

import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.VersionRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * One {@code tessera serve} daemon running as its own OS process from the built checkout, with its
 * output in a log file. Knows nothing of tessera's classes: it speaks to the daemon only over the
 * socket.
 */
public final class TesseraProcess {
  private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ ERROR ", Pattern.MULTILINE);

  private final Path socket;
  private final Path log;
  private final Process process;

  private TesseraProcess(Path socket, Path log, Process process) {
    this.socket = socket;
    this.log = log;
    this.process = process;
  }

  /** The launcher script of the checkout under test (bin/tessera), passed in by the build. */
  public static Path launcher() {
    String p = System.getProperty("tessera.launcher");
    if (p == null) {
      throw new IllegalStateException("system property tessera.launcher is not set (run via mvn)");
    }
    Path launcher = Path.of(p).toAbsolutePath().normalize();
    if (!Files.isExecutable(launcher)) {
      throw new IllegalStateException(launcher + " is missing or not executable");
    }
    return launcher;
  }

  /** Starts {@code tessera serve} with the given dirs and extra arguments; does not wait for it. */
  public static TesseraProcess start(DaemonDirs dirs, List<String> extraArgs) {
    List<String> cmd = new ArrayList<>();
    cmd.add(launcher().toString());
    cmd.add("serve");
    cmd.add("--config");
    cmd.add(dirs.config().toString());
    cmd.add("--socket");
    cmd.add(dirs.socket().toString());
    cmd.add("--root");
    cmd.add(dirs.root().toString());
    cmd.add("--state");
    cmd.add(dirs.state().toString());
    cmd.addAll(extraArgs);
    Path log = dirs.base().resolve("daemon-" + System.nanoTime() + ".log");
    try {
      if (!Files.exists(dirs.config())) {
        // The CNI conf dir names a dir that does not exist, under the daemon's own root: the host's
        // /etc/cni/net.d is never read, and the daemon installs its default network.
        Files.writeString(
            dirs.config(),
            "metrics_address = \"\"\n[cni]\nconf_dir = \""
                + dirs.root().resolve("cni/admin.d")
                + "\"\n");
      }
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      return new TesseraProcess(dirs.socket(), log, p);
    } catch (IOException e) {
      throw new UncheckedIOException("start " + cmd, e);
    }
  }

  /** Waits until the daemon answers Version on its socket; fails early if it exits. */
  public TesseraProcess awaitServing() {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "daemon exited with " + process.exitValue() + " before serving:\n" + logs());
              }
              if (!Files.exists(socket)) {
                return false;
              }
              try (CriClient c = CriClient.connect(socket)) {
                c.runtime().version(VersionRequest.getDefaultInstance());
                return true;
              } catch (StatusRuntimeException e) {
                return false;
              }
            });
    return this;
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("daemon did not exit within " + timeout + ":\n" + logs());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Sends SIGTERM and waits for the exit code. */
  public int terminate() {
    process.destroy(); // SIGTERM on Linux
    return awaitExit(Duration.ofSeconds(30));
  }

  /** SIGKILL, for crash scenarios. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public Path socket() {
    return socket;
  }

  public String logs() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Log lines at ERROR level. */
  public List<String> errorLines() {
    List<String> errors = new ArrayList<>();
    for (String line : logs().split("\n")) {
      if (ERROR_LINE.matcher(line).find()) {
        errors.add(line);
      }
    }
    return errors;
  }
}
