package io.tessera.server.streaming;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdyWindowUpdateFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A SPDY/3.1 client of the stream protocols on Netty's frame codec, written apart from the server:
 * upgrades over HTTP, opens streams, collects their data. With {@code windowUpdates} it keeps
 * flow-control windows like a SPDY/3.1 peer (and records whether the server ever overran them);
 * without, it behaves like Go's spdystream, which never sends WINDOW_UPDATE.
 */
final class SpdyTestClient extends ChannelInboundHandlerAdapter {
  static final int WINDOW = 64 * 1024;

  final CompletableFuture<HttpResponse> response = new CompletableFuture<>();
  final CompletableFuture<Void> closed = new CompletableFuture<>();
  final CompletableFuture<Void> goAway = new CompletableFuture<>();
  final Map<Integer, ByteArrayOutputStream> data = new ConcurrentHashMap<>();
  final Map<Integer, CompletableFuture<Void>> fin = new ConcurrentHashMap<>();
  final Map<Integer, CompletableFuture<Void>> replies = new ConcurrentHashMap<>();
  final Map<Integer, Integer> resets = new ConcurrentHashMap<>();
  final AtomicLong windowOverruns = new AtomicLong();
  private final Map<Integer, AtomicLong> unacked = new ConcurrentHashMap<>();
  private final AtomicLong sessionUnacked = new AtomicLong();
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final boolean windowUpdates;
  Channel channel;

  private SpdyTestClient(boolean windowUpdates) {
    this.windowUpdates = windowUpdates;
  }

  /** Sends the upgrade request; {@link #response} completes with the server's answer. */
  static SpdyTestClient connect(
      EventLoopGroup group, String url, boolean windowUpdates, String... protocols)
      throws Exception {
    SpdyTestClient c = new SpdyTestClient(windowUpdates);
    URI u = URI.create(url);
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("http", new HttpClientCodec());
                    ch.pipeline().addLast("upgrade", c.new Upgrade());
                  }
                });
    c.channel = b.connect(new InetSocketAddress(u.getHost(), u.getPort())).sync().channel();
    FullHttpRequest req =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, u.getRawPath());
    req.headers().set("Host", u.getHost() + ":" + u.getPort());
    req.headers().set("Connection", "Upgrade");
    req.headers().set("Upgrade", "SPDY/3.1");
    req.headers().set("Content-Length", "0");
    for (String p : protocols) {
      req.headers().add("X-Stream-Protocol-Version", p);
    }
    c.channel.writeAndFlush(req).sync();
    c.response.get(30, TimeUnit.SECONDS);
    return c;
  }

  private final class Upgrade extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpResponse r) {
        if (r.status().code() == 101) {
          ctx.pipeline().replace("http", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
          ctx.pipeline().replace(this, "client", SpdyTestClient.this);
        }
        response.complete(r);
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed.complete(null);
    }
  }

  /** Opens a stream with these headers; returns its id once the server replied. */
  int open(Map<String, String> headers) throws Exception {
    int id = openUnanswered(headers);
    // client-go waits for each stream's reply before it opens the next.
    replies.get(id).get(30, TimeUnit.SECONDS);
    return id;
  }

  /** Opens a stream without waiting for the server's reply. */
  int openUnanswered(Map<String, String> headers) throws Exception {
    int id = nextId.getAndAdd(2);
    data.put(id, new ByteArrayOutputStream());
    fin.put(id, new CompletableFuture<>());
    replies.put(id, new CompletableFuture<>());
    unacked.put(id, new AtomicLong());
    SpdySynStreamFrame f = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    headers.forEach((k, v) -> f.headers().set(k.toLowerCase(java.util.Locale.ROOT), v));
    channel.writeAndFlush(f).sync();
    return id;
  }

  void awaitReplies() throws Exception {
    for (CompletableFuture<Void> r : replies.values()) {
      r.get(30, TimeUnit.SECONDS);
    }
  }

  void send(int id, String text, boolean last) throws Exception {
    SpdyDataFrame f =
        new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    f.setLast(last);
    channel.writeAndFlush(f).sync();
  }

  String text(int id) {
    synchronized (this) {
      return data.get(id).toString(StandardCharsets.UTF_8);
    }
  }

  int length(int id) {
    synchronized (this) {
      return data.get(id).size();
    }
  }

  void awaitFin(int id) throws Exception {
    fin.get(id).get(60, TimeUnit.SECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynReplyFrame r) {
        if (r.isInvalid()) {
          replies
              .get(r.streamId())
              .completeExceptionally(
                  new IllegalStateException("invalid SYN_REPLY header block: " + r));
        } else {
          replies.get(r.streamId()).complete(null);
        }
      } else if (msg instanceof SpdyDataFrame d) {
        int n = d.content().readableBytes();
        synchronized (this) {
          data.get(d.streamId()).writeBytes(ByteBufUtil.getBytes(d.content()));
        }
        if (windowUpdates && n > 0) {
          if (unacked.get(d.streamId()).addAndGet(n) > WINDOW
              || sessionUnacked.addAndGet(n) > WINDOW) {
            windowOverruns.incrementAndGet();
          }
          // A 3.1 peer opens the window again as it consumes; here at once, a bit delayed.
          ctx.executor()
              .schedule(
                  () -> {
                    unacked.get(d.streamId()).addAndGet(-n);
                    sessionUnacked.addAndGet(-n);
                    ctx.write(new DefaultSpdyWindowUpdateFrame(d.streamId(), n));
                    ctx.writeAndFlush(new DefaultSpdyWindowUpdateFrame(0, n));
                  },
                  5,
                  TimeUnit.MILLISECONDS);
        }
        if (d.isLast()) {
          fin.get(d.streamId()).complete(null);
        }
      } else if (msg instanceof SpdyRstStreamFrame r) {
        resets.put(r.streamId(), r.status().code());
        CompletableFuture<Void> f = fin.get(r.streamId());
        if (f != null) {
          f.complete(null);
        }
      } else if (msg instanceof SpdyGoAwayFrame) {
        goAway.complete(null);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed.complete(null);
  }

  void close() {
    channel.close().syncUninterruptibly();
  }
}
