package io.tessera.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.HttpResponse;
import io.tessera.sandbox.streaming.StreamOptions;
import io.tessera.sandbox.streaming.TerminalSize;
import io.tessera.server.config.TesseraConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming server end to end over loopback, with host processes (sh, cat, sleep, head) as
 * sessions and independent clients: the JDK's WebSocket and a Netty SPDY client.
 */
class StreamingServerIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SUCCESS = "{\"metadata\":{},\"status\":\"Success\"}";

  private final HostProcessBackend backend = new HostProcessBackend();
  private final TokenCacheTest.ManualClock clock = new TokenCacheTest.ManualClock();
  private final EventLoopGroup clientLoop = new NioEventLoopGroup(1);
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private StreamingServer server;

  @BeforeEach
  void start() {
    server = start(Duration.ofHours(4), Duration.ofSeconds(30));
  }

  private StreamingServer start(Duration idle, Duration streamCreation) {
    TesseraConfig.Streaming cfg =
        new TesseraConfig.Streaming(
            "127.0.0.1", 0, Optional.empty(), Duration.ofMinutes(1), idle, streamCreation);
    StreamingServer s = StreamingServer.start(cfg, backend, clock);
    cleanup.add(s);
    return s;
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
    backend.close();
    clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static StreamRequest exec(boolean stdin, boolean stdout, boolean stderr, String... cmd) {
    return new StreamRequest.Exec(
        "c1", List.of(cmd), new StreamOptions(stdin, stdout, stderr, false));
  }

  private String url(StreamRequest r) {
    return server.url(r);
  }

  // ---- URLs and tokens ----

  @Test
  void urlNamesTheRouteAndATokenOnTheBoundPort() {
    String u = url(exec(false, true, false, "true"));
    assertThat(u)
        .matches(
            "http://127\\.0\\.0\\.1:" + server.address().getPort() + "/exec/[A-Za-z0-9_-]{43}");
    assertThat(url(new StreamRequest.PortForward("p1", List.of(80)))).contains("/portforward/");
    assertThat(url(new StreamRequest.Attach("c1", new StreamOptions(false, true, false, false))))
        .contains("/attach/");
  }

  @Test
  void unknownUsedExpiredAndMisroutedTokensAre404() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = server.baseUrl();
    assertThat(get(http, base + "/exec/nope")).isEqualTo(404);
    assertThat(get(http, base + "/other/x")).isEqualTo(404);

    String once = url(exec(false, true, false, "true"));
    assertThat(get(http, once)).isEqualTo(400); // consumed: not an upgrade request
    assertThat(get(http, once)).isEqualTo(404);

    String expired = url(exec(false, true, false, "true"));
    clock.advance(Duration.ofSeconds(61));
    assertThat(get(http, expired)).isEqualTo(404);

    String exec = url(exec(false, true, false, "true"));
    assertThat(get(http, exec.replace("/exec/", "/attach/"))).isEqualTo(404);
    assertThat(get(http, exec)).isEqualTo(404); // the misrouted try used it up
  }

  private static int get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), BodyHandlers.ofString())
        .statusCode();
  }

  // ---- WebSocket exec ----

  @Test
  void webSocketExecStreamsStdoutStderrAndSuccess() throws Exception {
    WsTestClient c =
        WsTestClient.connect(
            url(exec(false, true, true, "sh", "-c", "echo hello; echo oops >&2")),
            "v4.channel.k8s.io");
    assertThat(c.ws.getSubprotocol()).isEqualTo("v4.channel.k8s.io");
    assertThat(c.closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
    assertThat(c.text(1)).isEqualTo("hello\n");
    assertThat(c.text(2)).isEqualTo("oops\n");
    assertThat(c.text(3)).isEqualTo(SUCCESS);
  }

  @Test
  void webSocketExecReportsTheExitCode() throws Exception {
    WsTestClient c =
        WsTestClient.connect(
            url(exec(false, true, false, "sh", "-c", "exit 3")), "v5.channel.k8s.io");
    c.closed.get(60, TimeUnit.SECONDS);
    assertThat(c.text(3))
        .contains("\"status\":\"Failure\"")
        .contains("\"reason\":\"NonZeroExitCode\"")
        .contains("{\"reason\":\"ExitCode\",\"message\":\"3\"}");
  }

  @Test
  void webSocketCatRoundTripEndsWhenV5ClosesStdin() throws Exception {
    WsTestClient c = WsTestClient.connect(url(exec(true, true, false, "cat")), "v5.channel.k8s.io");
    c.send(0, "ping\n");
    await().atMost(WAIT).until(() -> c.text(1).equals("ping\n"));
    c.send(255, new byte[] {0});
    c.closed.get(60, TimeUnit.SECONDS);
    assertThat(c.text(3)).isEqualTo(SUCCESS);
  }

  @Test
  void webSocketBase64Variant() throws Exception {
    WsTestClient c =
        WsTestClient.connect(
            url(exec(true, true, false, "head", "-n", "1")), "v4.base64.channel.k8s.io");
    c.send(0, "hi there\n");
    c.closed.get(60, TimeUnit.SECONDS);
    assertThat(c.text(1)).isEqualTo("hi there\n");
    assertThat(c.text(3)).isEqualTo(SUCCESS);
  }

  @Test
  void webSocketPreV4ProtocolGetsAPlainMessage() throws Exception {
    WsTestClient c =
        WsTestClient.connect(url(exec(false, true, false, "sh", "-c", "exit 5")), "channel.k8s.io");
    c.closed.get(60, TimeUnit.SECONDS);
    assertThat(c.text(3))
        .isEqualTo(
            "command terminated with non-zero exit code: command 'sh -c exit 5' exited with 5");
  }

  @Test
  void webSocketFirstMessageIsAnEmptyOneOnStdout() throws Exception {
    WsTestClient c =
        WsTestClient.connect(
            url(exec(false, true, false, "sh", "-c", "exit 0")), "v4.channel.k8s.io");
    c.closed.get(60, TimeUnit.SECONDS);
    assertThat(c.messages.get(1)).isEqualTo(1);
    assertThat(c.bytes(1)).isEmpty();
  }

  @Test
  void webSocketResizeReachesTheSession() throws Exception {
    StreamRequest r =
        new StreamRequest.Exec("c1", List.of("cat"), new StreamOptions(true, true, false, true));
    WsTestClient c = WsTestClient.connect(url(r), "v4.channel.k8s.io");
    c.send(4, "{\"Width\":100,\"Height\":40}");
    c.send(4, "{\"Width\":132,\"Height\":43}");
    await()
        .atMost(WAIT)
        .until(
            () ->
                backend.resizes.equals(
                    List.of(new TerminalSize(100, 40), new TerminalSize(132, 43))));
    c.ws.abort();
  }

  @Test
  void webSocketDisconnectKillsTheProcess() throws Exception {
    WsTestClient c =
        WsTestClient.connect(url(exec(false, true, false, "sleep", "1000")), "v4.channel.k8s.io");
    await().atMost(WAIT).until(() -> backend.processes.size() == 1);
    Process p = backend.processes.get(0);
    assertThat(p.isAlive()).isTrue();
    c.ws.abort();
    await().atMost(WAIT).until(() -> !p.isAlive());
  }

  @Test
  void webSocketUnsupportedSubprotocolIsRefused() throws Exception {
    String u = url(exec(false, true, false, "true"));
    try {
      WsTestClient.connect(u, "v9.channel.k8s.io");
      throw new AssertionError("handshake should fail");
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
      assertThat(
              ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
          .isEqualTo(400);
    }
  }

  @Test
  void webSocketAttachEndsWithSuccessWhateverTheExitCode() throws Exception {
    backend.attachCommands.put("c2", List.of("sh", "-c", "echo attached; exit 7"));
    WsTestClient c =
        WsTestClient.connect(
            url(new StreamRequest.Attach("c2", new StreamOptions(false, true, false, false))),
            "v4.channel.k8s.io");
    c.closed.get(60, TimeUnit.SECONDS);
    assertThat(c.text(1)).isEqualTo("attached\n");
    assertThat(c.text(3)).isEqualTo(SUCCESS);
  }

  @Test
  void sessionThatCannotStartReportsAnInternalError() throws Exception {
    StreamRequest r =
        new StreamRequest.Exec(
            "missing", List.of("true"), new StreamOptions(false, true, false, false));
    WsTestClient c = WsTestClient.connect(url(r), "v4.channel.k8s.io");
    c.closed.get(60, TimeUnit.SECONDS);
    assertThat(c.text(3))
        .contains("\"reason\":\"InternalError\"")
        .contains("error executing command in container: container missing not found")
        .contains("\"code\":500");
  }

  @Test
  void idleConnectionsAreClosedAndTheirProcessKilled() throws Exception {
    StreamingServer idle = start(Duration.ofMillis(500), Duration.ofSeconds(30));
    WsTestClient c =
        WsTestClient.connect(
            idle.url(exec(false, true, false, "sleep", "1000")), "v4.channel.k8s.io");
    c.closed.get(60, TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> backend.processes.stream().noneMatch(Process::isAlive));
  }

  @Test
  void fiftyConcurrentSessionsAllComplete() throws Exception {
    List<WsTestClient> clients = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      clients.add(
          WsTestClient.connect(
              url(exec(false, true, false, "sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done")),
              "v4.channel.k8s.io"));
    }
    for (WsTestClient c : clients) {
      c.closed.get(120, TimeUnit.SECONDS);
      assertThat(c.text(1)).isEqualTo("line1\nline2\nline3\nline4\nline5\n");
      assertThat(c.text(3)).isEqualTo(SUCCESS);
    }
  }

  // ---- SPDY exec ----

  private SpdyTestClient spdy(String url, boolean windowUpdates, String... protocols)
      throws Exception {
    SpdyTestClient c = SpdyTestClient.connect(clientLoop, url, windowUpdates, protocols);
    cleanup.add(c::close);
    return c;
  }

  @Test
  void spdyUpgradeEchoesTheNegotiatedProtocol() throws Exception {
    SpdyTestClient c =
        spdy(
            url(exec(false, true, false, "true")),
            true,
            "v5.channel.k8s.io",
            "v3.channel.k8s.io",
            "v4.channel.k8s.io");
    HttpResponse r = c.response.get();
    assertThat(r.status().code()).isEqualTo(101);
    assertThat(r.headers().get("Upgrade")).isEqualTo("SPDY/3.1");
    assertThat(r.headers().get("X-Stream-Protocol-Version")).isEqualTo("v3.channel.k8s.io");
  }

  @Test
  void spdyWithoutProtocolHeaderIs400AndUnknownProtocolIs403() throws Exception {
    SpdyTestClient none = spdy(url(exec(false, true, false, "true")), true);
    assertThat(none.response.get().status().code()).isEqualTo(400);
    SpdyTestClient bad = spdy(url(exec(false, true, false, "true")), true, "v9.channel.k8s.io");
    HttpResponse r = bad.response.get();
    assertThat(r.status().code()).isEqualTo(403);
    assertThat(r.headers().getAll("X-Accepted-Stream-Protocol-Versions"))
        .containsExactly(
            "v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io");
  }

  @Test
  void spdyCatRoundTripWithExitStatus() throws Exception {
    SpdyTestClient c = spdy(url(exec(true, true, false, "cat")), true, "v4.channel.k8s.io");
    int error = c.open(Map.of("streamType", "error"));
    int stdin = c.open(Map.of("streamType", "stdin"));
    int stdout = c.open(Map.of("streamType", "stdout"));
    c.awaitReplies();
    c.send(stdin, "abc\n", false);
    await().atMost(WAIT).until(() -> c.text(stdout).equals("abc\n"));
    c.send(stdin, "def\n", true);
    c.awaitFin(stdout);
    c.awaitFin(error);
    assertThat(c.text(stdout)).isEqualTo("abc\ndef\n");
    assertThat(c.text(error)).isEqualTo(SUCCESS);
    c.goAway.get(60, TimeUnit.SECONDS);
  }

  @Test
  void spdyExitCodeOnV4AndPlainMessageOnV2() throws Exception {
    SpdyTestClient v4 =
        spdy(url(exec(false, true, false, "sh", "-c", "exit 3")), true, "v4.channel.k8s.io");
    int e4 = v4.open(Map.of("streamType", "error"));
    v4.open(Map.of("streamType", "stdout"));
    v4.awaitFin(e4);
    assertThat(v4.text(e4)).contains("NonZeroExitCode").contains("\"message\":\"3\"");

    SpdyTestClient v2 =
        spdy(url(exec(false, true, false, "sh", "-c", "exit 4")), true, "v2.channel.k8s.io");
    int e2 = v2.open(Map.of("streamType", "error"));
    v2.open(Map.of("streamType", "stdout"));
    v2.awaitFin(e2);
    assertThat(v2.text(e2))
        .isEqualTo(
            "command terminated with non-zero exit code: command 'sh -c exit 4' exited with 4");
  }

  @Test
  void spdyLargeOutputRespectsTheClientsWindows() throws Exception {
    SpdyTestClient c =
        spdy(
            url(exec(false, true, false, "head", "-c", "2097152", "/dev/zero")),
            true,
            "v4.channel.k8s.io");
    int error = c.open(Map.of("streamType", "error"));
    int stdout = c.open(Map.of("streamType", "stdout"));
    c.awaitFin(stdout);
    c.awaitFin(error);
    assertThat(c.length(stdout)).isEqualTo(2 * 1024 * 1024);
    assertThat(c.windowOverruns.get()).isZero();
  }

  @Test
  void spdyLargeOutputReachesAClientThatNeverUpdatesWindows() throws Exception {
    SpdyTestClient c =
        spdy(
            url(exec(false, true, false, "head", "-c", "1048576", "/dev/zero")),
            false,
            "v4.channel.k8s.io");
    int error = c.open(Map.of("streamType", "error"));
    int stdout = c.open(Map.of("streamType", "stdout"));
    c.awaitFin(stdout);
    c.awaitFin(error);
    assertThat(c.length(stdout)).isEqualTo(1024 * 1024);
    assertThat(c.text(error)).isEqualTo(SUCCESS);
  }

  @Test
  void spdyLargeInputIsNotStalledByTheServersWindow() throws Exception {
    SpdyTestClient c = spdy(url(exec(true, true, false, "wc", "-c")), true, "v4.channel.k8s.io");
    int error = c.open(Map.of("streamType", "error"));
    int stdin = c.open(Map.of("streamType", "stdin"));
    int stdout = c.open(Map.of("streamType", "stdout"));
    c.awaitReplies();
    String chunk = "x".repeat(16 * 1024);
    for (int i = 0; i < 32; i++) {
      c.send(stdin, chunk, false);
    }
    c.send(stdin, "", true);
    c.awaitFin(error);
    assertThat(c.text(stdout).trim()).isEqualTo(Integer.toString(32 * 16 * 1024));
  }

  @Test
  void spdyResizeStreamWithATty() throws Exception {
    StreamRequest r =
        new StreamRequest.Exec("c1", List.of("cat"), new StreamOptions(true, true, false, true));
    SpdyTestClient c = spdy(url(r), true, "v4.channel.k8s.io");
    c.open(Map.of("streamType", "error"));
    int stdin = c.open(Map.of("streamType", "stdin"));
    c.open(Map.of("streamType", "stdout"));
    int resize = c.open(Map.of("streamType", "resize"));
    c.awaitReplies();
    c.send(resize, "{\"Width\":90,\"Height\":30}", false);
    await().atMost(WAIT).until(() -> backend.resizes.contains(new TerminalSize(90, 30)));
    c.send(stdin, "", true);
  }

  @Test
  void spdyClientThatOpensTooFewStreamsIsDisconnected() throws Exception {
    StreamingServer quick = start(Duration.ofHours(4), Duration.ofMillis(300));
    SpdyTestClient c = spdy(quick.url(exec(true, true, false, "cat")), true, "v4.channel.k8s.io");
    c.open(Map.of("streamType", "error"));
    c.closed.get(60, TimeUnit.SECONDS);
    assertThat(backend.processes).isEmpty();
  }

  @Test
  void spdyDisconnectKillsTheProcess() throws Exception {
    SpdyTestClient c =
        spdy(url(exec(false, true, false, "sleep", "1000")), true, "v4.channel.k8s.io");
    c.open(Map.of("streamType", "error"));
    c.open(Map.of("streamType", "stdout"));
    await().atMost(WAIT).until(() -> backend.processes.size() == 1);
    Process p = backend.processes.get(0);
    c.close();
    await().atMost(WAIT).until(() -> !p.isAlive());
  }

  // ---- port forwarding ----

  /** A one-connection-at-a-time echo server on the loopback, prefixing "echo:". */
  private int echoServer() throws Exception {
    ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    cleanup.add(ss);
    Thread t =
        new Thread(
            () -> {
              while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  out.write("echo:".getBytes());
                  in.transferTo(out);
                } catch (Exception e) {
                  // closed
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return ss.getLocalPort();
  }

  @Test
  void spdyPortForwardPairsStreamsByRequestId() throws Exception {
    int port = echoServer();
    SpdyTestClient c =
        spdy(url(new StreamRequest.PortForward("p1", List.of())), true, "portforward.k8s.io");
    assertThat(c.response.get().headers().get("X-Stream-Protocol-Version"))
        .isEqualTo("portforward.k8s.io");
    String p = Integer.toString(port);
    int error = c.open(Map.of("streamType", "error", "port", p, "requestID", "0"));
    int data = c.open(Map.of("streamType", "data", "port", p, "requestID", "0"));
    c.awaitReplies();
    c.send(data, "hello", false);
    await().atMost(WAIT).until(() -> c.text(data).equals("echo:hello"));
    c.send(data, " world", true);
    c.awaitFin(data);
    c.awaitFin(error);
    assertThat(c.text(data)).isEqualTo("echo:hello world");
    assertThat(c.text(error)).isEmpty();

    // A second forwarded connection over the same SPDY connection.
    int error2 = c.open(Map.of("streamType", "error", "port", p, "requestID", "1"));
    int data2 = c.open(Map.of("streamType", "data", "port", p, "requestID", "1"));
    c.awaitReplies();
    c.send(data2, "again", true);
    c.awaitFin(data2);
    c.awaitFin(error2);
    assertThat(c.text(data2)).isEqualTo("echo:again");
  }

  @Test
  void spdyPortForwardToAClosedPortReportsOnTheErrorStream() throws Exception {
    ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    int port = ss.getLocalPort();
    ss.close();
    SpdyTestClient c =
        spdy(url(new StreamRequest.PortForward("p1", List.of())), true, "portforward.k8s.io");
    int error =
        c.open(Map.of("streamType", "error", "port", Integer.toString(port), "requestID", "7"));
    c.open(Map.of("streamType", "data", "port", Integer.toString(port), "requestID", "7"));
    c.awaitFin(error);
    assertThat(c.text(error)).startsWith("error forwarding port " + port + " to pod p1, uid : ");
  }

  @Test
  void spdyPortForwardRefusesAStreamWithoutPort() throws Exception {
    SpdyTestClient c =
        spdy(url(new StreamRequest.PortForward("p1", List.of())), true, "portforward.k8s.io");
    int s = c.openUnanswered(Map.of("streamType", "data", "requestID", "0"));
    await().atMost(WAIT).until(() -> c.resets.containsKey(s));
  }

  @Test
  void webSocketPortForwardAnnouncesThePortsThenForwards() throws Exception {
    int port = echoServer();
    WsTestClient c =
        WsTestClient.connect(
            url(new StreamRequest.PortForward("p1", List.of(port))),
            "v5.channel.k8s.io",
            "v4.channel.k8s.io");
    assertThat(c.ws.getSubprotocol()).isEqualTo("v4.channel.k8s.io");
    byte[] le = {(byte) port, (byte) (port >>> 8)};
    await().atMost(WAIT).until(() -> c.bytes(1).length == 2);
    assertThat(c.bytes(1)).containsExactly(le);
    c.send(0, "hello");
    await().atMost(WAIT).until(() -> c.text(0).length() == 2 + "echo:hello".length());
    assertThat(java.util.Arrays.copyOfRange(c.bytes(0), 0, 2)).containsExactly(le);
    assertThat(c.text(0).substring(2)).isEqualTo("echo:hello");
    c.ws.abort();
  }

  @Test
  void webSocketPortForwardTakesPortsFromTheQueryWhenTheRequestNamedNone() throws Exception {
    int port = echoServer();
    WsTestClient c =
        WsTestClient.connect(
            url(new StreamRequest.PortForward("p1", List.of())) + "?ports=" + port,
            "v4.channel.k8s.io");
    await().atMost(WAIT).until(() -> c.bytes(1).length == 2);
    c.send(0, "q");
    await().atMost(WAIT).until(() -> c.text(0).endsWith("echo:q"));
    c.ws.abort();
  }
}
