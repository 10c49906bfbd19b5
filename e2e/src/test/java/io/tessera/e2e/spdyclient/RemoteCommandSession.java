package io.tessera.e2e.spdyclient;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An exec or attach session over SPDY, as kubectl runs one: offers v4, v3, v2 and the original
 * channel protocol; opens the error stream first, then stdin, stdout, stderr (not with a TTY) and,
 * with a TTY on v3 or later, resize, each after the previous one was answered. The exit status is
 * read from the error stream once the server closes it.
 *
 * <p>Thread-safe. {@link #close()} drops the TCP connection (a client disconnect).
 */
public final class RemoteCommandSession implements AutoCloseable {
  public static final String V4 = "v4.channel.k8s.io";
  public static final String V3 = "v3.channel.k8s.io";
  public static final String V2 = "v2.channel.k8s.io";
  public static final String V1 = "channel.k8s.io";

  /** What kubectl's SPDY executor offers, most preferred first. */
  public static final List<String> PROTOCOLS = List.of(V4, V3, V2, V1);

  static final String STREAM_TYPE = "streamtype";

  private final SpdyConnection connection;
  private final SpdyClientStream error;
  private final SpdyClientStream stdin;
  private final SpdyClientStream stdout;
  private final SpdyClientStream stderr;
  private final SpdyClientStream resize;

  private RemoteCommandSession(
      SpdyConnection connection,
      SpdyClientStream error,
      SpdyClientStream stdin,
      SpdyClientStream stdout,
      SpdyClientStream stderr,
      SpdyClientStream resize) {
    this.connection = connection;
    this.error = error;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
    this.resize = resize;
  }

  /**
   * Connects to an Exec or Attach URL and opens the streams; blocks until all were answered.
   *
   * @throws UpgradeFailedException when the server refuses the upgrade (e.g. 404 for a bad token)
   */
  public static RemoteCommandSession open(URI url, StreamOptions options) {
    SpdyConnection conn = SpdyConnection.open(url, PROTOCOLS);
    try {
      return SpdyConnection.join(start(conn, options), "open streams on " + url);
    } catch (RuntimeException e) {
      conn.close();
      throw e;
    }
  }

  /** Opens the streams on an upgraded connection in kubectl's order, each after the last reply. */
  static CompletableFuture<RemoteCommandSession> start(SpdyConnection conn, StreamOptions o) {
    boolean resizable = o.tty() && (V4.equals(conn.protocol()) || V3.equals(conn.protocol()));
    CompletableFuture<SpdyClientStream> none = CompletableFuture.completedFuture(null);
    return conn.openStreamAsync(Map.of(STREAM_TYPE, "error"))
        .thenCompose(
            err ->
                (o.stdin() ? conn.openStreamAsync(Map.of(STREAM_TYPE, "stdin")) : none)
                    .thenCompose(
                        in ->
                            (o.stdout()
                                    ? conn.openStreamAsync(Map.of(STREAM_TYPE, "stdout"))
                                    : none)
                                .thenCompose(
                                    out ->
                                        (o.stderr() && !o.tty()
                                                ? conn.openStreamAsync(
                                                    Map.of(STREAM_TYPE, "stderr"))
                                                : none)
                                            .thenCompose(
                                                errOut ->
                                                    (resizable
                                                            ? conn.openStreamAsync(
                                                                Map.of(STREAM_TYPE, "resize"))
                                                            : none)
                                                        .thenApply(
                                                            rs ->
                                                                new RemoteCommandSession(
                                                                    conn, err, in, out, errOut,
                                                                    rs))))));
  }

  /** The protocol the server chose. */
  public String protocol() {
    return connection.protocol();
  }

  public void writeStdin(String text) {
    require(stdin, "stdin").write(text);
  }

  /** Half-closes stdin, as kubectl does when its own stdin ends. */
  public void closeStdin() {
    require(stdin, "stdin").closeWrite();
  }

  /** Sends a terminal size on the resize stream: client-go's JSON encoding of TerminalSize. */
  public void resize(int width, int height) {
    require(resize, "resize").write(resizeMessage(width, height));
  }

  /** {@code {"Width":w,"Height":h}} and a newline, as Go's json.Encoder writes TerminalSize. */
  static String resizeMessage(int width, int height) {
    if (width < 0 || width > 65535 || height < 0 || height > 65535) {
      throw new IllegalArgumentException(
          "terminal size out of uint16 range: " + width + "x" + height);
    }
    return "{\"Width\":" + width + ",\"Height\":" + height + "}\n";
  }

  public StreamBuffer stdout() {
    return require(stdout, "stdout").received();
  }

  public StreamBuffer stderr() {
    return require(stderr, "stderr").received();
  }

  /** The error stream as received so far. */
  public StreamBuffer errorStream() {
    return error.received();
  }

  /**
   * Waits until the server closed the error stream and decodes it. Like kubectl, it does not wait
   * for stdout/stderr separately: the server writes the status after the output is done.
   */
  public ExitStatus awaitExit(Duration timeout) {
    try {
      String how = error.received().ended().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!"fin".equals(how)) {
        throw new IllegalStateException(
            "error stream ended by " + how + " before a status; got: " + error.received().text());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "no exit status after "
              + timeout
              + "; stdout so far: "
              + (stdout == null ? "" : stdout.received().text()),
          e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return ExitStatus.decode(protocol(), error.received().bytes());
  }

  /** Completes when the server (or this client) closed the connection. */
  public CompletableFuture<Void> closed() {
    return connection.closed();
  }

  /** Drops the connection at once. */
  @Override
  public void close() {
    connection.close();
  }

  private static SpdyClientStream require(SpdyClientStream s, String name) {
    if (s == null) {
      throw new IllegalStateException("the session has no " + name + " stream");
    }
    return s;
  }
}
