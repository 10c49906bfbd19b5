package io.tessera.server.streaming;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.streaming.StreamingBackend;
import io.tessera.server.config.TesseraConfig;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming server of Exec, Attach and PortForward: a Netty HTTP/1.1 server (TLS optional) on
 * its own event loops, apart from the gRPC server's, that serves {@code /exec/TOKEN}, {@code
 * /attach/TOKEN} and {@code /portforward/TOKEN} over SPDY/3.1 and WebSocket.
 *
 * <p>{@link #url} remembers a validated request under a single-use token that expires after the
 * configured TTL and returns the URL a client opens. Sessions pump bytes on a cached pool of daemon
 * threads (a few per session: they block on process pipes), so no session holds an event loop. Idle
 * connections (no byte either way for the idle timeout) are closed. Thread-safe. {@link #close}
 * stops accepting, closes every connection (which closes their sessions: exec'd processes are
 * killed) and stops the threads; it is idempotent.
 */
public final class StreamingServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingServer.class);

  static final String HTTP_CODEC = "http-codec";
  static final String AGGREGATOR = "http-aggregator";

  private final StreamingBackend backend;
  private final TokenCache<StreamRequest> tokens;
  private final Duration streamCreationTimeout;
  private final boolean tls;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService pumps;
  private final Channel serverChannel;
  private final InetSocketAddress bound;
  private final String baseUrl;

  private StreamingServer(TesseraConfig.Streaming config, StreamingBackend backend, Clock clock) {
    this.backend = backend;
    this.tokens = new TokenCache<>(clock, config.tokenTtl(), TokenCache.MAX_IN_FLIGHT);
    this.streamCreationTimeout = config.streamCreationTimeout();
    SslContext ssl = sslContext(config);
    this.tls = ssl != null;
    this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("streaming-accept", true));
    this.workers = new NioEventLoopGroup(2, new DefaultThreadFactory("streaming-io", true));
    this.pumps = Executors.newCachedThreadPool(daemonThreads("streaming-session-"));
    long idleMillis = config.idleTimeout().toMillis();
    try {
      ServerBootstrap b =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ChannelPipeline p = ch.pipeline();
                      if (ssl != null) {
                        p.addLast("tls", ssl.newHandler(ch.alloc()));
                      }
                      p.addLast(
                          "idle", new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
                      p.addLast(HTTP_CODEC, new HttpServerCodec());
                      p.addLast(AGGREGATOR, new HttpObjectAggregator(64 * 1024));
                      p.addLast("router", new HttpRouter(StreamingServer.this));
                    }
                  });
      InetAddress address = InetAddress.getByName(config.address());
      this.serverChannel =
          b.bind(new InetSocketAddress(address, config.port())).syncUninterruptibly().channel();
    } catch (java.net.UnknownHostException e) {
      shutdownThreads();
      throw new InvalidArgumentException(
          "streaming server: address " + config.address() + " does not resolve", e);
    } catch (RuntimeException e) {
      shutdownThreads();
      throw new InternalException(
          "streaming server: cannot listen on "
              + config.address()
              + ":"
              + config.port()
              + ": "
              + e.getMessage(),
          e);
    }
    this.bound = (InetSocketAddress) serverChannel.localAddress();
    InetAddress a = bound.getAddress();
    String host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    this.baseUrl = (tls ? "https" : "http") + "://" + host + ":" + bound.getPort();
  }

  /** Listens as configured; the caller closes the server. */
  public static StreamingServer start(TesseraConfig.Streaming config, StreamingBackend backend) {
    return start(config, backend, Clock.systemUTC());
  }

  static StreamingServer start(
      TesseraConfig.Streaming config, StreamingBackend backend, Clock clock) {
    StreamingServer s = new StreamingServer(config, backend, clock);
    LOG.info("streaming server on {}", s.baseUrl);
    return s;
  }

  /**
   * Remembers {@code request} and returns the URL that serves it once, e.g. {@code
   * http://127.0.0.1:41234/exec/TOKEN}.
   *
   * @throws io.tessera.kernel.errors.ResourceExhaustedException when too many URLs are pending
   */
  public String url(StreamRequest request) {
    return baseUrl + "/" + request.route() + "/" + tokens.insert(request);
  }

  /** The address the server listens on (the configured port, or the one picked for port 0). */
  public InetSocketAddress address() {
    return bound;
  }

  /** {@code http://HOST:PORT} or {@code https://HOST:PORT}, the host as bound. */
  public String baseUrl() {
    return baseUrl;
  }

  @Override
  public void close() {
    if (serverChannel.isOpen()) {
      serverChannel.close().syncUninterruptibly();
    }
    shutdownThreads();
  }

  /** Connections first (their sessions then close on the pump threads), then the pumps. */
  private void shutdownThreads() {
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    pumps.shutdown();
    try {
      if (!pumps.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("streaming sessions still running after 10s; interrupting them");
        pumps.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pumps.shutdownNow();
    }
  }

  TokenCache<StreamRequest> tokens() {
    return tokens;
  }

  StreamingBackend backend() {
    return backend;
  }

  ExecutorService pumps() {
    return pumps;
  }

  Duration streamCreationTimeout() {
    return streamCreationTimeout;
  }

  boolean tls() {
    return tls;
  }

  private static SslContext sslContext(TesseraConfig.Streaming config) {
    if (config.tls().isEmpty()) {
      return null;
    }
    TesseraConfig.Streaming.Tls t = config.tls().get();
    try {
      return SslContextBuilder.forServer(t.certFile().toFile(), t.keyFile().toFile()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new InvalidArgumentException(
          "streaming server: cannot use TLS certificate "
              + t.certFile()
              + " with key "
              + t.keyFile()
              + " (PEM, key in PKCS#8): "
              + e.getMessage(),
          e);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
