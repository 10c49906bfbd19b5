package io.tessera.e2e.spdyclient;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * What the remote side sent on one stream, kept whole, and whether it has ended (FIN, reset or
 * connection closed). Thread-safe: filled on the connection's event loop, read by tests.
 */
public final class StreamBuffer {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CompletableFuture<String> ended = new CompletableFuture<>();

  synchronized void append(ByteBuf data) {
    byte[] chunk = new byte[data.readableBytes()];
    data.readBytes(chunk);
    bytes.writeBytes(chunk);
  }

  /** Marks the end; {@code how} says why (e.g. "fin", "reset PROTOCOL_ERROR", "connection"). */
  void end(String how) {
    ended.complete(how);
  }

  public synchronized byte[] bytes() {
    return bytes.toByteArray();
  }

  /** The bytes so far as UTF-8 text. */
  public String text() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  public boolean isEnded() {
    return ended.isDone();
  }

  /** Completes with how the stream ended: "fin", "reset STATUS" or "connection closed". */
  public CompletableFuture<String> ended() {
    return ended;
  }

  @Override
  public String toString() {
    return text() + (isEnded() ? " [ended: " + ended.join() + "]" : "");
  }
}
