package io.tessera.server.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.tessera.kernel.errors.InternalException;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Serves the Prometheus text format at {@code /metrics} through the Prometheus client's own HTTP
 * server. Binds to the configured address (loopback by default); port 0 picks a free port.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  public static MetricsEndpoint start(PrometheusMeterRegistry registry, InetSocketAddress address) {
    try {
      return new MetricsEndpoint(
          HTTPServer.builder()
              .hostname(address.getHostString())
              .port(address.getPort())
              .registry(registry.getPrometheusRegistry())
              .buildAndStart());
    } catch (IOException e) {
      throw new InternalException(
          "serve metrics on "
              + address.getHostString()
              + ":"
              + address.getPort()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The port actually bound (useful when 0 was asked for). */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
