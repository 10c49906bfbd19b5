package io.tessera.e2e.spdyclient;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpClientUpgradeHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyHeadersFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySessionHandler;
import io.netty.handler.codec.spdy.SpdyStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/1.1 connection upgraded to SPDY/3.1 the way client-go's SPDY round tripper does it
 * (Connection: Upgrade, Upgrade: SPDY/3.1, one X-Stream-Protocol-Version header per offered
 * protocol; the server answers 101 and names the protocol it chose), then Netty's SPDY frame codec
 * and session handler (client side: odd stream ids, flow control windows, pings) under a router
 * that hands each stream's frames to its {@link SpdyClientStream}.
 *
 * <p>Thread-safe. {@link #close()} closes the TCP connection at once (an abrupt client disconnect,
 * as when kubectl is killed) and releases the event loop of a connection made by {@link #open}.
 */
public final class SpdyConnection implements AutoCloseable {
  static final String SPDY_3_1 = "SPDY/3.1";
  static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";

  private static final long TIMEOUT_SECONDS = 60;

  private final Channel channel;
  private final EventLoopGroup group;
  private final Map<Integer, SpdyClientStream> streams = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile String protocol;
  private int nextStreamId = 1;

  private SpdyConnection(Channel channel, EventLoopGroup group) {
    this.channel = channel;
    this.group = group;
  }

  /**
   * Connects to {@code url} (http only) and upgrades; blocks until the server answered.
   *
   * @throws UpgradeFailedException when the server answers anything but 101 with a protocol offered
   */
  public static SpdyConnection open(URI url, List<String> protocols) {
    if (!"http".equals(url.getScheme())) {
      throw new IllegalArgumentException("only http:// streaming URLs are supported: " + url);
    }
    EventLoopGroup group =
        new NioEventLoopGroup(
            1,
            r -> {
              Thread t = new Thread(r, "spdy-client");
              t.setDaemon(true);
              return t;
            });
    try {
      Bootstrap b =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {}
                  });
      ChannelFuture connect = b.connect(url.getHost(), port(url));
      if (!connect.awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS)
          || !connect.isSuccess()) {
        throw new IllegalStateException("connect to " + url + " failed", connect.cause());
      }
      return join(upgrade(connect.channel(), group, url, protocols), url);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /**
   * Installs the upgrade on a connected channel and sends the request; the future completes with
   * the connection after the 101, or fails with {@link UpgradeFailedException}. For unit tests on
   * an embedded channel ({@code group} null).
   */
  static CompletableFuture<SpdyConnection> upgrade(
      Channel channel, EventLoopGroup group, URI url, List<String> protocols) {
    SpdyConnection conn = new SpdyConnection(channel, group);
    CompletableFuture<SpdyConnection> upgraded = new CompletableFuture<>();
    channel.closeFuture().addListener(f -> conn.onClosed());
    HttpClientCodec http = new HttpClientCodec();
    ChannelPipeline p = channel.pipeline();
    p.addLast("http", http);
    p.addLast(
        "upgrade",
        new HttpClientUpgradeHandler(http, conn.new SpdyUpgradeCodec(protocols, upgraded), 65536));
    p.addLast("refused", new RefusedUpgrade(upgraded));

    String target = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    // client-go sends POST for exec, attach and port-forward; the body is empty.
    DefaultFullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target);
    request.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + port(url));
    request.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0);
    for (String proto : protocols) {
      request.headers().add(PROTOCOL_HEADER, proto);
    }
    channel
        .writeAndFlush(request)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                upgraded.completeExceptionally(f.cause());
              }
            });
    return upgraded;
  }

  private static int port(URI url) {
    return url.getPort() == -1 ? 80 : url.getPort();
  }

  static <T> T join(CompletableFuture<T> f, Object what) {
    try {
      return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(what + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + ": no answer after " + TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + ": interrupted", e);
    }
  }

  /** The protocol the server chose from those offered (its X-Stream-Protocol-Version answer). */
  public String protocol() {
    return protocol;
  }

  /**
   * Opens a stream with these headers (names in lower case, as SPDY/3 carries them) and waits for
   * the server's SYN_REPLY, as client-go's CreateStream does before the next stream is opened.
   */
  public SpdyClientStream openStream(Map<String, String> headers) {
    return join(openStreamAsync(headers), "open stream " + headers);
  }

  /** {@link #openStream} without waiting: the future completes on SYN_REPLY. */
  CompletableFuture<SpdyClientStream> openStreamAsync(Map<String, String> headers) {
    SpdyClientStream stream;
    synchronized (this) {
      // Ids are allocated and frames queued under one lock: SPDY needs them strictly increasing.
      stream = new SpdyClientStream(channel, nextStreamId, new LinkedHashMap<>(headers));
      nextStreamId += 2;
      streams.put(stream.id(), stream);
      DefaultSpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(stream.id(), 0, (byte) 0);
      headers.forEach((k, v) -> syn.headers().set(k, v));
      channel
          .writeAndFlush(syn)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  stream.replied().completeExceptionally(f.cause());
                }
              });
    }
    if (!channel.isActive()) {
      stream.onConnectionClosed();
    }
    return stream.replied();
  }

  /** Completes when the TCP connection is closed, by either side. */
  public CompletableFuture<Void> closed() {
    return closed;
  }

  /** Closes the TCP connection at once; idempotent. */
  @Override
  public void close() {
    // Netty's SpdySessionHandler turns a close into GOAWAY and waits for the active streams to
    // finish; a disconnect must not wait, so the close starts below it, at the first handler.
    ChannelHandlerContext first = channel.pipeline().firstContext();
    (first == null ? channel.close() : first.close())
        .awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private void onClosed() {
    streams.values().forEach(SpdyClientStream::onConnectionClosed);
    closed.complete(null);
  }

  /** Switches the pipeline from HTTP/1.1 to SPDY/3.1 on the server's 101. */
  private final class SpdyUpgradeCodec implements HttpClientUpgradeHandler.UpgradeCodec {
    private final List<String> offered;
    private final CompletableFuture<SpdyConnection> upgraded;

    SpdyUpgradeCodec(List<String> offered, CompletableFuture<SpdyConnection> upgraded) {
      this.offered = List.copyOf(offered);
      this.upgraded = upgraded;
    }

    @Override
    public CharSequence protocol() {
      return SPDY_3_1;
    }

    @Override
    public Collection<CharSequence> setUpgradeHeaders(ChannelHandlerContext ctx, HttpRequest r) {
      return List.of(); // the protocol headers are on the request already
    }

    @Override
    public void upgradeTo(ChannelHandlerContext ctx, FullHttpResponse response) {
      String chosen = response.headers().get(PROTOCOL_HEADER);
      if (chosen == null || !offered.contains(chosen)) {
        upgraded.completeExceptionally(
            new UpgradeFailedException(
                response.status().code(),
                "",
                "server switched to SPDY with protocol " + chosen + ", offered " + offered));
        ctx.close();
        return;
      }
      protocol = chosen;
      ChannelPipeline p = ctx.pipeline();
      p.addAfter(ctx.name(), "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
      p.addAfter("spdy-codec", "spdy-check", new InvalidFrames());
      p.addAfter("spdy-check", "spdy-session", new SpdySessionHandler(SpdyVersion.SPDY_3_1, false));
      p.addAfter("spdy-session", "streams", new StreamRouter());
      p.remove("refused");
      upgraded.complete(SpdyConnection.this);
    }
  }

  /**
   * Notes frames the codec decoded as invalid (e.g. a SYN_REPLY whose header block is empty or does
   * not decompress): the session handler then resets the stream itself, and the stream's error
   * should say that the server's frame was at fault rather than that the server reset it.
   */
  private final class InvalidFrames extends io.netty.channel.ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof SpdyHeadersFrame h && h.isInvalid()) {
        SpdyClientStream stream = streams.get(h.streamId());
        if (stream != null) {
          stream.onInvalidFrame(
              h.getClass().getSimpleName().replace("Default", "")
                  + " with an invalid header block (empty or not decodable)");
        }
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** Hands each frame to its stream. */
  private final class StreamRouter extends SimpleChannelInboundHandler<SpdyFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SpdyFrame frame) {
      if (frame instanceof SpdySynStreamFrame syn) {
        // Kubernetes streaming servers never open streams towards the client.
        ctx.writeAndFlush(
            new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.REFUSED_STREAM));
        return;
      }
      if (frame instanceof SpdyGoAwayFrame) {
        return; // the server closes the connection after it
      }
      if (!(frame instanceof SpdyStreamFrame sf)) {
        return; // settings, pings and window updates are the session handler's
      }
      SpdyClientStream stream = streams.get(sf.streamId());
      if (stream == null) {
        return;
      }
      if (frame instanceof SpdySynReplyFrame reply) {
        stream.onReply();
        if (reply.isLast()) {
          stream.onFin();
        }
      } else if (frame instanceof SpdyDataFrame data) {
        stream.received().append(data.content());
        if (data.isLast()) {
          stream.onFin();
        }
      } else if (frame instanceof SpdyHeadersFrame h && h.isLast()) {
        stream.onFin();
      } else if (frame instanceof SpdyRstStreamFrame rst) {
        stream.onReset(rst.status());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Reads a refused upgrade (the request stays HTTP/1.1): status and body, then closes. */
  private static final class RefusedUpgrade extends SimpleChannelInboundHandler<HttpObject> {
    private final CompletableFuture<SpdyConnection> upgraded;
    private final StringBuilder body = new StringBuilder();
    private int status;

    RefusedUpgrade(CompletableFuture<SpdyConnection> upgraded) {
      this.upgraded = upgraded;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpResponse r) {
        status = r.status().code();
      }
      if (msg instanceof HttpContent c) {
        ByteBuf content = c.content();
        body.append(content.toString(StandardCharsets.UTF_8));
      }
      if (msg instanceof LastHttpContent) {
        upgraded.completeExceptionally(
            new UpgradeFailedException(
                status, body.toString(), "upgrade refused: HTTP " + status + " " + body));
        ctx.close();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      upgraded.completeExceptionally(
          new IllegalStateException(
              "connection closed before the upgrade was answered (status " + status + ")"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      upgraded.completeExceptionally(cause);
      ctx.close();
    }
  }
}
