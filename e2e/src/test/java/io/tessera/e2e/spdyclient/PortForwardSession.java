package io.tessera.e2e.spdyclient;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A port-forward connection over SPDY with protocol {@code portforward.k8s.io}, as kubectl
 * port-forward uses one: for each forwarded TCP connection an error stream and then a data stream,
 * both with headers {@code port} and {@code requestID} (sent lower case, as SPDY carries names);
 * the client half-closes the error stream at once since it only reads it.
 *
 * <p>Thread-safe. {@link #close()} drops the TCP connection.
 */
public final class PortForwardSession implements AutoCloseable {
  public static final String PROTOCOL = "portforward.k8s.io";

  private final SpdyConnection connection;
  private final AtomicInteger nextRequestId = new AtomicInteger();

  private PortForwardSession(SpdyConnection connection) {
    this.connection = connection;
  }

  /**
   * Connects to a PortForward URL.
   *
   * @throws UpgradeFailedException when the server refuses the upgrade
   */
  public static PortForwardSession open(URI url) {
    return new PortForwardSession(SpdyConnection.open(url, List.of(PROTOCOL)));
  }

  public String protocol() {
    return connection.protocol();
  }

  /** A session on an upgraded connection (unit tests). */
  static PortForwardSession on(SpdyConnection connection) {
    return new PortForwardSession(connection);
  }

  /** Opens one forwarded connection to {@code port} inside the pod; blocks until answered. */
  public Forwarded forward(int port) {
    return SpdyConnection.join(forwardAsync(port), "forward port " + port);
  }

  CompletableFuture<Forwarded> forwardAsync(int port) {
    String requestId = Integer.toString(nextRequestId.getAndIncrement());
    Map<String, String> errorHeaders =
        Map.of("streamtype", "error", "port", Integer.toString(port), "requestid", requestId);
    Map<String, String> dataHeaders =
        Map.of("streamtype", "data", "port", Integer.toString(port), "requestid", requestId);
    return connection
        .openStreamAsync(errorHeaders)
        .thenCompose(
            error -> {
              error.closeWrite();
              return connection
                  .openStreamAsync(dataHeaders)
                  .thenApply(data -> new Forwarded(data, error));
            });
  }

  @Override
  public void close() {
    connection.close();
  }

  /**
   * One forwarded TCP connection: bytes written go to the pod's port, {@link #data()} is what it
   * answered, {@link #error()} what the server reported (e.g. connection refused).
   */
  public static final class Forwarded {
    private final SpdyClientStream data;
    private final SpdyClientStream error;

    Forwarded(SpdyClientStream data, SpdyClientStream error) {
      this.data = data;
      this.error = error;
    }

    public void write(String text) {
      data.write(text);
    }

    /** Half-closes the data stream: the pod's side reads EOF. */
    public void closeWrite() {
      data.closeWrite();
    }

    public StreamBuffer data() {
      return data.received();
    }

    public StreamBuffer error() {
      return error.received();
    }
  }
}
