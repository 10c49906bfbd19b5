package io.tessera.server.streaming;

import io.tessera.sandbox.streaming.StreamOptions;
import io.tessera.sandbox.streaming.StreamingBackend;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exec or attach over SPDY: collects the streams the client opens, typed by their {@code
 * streamType} header, and starts the session once all expected ones are there (error, one per
 * requested std stream, resize with a tty from v3 on), as the kubelet counts them. A client that
 * has not opened them all within the stream creation timeout is disconnected.
 */
final class SpdyRemoteCommand implements SpdyConnection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(SpdyRemoteCommand.class);

  private final SpdyConnection conn;
  private final String protocol;
  private final StreamRequest request;
  private final StreamOptions options;
  private final StreamingBackend backend;
  private final ExecutorService pumps;
  private final int expected;
  private int received;
  private boolean started;
  private SpdyConnection.Stream stdin;
  private SpdyConnection.Stream stdout;
  private SpdyConnection.Stream stderr;
  private SpdyConnection.Stream error;
  private SpdyConnection.Stream resize;

  SpdyRemoteCommand(
      SpdyConnection conn,
      String protocol,
      StreamRequest request,
      StreamingBackend backend,
      ExecutorService pumps,
      Duration streamCreationTimeout) {
    this.conn = conn;
    this.protocol = protocol;
    this.request = request;
    this.options =
        request instanceof StreamRequest.Exec e
            ? e.options()
            : ((StreamRequest.Attach) request).options();
    this.backend = backend;
    this.pumps = pumps;
    int n = 1;
    n += options.stdin() ? 1 : 0;
    n += options.stdout() ? 1 : 0;
    n += options.stderr() ? 1 : 0;
    n += options.tty() && StreamProtocols.spdyResize(protocol) ? 1 : 0;
    this.expected = n;
    conn.channel()
        .eventLoop()
        .schedule(this::checkStarted, streamCreationTimeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void checkStarted() {
    if (!started) {
      LOG.info(
          "{}: timed out waiting for the client to create streams ({} of {})",
          request.route(),
          received,
          expected);
      conn.abort();
    }
  }

  @Override
  public void onStream(SpdyConnection.Stream s) {
    if (started) {
      LOG.debug("{}: unexpected stream {} after the session started", request.route(), s.id);
      return;
    }
    String type = s.header("streamType");
    if (type == null) {
      LOG.debug("{}: stream {} without streamType", request.route(), s.id);
      return;
    }
    switch (type) {
      case "error" -> error = s;
      case "stdin" -> stdin = s;
      case "stdout" -> stdout = s;
      case "stderr" -> stderr = s;
      case "resize" -> resize = s;
      default -> {
        LOG.debug("{}: unexpected stream type {}", request.route(), type);
        return;
      }
    }
    if (++received == expected) {
      started = true;
      start();
    }
  }

  private void start() {
    if (error == null) {
      LOG.info("{}: the client opened no error stream", request.route());
      conn.abort();
      return;
    }
    if (stdin != null && protocol.equals(StreamProtocols.V1)) {
      // The 1.0 protocol's server half-closed stdin at once; clients of it expect that.
      stdin.finishOutput();
    }
    RemoteCommand.Streams streams =
        new RemoteCommand.Streams(
            options.stdin() && stdin != null ? stdin.in : null,
            options.stdout() && stdout != null ? stdout.sink() : ByteSink.DISCARD,
            options.stderr() && stderr != null ? stderr.sink() : ByteSink.DISCARD,
            resize != null ? resize.in : null,
            error.sink(),
            StreamProtocols.structuredStatus(protocol));
    RemoteCommand.Transport transport =
        new RemoteCommand.Transport() {
          @Override
          public CompletableFuture<Void> closed() {
            return conn.closed();
          }

          @Override
          public void close() {
            conn.close();
          }
        };
    pumps.execute(new RemoteCommand(request, backend, streams, transport, pumps));
  }
}
