package io.tessera.storage.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-JVM HTTP server (JDK {@code com.sun.net.httpserver}) standing in for the remote side of a
 * registry in unit tests: each test routes exact paths to handlers that misbehave on purpose (401
 * challenges, 5xx, bodies cut short, wrong content). Unrouted paths answer 404. Records every
 * request. {@link #close()} stops it.
 */
public final class RegistryHttpDouble implements AutoCloseable {

  /** Answers one request; {@code hit} counts the requests to this path, from 1. */
  @FunctionalInterface
  public interface Handler {
    void handle(HttpExchange exchange, int hit) throws IOException;
  }

  /** A request as received. */
  public record Request(String method, String path, Map<String, List<String>> headers) {
    /** The first value of header {@code name} (case-insensitive), or null. */
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Handler> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private RegistryHttpDouble() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::dispatch);
    server.start();
  }

  public static RegistryHttpDouble start() {
    return new RegistryHttpDouble();
  }

  /** {@code 127.0.0.1:<port>}. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Routes {@code path} (exact, without query) to {@code handler}, replacing any earlier one. */
  public RegistryHttpDouble route(String path, Handler handler) {
    routes.put(path, handler);
    return this;
  }

  /** How many requests reached {@code path}. */
  public int hits(String path) {
    AtomicInteger n = hits.get(path);
    return n == null ? 0 : n.get();
  }

  /** Every request so far, in arrival order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Sends a complete response. */
  public static void respond(
      HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
      throws IOException {
    headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void dispatch(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(
        new Request(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders())));
    int hit = hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    Handler h = routes.get(path);
    try {
      if (h == null) {
        respond(exchange, 404, Map.of(), new byte[0]);
      } else {
        h.handle(exchange, hit);
      }
    } finally {
      exchange.close();
    }
  }
}
