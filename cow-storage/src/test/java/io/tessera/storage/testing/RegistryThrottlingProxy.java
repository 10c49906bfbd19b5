package io.tessera.storage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on 127.0.0.1 that slows the server-to-client direction to a fixed rate, so that a
 * test can act (stop the registry) while a download is surely in progress. {@link #dropAll()}
 * resets every proxied connection; new ones are accepted and closed when the upstream refuses.
 * {@link #close()} stops it. Used by {@link TestRegistry} when throttling is asked for.
 */
public final class RegistryThrottlingProxy implements AutoCloseable {

  private static final int CHUNK = 16 << 10;

  private final ServerSocket listener;
  private final int upstreamPort;
  private final long bytesPerSecond;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  /**
   * Listens on {@code port} (0 for any free one) and forwards to 127.0.0.1:{@code upstreamPort}.
   */
  public RegistryThrottlingProxy(int port, int upstreamPort, long bytesPerSecond) {
    this.upstreamPort = upstreamPort;
    this.bytesPerSecond = bytesPerSecond;
    try {
      listener = new ServerSocket();
      listener.setReuseAddress(true);
      listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException("proxy: listen on " + port, e);
    }
    acceptor = new Thread(this::acceptLoop, "registry-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Breaks every connection now open. */
  public void dropAll() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    dropAll();
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      open.add(client);
      open.add(upstream);
      start(() -> pump(client, upstream, Long.MAX_VALUE));
      start(() -> pump(upstream, client, bytesPerSecond));
    }
  }

  private void pump(Socket from, Socket to, long rate) {
    byte[] buffer = new byte[CHUNK];
    long started = System.nanoTime();
    long sent = 0;
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
        sent += n;
        if (rate != Long.MAX_VALUE) {
          // Rate limiting: hold each chunk back until the average rate allows it.
          long due = started + (long) (sent * 1e9 / rate);
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
        }
      }
    } catch (IOException e) {
      // one side went away: close both
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "registry-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // best effort
    }
  }
}
