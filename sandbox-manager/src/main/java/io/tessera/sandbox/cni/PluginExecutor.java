package io.tessera.sandbox.cni;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one CNI plugin binary per the spec's execution protocol: CNI_* environment, config on stdin,
 * result or error JSON on stdout, bounded by a timeout after which the plugin and its children
 * (IPAM plugins, iptables) are killed. Thread-safe.
 */
final class PluginExecutor {
  private static final int MAX_STDOUT = 8 << 20;
  private static final int MAX_STDERR = 64 << 10;
  private static final int MAX_STDERR_IN_MESSAGE = 4 << 10;

  /** iptables and tc live in sbin, which a daemon's inherited PATH may lack. */
  private static final String SBIN = "/usr/local/sbin:/usr/sbin:/sbin:/usr/local/bin:/usr/bin:/bin";

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService IO =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "cni-plugin-io-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private final Duration timeout;

  PluginExecutor(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("CNI plugin timeout must be positive: " + timeout);
    }
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * Runs {@code binary} and returns its stdout on exit status 0.
   *
   * @param what names the invocation for messages, e.g. "network tessera: plugin bridge ADD for
   *     container 3f2a"
   * @param env the CNI_* variables; inherited CNI_* variables are dropped
   */
  byte[] run(String what, Path binary, String type, Map<String, String> env, byte[] stdin)
      throws CniPluginException {
    String command = env.getOrDefault("CNI_COMMAND", "");
    String commandLine = binary + " " + envSummary(env);
    ProcessBuilder pb = new ProcessBuilder(binary.toString());
    Map<String, String> penv = pb.environment();
    penv.keySet().removeIf(k -> k.startsWith("CNI_"));
    penv.putAll(env);
    String path = penv.get("PATH");
    penv.put("PATH", path == null || path.isEmpty() ? SBIN : path + ":" + SBIN);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw failure(
          what + ": cannot start " + commandLine + ": " + e.getMessage(), type, command, "", false);
    }
    CompletableFuture<byte[]> out = read(p.getInputStream(), MAX_STDOUT);
    CompletableFuture<byte[]> err = read(p.getErrorStream(), MAX_STDERR);
    CompletableFuture.runAsync(() -> write(p.getOutputStream(), stdin), IO);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        kill(p);
        String stderr = textOrEmpty(err, Duration.ofSeconds(2));
        throw failure(
            what
                + ": "
                + commandLine
                + " did not finish within "
                + timeout.toSeconds()
                + " s and was killed"
                + stderrSuffix(stderr),
            type,
            command,
            stderr,
            true);
      }
      long left = Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(1));
      byte[] stdout;
      byte[] stderrBytes;
      try {
        stdout = out.get(left, TimeUnit.NANOSECONDS);
        stderrBytes = err.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        throw failure(
            what + ": " + commandLine + " exited but a process it left holds its output open",
            type,
            command,
            "",
            true);
      }
      String stderr = new String(stderrBytes, StandardCharsets.UTF_8).strip();
      int exit = p.exitValue();
      if (exit == 0) {
        return stdout;
      }
      throw pluginError(what, commandLine, type, command, exit, stdout, stderr);
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw failure(what + ": interrupted while running " + commandLine, type, command, "", false);
    } catch (ExecutionException e) {
      kill(p);
      throw failure(
          what + ": reading the output of " + commandLine + " failed: " + e.getCause(),
          type,
          command,
          "",
          false);
    }
  }

  private static CniPluginException pluginError(
      String what,
      String commandLine,
      String type,
      String command,
      int exit,
      byte[] stdout,
      String stderr) {
    JsonNode json = null;
    try {
      json = ConfigParser.JSON.readTree(stdout);
    } catch (IOException notJson) {
      // Reported below with the raw output.
    }
    if (json != null && json.isObject() && (json.has("code") || json.has("msg"))) {
      int code = json.path("code").asInt(0);
      String msg = json.path("msg").asText("");
      String details = json.path("details").asText("");
      String message =
          what
              + ": "
              + (msg.isEmpty() ? "(no message)" : msg)
              + (details.isEmpty() ? "" : "; " + details)
              + " (CNI error code "
              + code
              + ", "
              + commandLine
              + ", exit status "
              + exit
              + ")"
              + stderrSuffix(stderr);
      return new CniPluginException(message, type, command, code, msg, details, stderr, false);
    }
    String raw = new String(stdout, StandardCharsets.UTF_8).strip();
    String message =
        what
            + ": "
            + commandLine
            + " exited with status "
            + exit
            + stderrSuffix(stderr)
            + (raw.isEmpty() ? "" : "; stdout: " + truncate(raw));
    return new CniPluginException(message, type, command, 0, "", "", stderr, false);
  }

  private static CniPluginException failure(
      String message, String type, String command, String stderr, boolean timedOut) {
    return new CniPluginException(message, type, command, 0, "", "", stderr, timedOut);
  }

  private static String stderrSuffix(String stderr) {
    return stderr.isEmpty() ? "" : "; stderr: " + truncate(stderr);
  }

  private static String truncate(String s) {
    return s.length() <= MAX_STDERR_IN_MESSAGE
        ? s
        : s.substring(0, MAX_STDERR_IN_MESSAGE) + "...(truncated)";
  }

  private static String envSummary(Map<String, String> env) {
    StringBuilder sb = new StringBuilder();
    for (String k :
        new String[] {"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS"}) {
      if (env.containsKey(k)) {
        sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(env.get(k));
      }
    }
    return "(" + sb + ")";
  }

  /** Kills the plugin and whatever it started; children first, while they are still its own. */
  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String textOrEmpty(CompletableFuture<byte[]> f, Duration wait) {
    try {
      return new String(f.get(wait.toMillis(), TimeUnit.MILLISECONDS), StandardCharsets.UTF_8)
          .strip();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    } catch (ExecutionException | TimeoutException e) {
      return "";
    }
  }

  private static CompletableFuture<byte[]> read(InputStream in, int max) {
    return CompletableFuture.supplyAsync(
        () -> {
          ByteArrayOutputStream buf = new ByteArrayOutputStream();
          byte[] chunk = new byte[8192];
          try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
              // Keep draining past the cap so the plugin never blocks on a full pipe.
              int keep = Math.min(n, max - buf.size());
              if (keep > 0) {
                buf.write(chunk, 0, keep);
              }
            }
          } catch (IOException e) {
            // The process is gone; what was read is all there is.
          }
          return buf.toByteArray();
        },
        IO);
  }

  private static void write(OutputStream os, byte[] data) {
    try (os) {
      os.write(data);
    } catch (IOException e) {
      // A plugin may exit without reading stdin (e.g. on a bad environment); its exit says why.
    }
  }
}
