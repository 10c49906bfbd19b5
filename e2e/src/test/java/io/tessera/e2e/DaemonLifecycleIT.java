package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.cri.v1.VersionRequest;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Start-up and shutdown of daemons started by the tests themselves. */
class DaemonLifecycleIT {
  private final DaemonDirs first = DaemonDirs.create();
  private final DaemonDirs second = DaemonDirs.create();

  @AfterEach
  void cleanUp() {
    first.delete();
    second.delete();
  }

  @Test
  void sigtermRemovesTheSocketAndExitsZero() {
    TesseraProcess d = TesseraProcess.start(first, List.of()).awaitServing();
    assertThat(d.terminate()).isZero();
    assertThat(first.socket()).doesNotExist();
    assertThat(d.errorLines()).isEmpty();
  }

  @Test
  void secondDaemonOnTheSameSocketRefusesToStart() {
    TesseraProcess running = TesseraProcess.start(first, List.of()).awaitServing();
    try {
      TesseraProcess intruder = TesseraProcess.start(second.withSharedSocket(first), List.of());
      assertThat(intruder.awaitExit(Duration.ofSeconds(60))).isNotZero();
      assertThat(intruder.logs()).contains("another server is listening on " + first.socket());

      // The first one is untouched and still answers.
      try (CriClient c = CriClient.connect(first.socket())) {
        assertThat(c.runtime().version(VersionRequest.getDefaultInstance()).getRuntimeName())
            .isEqualTo("tessera");
      }
    } finally {
      assertThat(running.terminate()).isZero();
    }
  }

  @Test
  void secondDaemonOnTheSameStateDirRefusesToStart() {
    TesseraProcess running = TesseraProcess.start(first, List.of()).awaitServing();
    try {
      DaemonDirs sameState =
          new DaemonDirs(
              second.base(), second.root(), first.state(), second.socket(), second.config());
      TesseraProcess intruder = TesseraProcess.start(sameState, List.of());
      assertThat(intruder.awaitExit(Duration.ofSeconds(60))).isNotZero();
      assertThat(intruder.logs()).contains("in use by another tessera daemon");
      assertThat(second.socket()).doesNotExist();
    } finally {
      assertThat(running.terminate()).isZero();
    }
  }

  @Test
  void staleSocketOfADeadDaemonIsReplaced() throws Exception {
    Files.createDirectories(first.socket().getParent());
    // Bind and close without unlinking: what a killed daemon leaves behind.
    try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(first.socket()));
    }
    assertThat(first.socket()).exists();
    TesseraProcess d = TesseraProcess.start(first, List.of()).awaitServing();
    assertThat(d.logs()).contains("removed stale socket");
    assertThat(d.terminate()).isZero();
  }

  @Test
  void killedDaemonLeavesAStaleSocketThatTheNextOneReplaces() {
    TesseraProcess d = TesseraProcess.start(first, List.of()).awaitServing();
    d.kill();
    assertThat(first.socket()).exists();
    TesseraProcess next = TesseraProcess.start(first, List.of()).awaitServing();
    assertThat(next.terminate()).isZero();
  }

  @Test
  void unknownConfigKeyStopsStartUpNamingTheKey() throws Exception {
    Files.writeString(first.config(), "socket_path = \"/tmp/x.sock\"\nbogus_key = 1\n");
    TesseraProcess d = TesseraProcess.start(first, List.of());
    assertThat(d.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
    assertThat(d.logs()).contains("unknown key 'bogus_key'");
  }

  @Test
  void badConfigValueStopsStartUpNamingTheKey() throws Exception {
    Files.writeString(first.config(), "log_level = \"shouty\"\n");
    TesseraProcess d = TesseraProcess.start(first, List.of());
    assertThat(d.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
    assertThat(d.logs()).contains("'log_level'");
  }

  @Test
  void metricsEndpointServesCallTimers() throws Exception {
    Files.writeString(first.config(), "metrics_address = \"127.0.0.1:0\"\n");
    TesseraProcess d = TesseraProcess.start(first, List.of()).awaitServing();
    try {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics")
              .matcher(d.logs());
      assertThat(m.find()).as("metrics address logged").isTrue();
      String body =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create("http://127.0.0.1:" + m.group(1) + "/metrics"))
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(body)
          .contains("tessera_grpc_server_calls_seconds_count")
          .contains("method=\"Version\"");
    } finally {
      assertThat(d.terminate()).isZero();
    }
  }
}
