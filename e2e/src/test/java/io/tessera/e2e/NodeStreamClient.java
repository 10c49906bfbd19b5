package io.tessera.e2e;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One streaming session run by {@code @kubernetes/client-node} under Node.js ({@code
 * src/test/node/k8s-stream.mjs}): the WebSocket client of these tests, not written for this
 * project. The Java side sends it commands on its stdin and reads the events it prints.
 *
 * <p>Thread-safe. {@link #close()} kills the node process if it still runs.
 */
final class NodeStreamClient implements AutoCloseable {
  private final Process process;
  private final Writer commands;
  private final Map<String, ByteArrayOutputStream> streams = new ConcurrentHashMap<>();
  private final List<String> events = new ArrayList<>();
  private final Thread reader;
  private final Path log;

  private NodeStreamClient(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.commands =
        new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.reader = new Thread(this::readEvents, "node-stream-client");
    reader.setDaemon(true);
    reader.start();
  }

  /** The directory holding k8s-stream.mjs and its installed node_modules (set by the build). */
  static Path scripts() {
    String dir = System.getProperty("tessera.e2e.node");
    if (dir == null) {
      throw new IllegalStateException("system property tessera.e2e.node is not set (run via mvn)");
    }
    Path p = Path.of(dir);
    if (!Files.isDirectory(p.resolve("node_modules/@kubernetes/client-node"))) {
      throw new IllegalStateException(
          "@kubernetes/client-node is not installed in " + p + ": run `npm ci` there");
    }
    return p;
  }

  /**
   * Starts {@code node k8s-stream.mjs MODE URL FLAGS...}; mode is exec, attach or portforward.
   * Node.js must be on PATH.
   */
  static NodeStreamClient start(Path logDir, String mode, URI url, String... flags) {
    List<String> cmd = new ArrayList<>(List.of("node", "k8s-stream.mjs", mode, url.toString()));
    cmd.addAll(List.of(flags));
    try {
      Path log = Files.createTempFile(logDir, "node-" + mode + "-", ".log");
      Process p =
          new ProcessBuilder(cmd).directory(scripts().toFile()).redirectError(log.toFile()).start();
      return new NodeStreamClient(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("start " + cmd + " (is node on PATH?)", e);
    }
  }

  private void readEvents() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        int sp = line.indexOf(' ');
        String kind = sp < 0 ? line : line.substring(0, sp);
        String payload = sp < 0 ? "" : line.substring(sp + 1);
        switch (kind) {
          case "stdout", "stderr", "data", "error" ->
              streams
                  .computeIfAbsent(kind, k -> new ByteArrayOutputStream())
                  .writeBytes(Base64.getDecoder().decode(payload));
          default -> {
            synchronized (events) {
              events.add(line);
            }
          }
        }
      }
    } catch (IOException e) {
      synchronized (events) {
        events.add("failed reading node output: " + e);
      }
    }
  }

  private void send(String line) {
    try {
      synchronized (commands) {
        commands.write(line + "\n");
        commands.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("send '" + line + "' to node (" + describe() + ")", e);
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  void writeStdin(String text) {
    send("stdin " + b64(text));
  }

  /**
   * Ends stdin: on v5 the library sends the close frame (255, 0); before v5 it closes the socket.
   */
  void closeStdin() {
    send("close-stdin");
  }

  /** Sets the terminal size the library reports (its TerminalSizeQueue sends it on channel 4). */
  void resize(int width, int height) {
    send("resize " + width + " " + height);
  }

  /** Sends bytes to the forwarded port. */
  void writeData(String text) {
    send("data " + b64(text));
  }

  /** Drops the WebSocket's TCP connection at once (ws.terminate()). */
  void disconnect() {
    send("disconnect");
  }

  /** What arrived on a channel so far: "stdout", "stderr", "data" or "error". */
  String received(String channel) {
    ByteArrayOutputStream b = streams.get(channel);
    if (b == null) {
      return "";
    }
    synchronized (b) {
      return b.toString(StandardCharsets.UTF_8);
    }
  }

  String stdout() {
    return received("stdout");
  }

  String stderr() {
    return received("stderr");
  }

  /**
   * The payload of the first event of this kind ("open", "status", "closed", "failed"), or null.
   */
  String event(String kind) {
    synchronized (events) {
      for (String e : events) {
        if (e.startsWith(kind + " ")) {
          return e.substring(kind.length() + 1);
        }
      }
    }
    return null;
  }

  /** Waits for node to exit; returns its exit code (0 closed normally, 3 could not connect). */
  int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("node did not exit within " + timeout + ": " + describe());
      }
      reader.join(timeout.toMillis());
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Events, channels and node's stderr, for assertion messages. */
  String describe() {
    String err;
    try {
      err = Files.readString(log);
    } catch (IOException e) {
      err = "(no log: " + e + ")";
    }
    synchronized (events) {
      return "events "
          + events
          + ", stdout ["
          + stdout()
          + "], stderr ["
          + stderr()
          + "], data ["
          + received("data")
          + "], error ["
          + received("error")
          + "], node stderr ["
          + err
          + "]";
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
