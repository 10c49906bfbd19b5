package io.tessera.e2e.spdyclient;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's bytes on the wire, alone: the client runs on an embedded channel, and Netty's SPDY
 * codec on a second embedded channel decodes what it sent and encodes the answers a server would
 * give. No server logic is involved; the answers are scripted per test.
 */
class SpdyFramingTest {
  private final EmbeddedChannel client = new EmbeddedChannel();
  private final EmbeddedChannel peer =
      new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));

  @AfterEach
  void close() {
    client.finishAndReleaseAll();
    peer.finishAndReleaseAll();
  }

  private String sentText() {
    StringBuilder sb = new StringBuilder();
    for (ByteBuf b; (b = client.readOutbound()) != null; ) {
      sb.append(b.toString(UTF_8));
      b.release();
    }
    return sb.toString();
  }

  private void answer(String http) {
    client.writeInbound(Unpooled.copiedBuffer(http, UTF_8));
  }

  private SpdyConnection upgraded(String url, List<String> protocols, String chosen) {
    CompletableFuture<SpdyConnection> f =
        SpdyConnection.upgrade(client, null, URI.create(url), protocols);
    sentText();
    answer(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
            + "X-Stream-Protocol-Version: "
            + chosen
            + "\r\n\r\n");
    assertThat(f).isCompleted();
    return f.join();
  }

  /** Frames the client sent since the last call, decoded by the peer's codec. */
  private List<SpdyFrame> sentFrames() {
    for (ByteBuf b; (b = client.readOutbound()) != null; ) {
      peer.writeInbound(b);
    }
    List<SpdyFrame> frames = new ArrayList<>();
    for (Object f; (f = peer.readInbound()) != null; ) {
      frames.add((SpdyFrame) f);
    }
    return frames;
  }

  private void peerSends(SpdyFrame frame) {
    peer.writeOutbound(frame);
    for (ByteBuf b; (b = peer.readOutbound()) != null; ) {
      client.writeInbound(b);
    }
  }

  /**
   * A SYN_REPLY with one header: Netty's decoder takes a zero-length header block as invalid (the
   * client then resets the stream), so a scripted answer must carry a header block.
   */
  private static SpdyFrame reply(int streamId) {
    DefaultSpdySynReplyFrame r = new DefaultSpdySynReplyFrame(streamId);
    r.headers().set("x-reply", "1");
    return r;
  }

  private SpdySynStreamFrame onlySyn() {
    List<SpdyFrame> frames = sentFrames();
    assertThat(frames).hasSize(1).first().isInstanceOf(SpdySynStreamFrame.class);
    return (SpdySynStreamFrame) frames.get(0);
  }

  private static String data(SpdyFrame f) {
    assertThat(f).isInstanceOf(SpdyDataFrame.class);
    String s = ((SpdyDataFrame) f).content().toString(UTF_8);
    ((SpdyDataFrame) f).release();
    return s;
  }

  @Test
  void upgradeRequestOffersTheProtocolsAndKeepsTheTokenPath() {
    SpdyConnection.upgrade(
        client,
        null,
        URI.create("http://127.0.0.1:4321/exec/AbC_9?x=1"),
        RemoteCommandSession.PROTOCOLS);
    String request = sentText();
    assertThat(request).startsWith("POST /exec/AbC_9?x=1 HTTP/1.1\r\n");
    String lower = request.toLowerCase();
    assertThat(lower)
        .contains("\r\nupgrade: spdy/3.1\r\n")
        .containsPattern("\r\nconnection: [^\r]*upgrade");
    assertThat(lower).contains("\r\nhost: 127.0.0.1:4321\r\n");
    assertThat(request.split("\r\n"))
        .filteredOn(l -> l.toLowerCase().startsWith("x-stream-protocol-version:"))
        .extracting(l -> l.substring(l.indexOf(':') + 1).trim())
        .containsExactly(
            "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io");
  }

  @Test
  void refusedUpgradeFailsWithTheStatusAndBody() {
    CompletableFuture<SpdyConnection> f =
        SpdyConnection.upgrade(
            client,
            null,
            URI.create("http://127.0.0.1:1/exec/used"),
            RemoteCommandSession.PROTOCOLS);
    sentText();
    answer("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found");
    assertThatThrownBy(f::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            UpgradeFailedException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.body()).isEqualTo("not found");
            });
  }

  @Test
  void aProtocolThatWasNotOfferedIsRefused() {
    CompletableFuture<SpdyConnection> f =
        SpdyConnection.upgrade(
            client, null, URI.create("http://127.0.0.1:1/exec/t"), RemoteCommandSession.PROTOCOLS);
    sentText();
    answer(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
            + "X-Stream-Protocol-Version: v9.channel.k8s.io\r\n\r\n");
    assertThatThrownBy(f::join).cause().isInstanceOf(UpgradeFailedException.class);
  }

  @Test
  void ttyExecOpensErrorStdinStdoutResizeOneAfterTheOtherAndDecodesTheExitCode() {
    SpdyConnection conn =
        upgraded("http://127.0.0.1:1/exec/t", RemoteCommandSession.PROTOCOLS, "v4.channel.k8s.io");
    CompletableFuture<RemoteCommandSession> started =
        RemoteCommandSession.start(conn, StreamOptions.terminal());

    List<String> types = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    while (!started.isDone()) {
      SpdySynStreamFrame syn = onlySyn(); // the next one only after the reply, as client-go does
      assertThat(syn.isLast()).isFalse();
      assertThat(syn.isUnidirectional()).isFalse();
      types.add(syn.headers().getAsString("streamtype"));
      ids.add(syn.streamId());
      peerSends(reply(syn.streamId()));
    }
    assertThat(types).containsExactly("error", "stdin", "stdout", "resize");
    assertThat(ids).containsExactly(1, 3, 5, 7);
    RemoteCommandSession session = started.join();
    assertThat(session.protocol()).isEqualTo("v4.channel.k8s.io");

    session.writeStdin("echo hi\n");
    session.resize(120, 40);
    session.closeStdin();
    List<SpdyFrame> frames = sentFrames();
    assertThat(frames).hasSize(3);
    assertThat(((SpdyDataFrame) frames.get(0)).streamId()).isEqualTo(3);
    assertThat(data(frames.get(0))).isEqualTo("echo hi\n");
    assertThat(((SpdyDataFrame) frames.get(1)).streamId()).isEqualTo(7);
    assertThat(data(frames.get(1))).isEqualTo("{\"Width\":120,\"Height\":40}\n");
    assertThat(((SpdyDataFrame) frames.get(2)).streamId()).isEqualTo(3);
    assertThat(((SpdyDataFrame) frames.get(2)).isLast()).isTrue();
    assertThat(data(frames.get(2))).isEmpty();

    peerSends(new DefaultSpdyDataFrame(5, Unpooled.copiedBuffer("hi\r\n", UTF_8)));
    assertThat(session.stdout().text()).isEqualTo("hi\r\n");
    assertThatThrownBy(session::stderr).hasMessageContaining("no stderr");

    DefaultSpdyDataFrame status =
        new DefaultSpdyDataFrame(
            1,
            Unpooled.copiedBuffer(
                "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\","
                    + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]}}",
                UTF_8));
    status.setLast(true);
    peerSends(status);
    assertThat(session.awaitExit(Duration.ofSeconds(1)).exitCode()).isEqualTo(3);
  }

  @Test
  void aSynReplyWithoutAHeaderBlockIsRejected() {
    SpdyConnection conn =
        upgraded("http://127.0.0.1:1/exec/t", RemoteCommandSession.PROTOCOLS, "v4.channel.k8s.io");
    CompletableFuture<RemoteCommandSession> started =
        RemoteCommandSession.start(conn, StreamOptions.outputOnly());
    SpdySynStreamFrame syn = onlySyn();
    // Netty encodes a reply with no headers as a zero-length header block; SPDY/3 wants at least
    // the (compressed) pair count, and neither Netty's decoder nor Go's framer accepts it.
    peerSends(new DefaultSpdySynReplyFrame(syn.streamId()));
    assertThatThrownBy(started::join)
        .hasMessageContaining(
            "after the server sent SpdySynReplyFrame with an invalid header block");
    assertThat(sentFrames())
        .singleElement()
        .isInstanceOf(io.netty.handler.codec.spdy.SpdyRstStreamFrame.class);
  }

  @Test
  void closeDropsTheConnectionAtOnceWhileStreamsAreOpen() {
    SpdyConnection conn =
        upgraded("http://127.0.0.1:1/exec/t", RemoteCommandSession.PROTOCOLS, "v4.channel.k8s.io");
    CompletableFuture<RemoteCommandSession> started =
        RemoteCommandSession.start(conn, StreamOptions.outputOnly());
    while (!started.isDone()) {
      peerSends(reply(onlySyn().streamId()));
    }
    RemoteCommandSession session = started.join();
    session.close(); // no GOAWAY and no waiting for the streams, as when kubectl is killed
    assertThat(client.isOpen()).isFalse();
    assertThat(session.closed()).isCompleted();
    assertThat(session.errorStream().ended()).isCompletedWithValue("connection closed");
    assertThat(sentFrames()).isEmpty();
  }

  @Test
  void execWithoutTtyOpensStderrAndNoResize() {
    SpdyConnection conn =
        upgraded("http://127.0.0.1:1/exec/t", RemoteCommandSession.PROTOCOLS, "v4.channel.k8s.io");
    CompletableFuture<RemoteCommandSession> started =
        RemoteCommandSession.start(conn, StreamOptions.outputOnly());
    List<String> types = new ArrayList<>();
    while (!started.isDone()) {
      SpdySynStreamFrame syn = onlySyn();
      types.add(syn.headers().getAsString("streamtype"));
      peerSends(reply(syn.streamId()));
    }
    assertThat(types).containsExactly("error", "stdout", "stderr");
    assertThatThrownBy(() -> started.join().resize(1, 1)).hasMessageContaining("no resize");
  }

  @Test
  void aResetStreamFailsTheSession() {
    SpdyConnection conn =
        upgraded("http://127.0.0.1:1/exec/t", RemoteCommandSession.PROTOCOLS, "v4.channel.k8s.io");
    CompletableFuture<RemoteCommandSession> started =
        RemoteCommandSession.start(conn, StreamOptions.outputOnly());
    SpdySynStreamFrame syn = onlySyn();
    peerSends(new DefaultSpdyRstStreamFrame(syn.streamId(), SpdyStreamStatus.REFUSED_STREAM));
    assertThatThrownBy(started::join).hasMessageContaining("reset by server");
  }

  @Test
  void portForwardOpensAHalfClosedErrorStreamThenTheDataStreamWithPortAndRequestId() {
    SpdyConnection conn =
        upgraded(
            "http://127.0.0.1:1/portforward/t",
            List.of(PortForwardSession.PROTOCOL),
            "portforward.k8s.io");
    PortForwardSession pf = PortForwardSession.on(conn);
    for (int request = 0; request < 2; request++) {
      CompletableFuture<PortForwardSession.Forwarded> f = pf.forwardAsync(8080);
      SpdySynStreamFrame error = onlySyn();
      assertThat(error.headers().getAsString("streamtype")).isEqualTo("error");
      assertThat(error.headers().getAsString("port")).isEqualTo("8080");
      assertThat(error.headers().getAsString("requestid")).isEqualTo(Integer.toString(request));
      peerSends(reply(error.streamId()));
      List<SpdyFrame> frames = sentFrames();
      assertThat(frames).hasSize(2);
      assertThat(((SpdyDataFrame) frames.get(0)).isLast()).isTrue(); // error half-closed
      assertThat(((SpdyDataFrame) frames.get(0)).streamId()).isEqualTo(error.streamId());
      data(frames.get(0));
      SpdySynStreamFrame dataSyn = (SpdySynStreamFrame) frames.get(1);
      assertThat(dataSyn.headers().getAsString("streamtype")).isEqualTo("data");
      assertThat(dataSyn.headers().getAsString("requestid")).isEqualTo(Integer.toString(request));
      peerSends(reply(dataSyn.streamId()));
      PortForwardSession.Forwarded fwd = f.join();
      fwd.write("GET / HTTP/1.0\r\n\r\n");
      assertThat(data(sentFrames().get(0))).isEqualTo("GET / HTTP/1.0\r\n\r\n");
      peerSends(
          new DefaultSpdyDataFrame(
              dataSyn.streamId(), Unpooled.copiedBuffer("HTTP/1.0 200 OK", UTF_8)));
      assertThat(fwd.data().text()).isEqualTo("HTTP/1.0 200 OK");
    }
  }
}
