package io.tessera.server.streaming;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;

/**
 * The connection life both stream protocols (SPDY, WebSocket) share as a Netty handler: writers
 * wait on {@link #lock} while the socket is not writable and give up once {@link #open} is false;
 * when the channel goes inactive the readers are aborted and {@link #closed()} completes; an idle
 * connection (IdleStateHandler) or a failure closes the channel.
 *
 * <p>Event-loop methods run on the channel's loop; writers on their own threads.
 */
abstract class StreamConnectionHandler extends ChannelInboundHandlerAdapter {
  private final Logger log;
  private final String protocol;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  /** Guards {@link #open} and the subclass's send state; notified when either may have changed. */
  final Object lock = new Object();

  // Guarded by lock.
  boolean open = true;

  /**
   * @param log the subclass's logger, so that its lines keep their category
   * @param protocol the protocol's name in log lines, e.g. "SPDY"
   */
  StreamConnectionHandler(Logger log, String protocol) {
    this.log = log;
    this.protocol = protocol;
  }

  /** Completes once the TCP connection is closed, by either side. */
  CompletableFuture<Void> closed() {
    return closed;
  }

  /** Ends the input of every reader; called on the loop once the channel is inactive. */
  abstract void abortReaders();

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    synchronized (lock) {
      lock.notifyAll();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    synchronized (lock) {
      open = false;
      lock.notifyAll();
    }
    abortReaders();
    closed.complete(null);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      log.info(
          "closing idle {} stream connection from {}", protocol, ctx.channel().remoteAddress());
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug(
        "{} connection from {} failed: {}",
        protocol,
        ctx.channel().remoteAddress(),
        cause.toString());
    ctx.close();
  }
}
