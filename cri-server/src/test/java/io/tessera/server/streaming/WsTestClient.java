package io.tessera.server.streaming;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client of the channel protocols on the JDK's own WebSocket, independent of the
 * server's classes: collects what arrives per channel and the close.
 */
final class WsTestClient implements WebSocket.Listener {
  final Map<Integer, ByteArrayOutputStream> channels = new ConcurrentHashMap<>();
  final Map<Integer, Integer> messages = new ConcurrentHashMap<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  final boolean base64;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final StringBuilder partialText = new StringBuilder();
  WebSocket ws;

  private WsTestClient(boolean base64) {
    this.base64 = base64;
  }

  static WsTestClient connect(String httpUrl, String... subprotocols) throws Exception {
    boolean b64 = subprotocols.length > 0 && subprotocols[0].contains("base64");
    WsTestClient c = new WsTestClient(b64);
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
    if (subprotocols.length > 0) {
      b.subprotocols(
          subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
    }
    c.ws =
        b.buildAsync(URI.create(httpUrl.replaceFirst("^http", "ws")), c).get(30, TimeUnit.SECONDS);
    return c;
  }

  String text(int channel) {
    ByteArrayOutputStream b = channels.get(channel);
    return b == null ? "" : b.toString(StandardCharsets.UTF_8);
  }

  byte[] bytes(int channel) {
    ByteArrayOutputStream b = channels.get(channel);
    return b == null ? new byte[0] : b.toByteArray();
  }

  void send(int channel, byte[] data) throws Exception {
    if (base64) {
      ws.sendText((char) ('0' + channel) + Base64.getEncoder().encodeToString(data), true)
          .get(30, TimeUnit.SECONDS);
    } else {
      byte[] f = new byte[data.length + 1];
      f[0] = (byte) channel;
      System.arraycopy(data, 0, f, 1, data.length);
      ws.sendBinary(ByteBuffer.wrap(f), true).get(30, TimeUnit.SECONDS);
    }
  }

  void send(int channel, String text) throws Exception {
    send(channel, text.getBytes(StandardCharsets.UTF_8));
  }

  private synchronized void deliver(int channel, byte[] data) {
    channels.computeIfAbsent(channel, k -> new ByteArrayOutputStream()).writeBytes(data);
    messages.merge(channel, 1, Integer::sum);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] b = new byte[data.remaining()];
    data.get(b);
    partial.writeBytes(b);
    if (last) {
      byte[] whole = partial.toByteArray();
      partial.reset();
      byte[] payload = new byte[whole.length - 1];
      System.arraycopy(whole, 1, payload, 0, payload.length);
      deliver(whole[0] & 0xFF, payload);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partialText.append(data);
    if (last) {
      String whole = partialText.toString();
      partialText.setLength(0);
      deliver(whole.charAt(0) - '0', Base64.getDecoder().decode(whole.substring(1)));
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(-1);
  }
}
