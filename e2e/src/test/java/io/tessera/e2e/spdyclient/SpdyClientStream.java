package io.tessera.e2e.spdyclient;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One stream this client opened on a {@link SpdyConnection}: its headers, what the server sent on
 * it, and the writing half. Thread-safe; writes are queued on the connection's event loop in call
 * order.
 */
public final class SpdyClientStream {
  private final Channel channel;
  private final int id;
  private final Map<String, String> headers;
  private final StreamBuffer received = new StreamBuffer();
  private final CompletableFuture<SpdyClientStream> replied = new CompletableFuture<>();
  private volatile String invalidFrame;

  SpdyClientStream(Channel channel, int id, Map<String, String> headers) {
    this.channel = channel;
    this.id = id;
    this.headers = Map.copyOf(headers);
  }

  public int id() {
    return id;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** What the server sent on this stream. */
  public StreamBuffer received() {
    return received;
  }

  /** Completes when the server answered SYN_REPLY; fails if it reset the stream first. */
  CompletableFuture<SpdyClientStream> replied() {
    return replied;
  }

  /** Sends {@code data} on the stream and waits until it is written (flow control may hold it). */
  public void write(byte[] data) {
    await(channel.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(data))));
  }

  public void write(String text) {
    write(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Half-closes the stream: an empty data frame with FLAG_FIN, as Go's stream.Close() sends. */
  public void closeWrite() {
    DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
    fin.setLast(true);
    await(channel.writeAndFlush(fin));
  }

  /** Resets the stream (RST_STREAM CANCEL). */
  public void reset() {
    await(channel.writeAndFlush(new DefaultSpdyRstStreamFrame(id, SpdyStreamStatus.CANCEL)));
  }

  void onReply() {
    replied.complete(this);
  }

  void onFin() {
    received.end("fin");
  }

  void onInvalidFrame(String what) {
    invalidFrame = what;
  }

  void onReset(SpdyStreamStatus status) {
    String why =
        invalidFrame == null
            ? "reset by server: " + status
            : "reset by this client's session handler ("
                + status
                + ") after the server sent "
                + invalidFrame;
    replied.completeExceptionally(
        new IllegalStateException("stream " + id + " " + headers + " " + why));
    received.end("reset " + status);
  }

  void onConnectionClosed() {
    replied.completeExceptionally(
        new IllegalStateException("connection closed before stream " + id + " was answered"));
    received.end("connection closed");
  }

  private void await(ChannelFuture f) {
    if (channel.eventLoop().inEventLoop()) {
      return; // an embedded channel in unit tests: the write already ran
    }
    if (!f.awaitUninterruptibly(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("write on stream " + id + " not done after 60 s");
    }
    if (!f.isSuccess()) {
      throw new IllegalStateException("write on stream " + id + " failed", f.cause());
    }
  }

  @Override
  public String toString() {
    return "stream " + id + " " + headers;
  }
}
