package io.tessera.server.streaming;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.tessera.sandbox.streaming.StreamOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the streaming server: routes {@code GET /exec|attach|portforward/TOKEN}, takes
 * the token's request (404 when unknown, used, expired or for another route) and upgrades the
 * connection to SPDY/3.1 or WebSocket with the subprotocol the client and server share. Failures
 * answer as the kubelet's server does: 400 for a missing protocol header or upgrade headers, 403
 * when no protocol is shared. The query string never selects a request (only port-forward over
 * WebSocket reads {@code ports} from it, and only when the request named no ports).
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
  static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";
  static final String ACCEPTED_PROTOCOLS_HEADER = "X-Accepted-Stream-Protocol-Versions";
  static final int MAX_WS_MESSAGE = 16 << 20;

  private final StreamingServer server;

  HttpRouter(StreamingServer server) {
    this.server = server;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.POST)) {
      reply(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed", null);
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(req.uri());
    String[] parts = uri.path().split("/");
    // "", route, token
    if (parts.length != 3 || !parts[0].isEmpty()) {
      reply(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found", null);
      return;
    }
    String route = parts[1];
    Optional<StreamRequest> found =
        List.of("exec", "attach", "portforward").contains(route)
            ? server.tokens().consume(parts[2]).filter(r -> r.route().equals(route))
            : Optional.empty();
    if (found.isEmpty()) {
      reply(ctx, HttpResponseStatus.NOT_FOUND, "404 page not found", null);
      return;
    }
    StreamRequest request = found.get();
    if (isWebSocket(req.headers())) {
      upgradeWebSocket(ctx, req, uri, request);
    } else {
      upgradeSpdy(ctx, req, request);
    }
  }

  static boolean isWebSocket(HttpHeaders h) {
    return connectionUpgrade(h) && "websocket".equalsIgnoreCase(h.get(HttpHeaderNames.UPGRADE));
  }

  private static boolean connectionUpgrade(HttpHeaders h) {
    for (String v : h.getAll(HttpHeaderNames.CONNECTION)) {
      if (v.toLowerCase(Locale.ROOT).contains("upgrade")) {
        return true;
      }
    }
    return false;
  }

  private void upgradeSpdy(ChannelHandlerContext ctx, FullHttpRequest req, StreamRequest request) {
    List<String> supported =
        request instanceof StreamRequest.PortForward
            ? StreamProtocols.SPDY_PORT_FORWARD
            : StreamProtocols.SPDY_REMOTE_COMMAND;
    List<String> offers = StreamProtocols.offers(req.headers().getAll(PROTOCOL_HEADER));
    if (offers.isEmpty()) {
      reply(
          ctx,
          HttpResponseStatus.BAD_REQUEST,
          "unable to upgrade: " + PROTOCOL_HEADER + " is required",
          null);
      return;
    }
    Optional<String> protocol = StreamProtocols.negotiate(offers, supported);
    if (protocol.isEmpty()) {
      HttpHeaders accepted = new DefaultHttpHeaders();
      supported.forEach(p -> accepted.add(ACCEPTED_PROTOCOLS_HEADER, p));
      reply(
          ctx,
          HttpResponseStatus.FORBIDDEN,
          "unable to upgrade: unable to negotiate protocol: client supports "
              + offers
              + ", server accepts "
              + supported,
          accepted);
      return;
    }
    if (!connectionUpgrade(req.headers())
        || !"SPDY/3.1".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
      reply(
          ctx,
          HttpResponseStatus.BAD_REQUEST,
          "unable to upgrade: missing upgrade headers in request",
          null);
      return;
    }
    FullHttpResponse ok =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    ok.headers()
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
        .set(HttpHeaderNames.UPGRADE, "SPDY/3.1")
        .set(PROTOCOL_HEADER, protocol.get());
    // Written through the HTTP encoder before it is swapped out, in this same event-loop turn.
    ctx.writeAndFlush(ok);
    SpdyConnection conn = new SpdyConnection();
    ChannelPipeline p = ctx.pipeline();
    p.remove(StreamingServer.AGGREGATOR);
    p.replace(StreamingServer.HTTP_CODEC, "spdy-codec", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    p.replace(this, "spdy-connection", conn);
    SpdyConnection.Listener listener =
        request instanceof StreamRequest.PortForward pf
            ? new SpdyPortForward(
                conn, pf, server.backend(), server.pumps(), server.streamCreationTimeout())
            : new SpdyRemoteCommand(
                conn,
                protocol.get(),
                request,
                server.backend(),
                server.pumps(),
                server.streamCreationTimeout());
    conn.setListener(listener);
    LOG.debug("{} upgraded to SPDY/3.1 with {}", request.route(), protocol.get());
  }

  private void upgradeWebSocket(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      QueryStringDecoder uri,
      StreamRequest request) {
    boolean forward = request instanceof StreamRequest.PortForward;
    List<String> supported =
        forward ? StreamProtocols.WS_PORT_FORWARD : StreamProtocols.WS_REMOTE_COMMAND;
    List<String> offers =
        StreamProtocols.offers(req.headers().getAll(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
    String protocol = "";
    if (!offers.isEmpty()) {
      Optional<String> chosen = StreamProtocols.negotiate(offers, supported);
      if (chosen.isEmpty()) {
        reply(
            ctx,
            HttpResponseStatus.BAD_REQUEST,
            "requested protocol(s) are not supported: " + offers + "; supports " + supported,
            null);
        return;
      }
      protocol = chosen.get();
    }
    List<Integer> ports = List.of();
    if (forward) {
      ports = ((StreamRequest.PortForward) request).ports();
      if (ports.isEmpty()) {
        try {
          ports = queryPorts(uri);
        } catch (IllegalArgumentException e) {
          reply(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage(), null);
          return;
        }
      }
    }
    String scheme = server.tls() ? "wss" : "ws";
    WebSocketServerHandshakerFactory factory =
        new WebSocketServerHandshakerFactory(
            scheme + "://" + req.headers().get(HttpHeaderNames.HOST) + uri.path(),
            protocol.isEmpty() ? null : protocol,
            true,
            MAX_WS_MESSAGE);
    WebSocketServerHandshaker handshaker = factory.newHandshaker(req);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
      return;
    }
    boolean base64 = StreamProtocols.base64(protocol);
    WebSocketChannels channels;
    if (forward) {
      boolean[] readable = new boolean[ports.size() * 2];
      for (int i = 0; i < ports.size(); i++) {
        readable[2 * i] = true;
      }
      channels = new WebSocketChannels(base64, false, readable);
    } else {
      StreamOptions o = options(request);
      channels =
          new WebSocketChannels(
              base64,
              protocol.equals(StreamProtocols.V5),
              new boolean[] {o.stdin(), false, false, false, true});
    }
    String chosenProtocol = protocol;
    List<Integer> forwardPorts = ports;
    // In place before the handshake, whose listener may run at once and start writing.
    ChannelPipeline p = ctx.pipeline();
    p.replace(this, "ws-aggregator", new WebSocketFrameAggregator(MAX_WS_MESSAGE));
    p.addAfter("ws-aggregator", "ws-channels", channels);
    handshaker
        .handshake(ctx.channel(), req)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                LOG.debug("WebSocket handshake failed: {}", f.cause().toString());
                ctx.channel().close();
                return;
              }
              server
                  .pumps()
                  .execute(
                      forward
                          ? () ->
                              forwardOverWebSocket(
                                  channels, (StreamRequest.PortForward) request, forwardPorts)
                          : () -> remoteCommandOverWebSocket(channels, request, chosenProtocol));
            });
    LOG.debug("{} upgraded to WebSocket with {}", request.route(), protocol);
  }

  private void remoteCommandOverWebSocket(
      WebSocketChannels channels, StreamRequest request, String protocol) {
    StreamOptions o = options(request);
    try {
      // Tells the client the connection is up: an empty message on the lowest output channel.
      channels.send(o.stdout() ? 1 : o.stderr() ? 2 : 3, new byte[0], 0, 0);
    } catch (java.io.IOException e) {
      return;
    }
    RemoteCommand.Streams streams =
        new RemoteCommand.Streams(
            o.stdin() ? channels.reader(0) : null,
            o.stdout() ? channels.sink(1) : ByteSink.DISCARD,
            o.stderr() ? channels.sink(2) : ByteSink.DISCARD,
            channels.reader(4),
            channels.sink(3),
            StreamProtocols.structuredStatus(protocol));
    RemoteCommand.Transport transport =
        new RemoteCommand.Transport() {
          @Override
          public java.util.concurrent.CompletableFuture<Void> closed() {
            return channels.closed();
          }

          @Override
          public void close() {
            channels.close();
          }
        };
    new RemoteCommand(request, server.backend(), streams, transport, server.pumps()).run();
  }

  private void forwardOverWebSocket(
      WebSocketChannels channels, StreamRequest.PortForward request, List<Integer> ports) {
    List<java.util.concurrent.CompletableFuture<Void>> running = new ArrayList<>();
    for (int i = 0; i < ports.size(); i++) {
      int port = ports.get(i);
      byte[] le = {(byte) port, (byte) (port >>> 8)};
      try {
        channels.send(2 * i, le, 0, 2);
        channels.send(2 * i + 1, le, 0, 2);
      } catch (java.io.IOException e) {
        return;
      }
    }
    for (int i = 0; i < ports.size(); i++) {
      int port = ports.get(i);
      int n = i;
      running.add(
          java.util.concurrent.CompletableFuture.runAsync(
              () ->
                  PortForwarding.forward(
                      server.backend(),
                      request.podSandboxId(),
                      port,
                      channels.reader(2 * n),
                      channels.sink(2 * n),
                      channels.sink(2 * n + 1),
                      channels.closed(),
                      server.pumps()),
              server.pumps()));
    }
    java.util.concurrent.CompletableFuture.allOf(
            running.toArray(new java.util.concurrent.CompletableFuture[0]))
        .join();
    channels.close();
  }

  private static StreamOptions options(StreamRequest request) {
    return request instanceof StreamRequest.Exec e
        ? e.options()
        : ((StreamRequest.Attach) request).options();
  }

  /** The kubelet's reading of {@code ?ports=80&ports=8080,9090}. */
  static List<Integer> queryPorts(QueryStringDecoder uri) {
    List<String> values = uri.parameters().getOrDefault("ports", List.of());
    if (values.isEmpty()) {
      throw new IllegalArgumentException("query parameter \"ports\" is required");
    }
    List<Integer> ports = new ArrayList<>();
    for (String v : values) {
      if (v.isEmpty()) {
        throw new IllegalArgumentException("query parameter \"ports\" cannot be empty");
      }
      for (String p : v.split(",")) {
        int port;
        try {
          port = Integer.parseInt(p);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("unable to parse \"" + v + "\" as a port");
        }
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("port \"" + v + "\" must be in 1..65535");
        }
        ports.add(port);
      }
    }
    return ports;
  }

  private static void reply(
      ChannelHandlerContext ctx, HttpResponseStatus status, String body, HttpHeaders extra) {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (extra != null) {
      r.headers().add(extra);
    }
    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug(
        "streaming HTTP request from {} failed: {}",
        ctx.channel().remoteAddress(),
        cause.toString());
    ctx.close();
  }
}
