package io.tessera.server.streaming;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket connection carrying numbered channels (k8s.io/apiserver's wsstream): every message
 * starts with its channel, in binary or base64 framing. Channels the server reads from get an
 * {@link InboundPipe}; messages for other channels are dropped, as wsstream drops them. On v5, a
 * message on channel 255 carrying channel N ends N's input (the client closed its stdin).
 *
 * <p>Backpressure: reading the socket pauses while more than {@link #READ_PAUSE_BYTES} wait in the
 * pipes; {@link ByteSink#write} blocks while the socket's buffer is full. Sinks' close is a no-op:
 * a channel ends with the connection.
 */
final class WebSocketChannels extends StreamConnectionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketChannels.class);
  static final long READ_PAUSE_BYTES = 4L << 20;
  static final int MAX_MESSAGE_DATA = 32 * 1024;
  static final long CLOSE_GRACE_MILLIS = 1000;

  private final boolean base64;
  private final boolean closeChannelMessages;
  private final InboundPipe[] readers;
  private volatile Channel channel;
  private volatile boolean closing;

  /**
   * @param readable which channels the server reads, by number
   * @param closeChannelMessages whether channel 255 closes an input (v5)
   */
  WebSocketChannels(boolean base64, boolean closeChannelMessages, boolean[] readable) {
    super(LOG, "WebSocket");
    this.base64 = base64;
    this.closeChannelMessages = closeChannelMessages;
    this.readers = new InboundPipe[readable.length];
    for (int i = 0; i < readable.length; i++) {
      if (readable[i]) {
        readers[i] = new InboundPipe(n -> consumed());
      }
    }
  }

  /** The client's data on {@code ch}, or null when the server does not read it. */
  InboundPipe reader(int ch) {
    return ch < readers.length ? readers[ch] : null;
  }

  ByteSink sink(int ch) {
    return new ByteSink() {
      @Override
      public void write(byte[] data, int off, int len) throws IOException {
        send(ch, data, off, len);
      }

      @Override
      public void close() {}
    };
  }

  /** Sends one message on {@code ch}, even an empty one (a connection-established signal). */
  void send(int ch, byte[] data, int off, int len) throws IOException {
    do {
      int n = Math.min(len, MAX_MESSAGE_DATA);
      awaitWritable();
      WebSocketFrame frame =
          base64
              ? new TextWebSocketFrame(ChannelFrames.encodeBase64(ch, data, off, n))
              : new BinaryWebSocketFrame(
                  Unpooled.wrappedBuffer(ChannelFrames.encodeBinary(ch, data, off, n)));
      channel.writeAndFlush(frame);
      off += n;
      len -= n;
    } while (len > 0);
  }

  private void awaitWritable() throws IOException {
    synchronized (lock) {
      while (true) {
        if (!open || closing) {
          throw new IOException("WebSocket connection is closed");
        }
        if (channel.isWritable()) {
          return;
        }
        try {
          lock.wait(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted writing to WebSocket");
        }
      }
    }
  }

  /** A normal close frame, then the TCP close when the client answers or after a grace. */
  void close() {
    Channel ch = channel;
    if (ch == null || closing) {
      return;
    }
    closing = true;
    ch.eventLoop()
        .execute(
            () -> {
              ch.writeAndFlush(new CloseWebSocketFrame(1000, ""));
              ch.eventLoop().schedule(() -> ch.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof BinaryWebSocketFrame || msg instanceof TextWebSocketFrame) {
        onMessage(ctx, (WebSocketFrame) msg);
      } else if (msg instanceof PingWebSocketFrame ping) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
      } else if (msg instanceof CloseWebSocketFrame) {
        if (!closing) {
          closing = true;
          ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(f -> ctx.close());
        } else {
          ctx.close();
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onMessage(ChannelHandlerContext ctx, WebSocketFrame frame) {
    ChannelFrames.Message m;
    try {
      m =
          base64
              ? ChannelFrames.decodeBase64(frame.content().toString(StandardCharsets.US_ASCII))
              : ChannelFrames.decodeBinary(ByteBufUtil.getBytes(frame.content()));
    } catch (IllegalArgumentException e) {
      LOG.debug("dropping a malformed WebSocket message: {}", e.toString());
      return;
    }
    if (m == null) {
      return;
    }
    if (closeChannelMessages && m.channel() == ChannelFrames.CLOSE_CHANNEL) {
      if (m.data().length == 1) {
        InboundPipe r = reader(m.data()[0] & 0xFF);
        if (r != null) {
          r.finish();
        }
      }
      return;
    }
    InboundPipe r = reader(m.channel());
    if (r == null) {
      return;
    }
    r.offer(m.data());
    if (buffered() > READ_PAUSE_BYTES) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  private long buffered() {
    long total = 0;
    for (InboundPipe r : readers) {
      if (r != null) {
        total += r.buffered();
      }
    }
    return total;
  }

  private void consumed() {
    Channel ch = channel;
    if (ch != null && !ch.config().isAutoRead()) {
      ch.eventLoop()
          .execute(
              () -> {
                if (buffered() <= READ_PAUSE_BYTES / 2) {
                  ch.config().setAutoRead(true);
                }
              });
    }
  }

  @Override
  void abortReaders() {
    for (InboundPipe r : readers) {
      if (r != null) {
        r.abort();
      }
    }
  }
}
