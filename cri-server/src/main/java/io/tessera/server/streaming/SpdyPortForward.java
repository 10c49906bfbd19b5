package io.tessera.server.streaming;

import io.tessera.sandbox.streaming.StreamingBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port forwarding over SPDY ({@code portforward.k8s.io}): each forwarded connection is a pair of
 * client streams, data and error, with the same {@code port} and {@code requestID} headers. A
 * complete pair opens a connection to the port in the pod. Streams without a valid port or type are
 * refused; a pair not completed within the stream creation timeout is dropped with a message on its
 * error stream. Old clients without request ids are paired by stream id, as the kubelet does.
 */
final class SpdyPortForward implements SpdyConnection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(SpdyPortForward.class);

  private final SpdyConnection conn;
  private final StreamRequest.PortForward request;
  private final StreamingBackend backend;
  private final ExecutorService pumps;
  private final Duration streamCreationTimeout;
  private final Map<String, Pair> pairs = new HashMap<>();

  private static final class Pair {
    SpdyConnection.Stream data;
    SpdyConnection.Stream error;
  }

  SpdyPortForward(
      SpdyConnection conn,
      StreamRequest.PortForward request,
      StreamingBackend backend,
      ExecutorService pumps,
      Duration streamCreationTimeout) {
    this.conn = conn;
    this.request = request;
    this.backend = backend;
    this.pumps = pumps;
    this.streamCreationTimeout = streamCreationTimeout;
  }

  @Override
  public void onStream(SpdyConnection.Stream s) {
    String portText = s.header("port");
    int port;
    try {
      port = Integer.parseInt(portText == null ? "" : portText.trim());
    } catch (NumberFormatException e) {
      port = -1;
    }
    String type = s.header("streamType");
    if (port < 1 || port > 65535 || !("data".equals(type) || "error".equals(type))) {
      LOG.debug("port forward: refusing stream {} (port {}, type {})", s.id, portText, type);
      s.reset();
      return;
    }
    String requestId = s.header("requestID");
    if (requestId == null || requestId.isEmpty()) {
      requestId = Integer.toString("error".equals(type) ? s.id : s.id - 2);
    }
    Pair p = pairs.get(requestId);
    if (p == null) {
      p = new Pair();
      pairs.put(requestId, p);
      String id = requestId;
      Pair pair = p;
      conn.channel()
          .eventLoop()
          .schedule(
              () -> expire(id, pair), streamCreationTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    if ("data".equals(type)) {
      if (p.data != null) {
        complain(
            p,
            "error processing stream for request " + requestId + ": data stream already assigned",
            false);
        s.reset();
        return;
      }
      p.data = s;
    } else {
      if (p.error != null) {
        complain(
            p,
            "error processing stream for request " + requestId + ": error stream already assigned",
            false);
        s.reset();
        return;
      }
      p.error = s;
    }
    if (p.data != null && p.error != null) {
      pairs.remove(requestId);
      int target = port;
      Pair done = p;
      pumps.execute(
          () ->
              PortForwarding.forward(
                  backend,
                  request.podSandboxId(),
                  target,
                  done.data.in,
                  done.data.sink(),
                  done.error.sink(),
                  conn.closed(),
                  pumps));
    }
  }

  private void expire(String requestId, Pair p) {
    if (pairs.get(requestId) != p) {
      return;
    }
    pairs.remove(requestId);
    LOG.info("port forward: request {} timed out waiting for streams", requestId);
    complain(p, "timed out waiting for streams of request " + requestId, true);
    if (p.data != null) {
      p.data.reset();
    }
  }

  /** Writes to the pair's error stream from a pump thread: sends may block. */
  private void complain(Pair p, String message, boolean thenFinish) {
    SpdyConnection.Stream error = p.error;
    if (error == null) {
      return;
    }
    byte[] b = message.getBytes(StandardCharsets.UTF_8);
    pumps.execute(
        () -> {
          try {
            error.sink().write(b, 0, b.length);
          } catch (IOException e) {
            LOG.debug("port forward error not delivered: {}", e.toString());
          }
          if (thenFinish) {
            error.finishOutput();
          }
        });
  }
}
