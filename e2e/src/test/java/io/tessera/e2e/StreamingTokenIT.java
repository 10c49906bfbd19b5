package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.e2e.spdyclient.PortForwardSession;
import io.tessera.e2e.spdyclient.RemoteCommandSession;
import io.tessera.e2e.spdyclient.StreamOptions;
import io.tessera.e2e.spdyclient.UpgradeFailedException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming tokens expire: a daemon with {@code [streaming] token_ttl = "2s"} refuses a URL used
 * after that with 404, over SPDY and WebSocket, while a URL used at once still works.
 */
class StreamingTokenIT {
  private static final Duration TTL = Duration.ofSeconds(2);

  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon =
      new TesseraDaemonExtension(
          List.of(),
          d ->
              "metrics_address = \"\"\n[cni]\nconf_dir = \""
                  + d.root().resolve("cni/admin.d")
                  + "\"\n[streaming]\ntoken_ttl = \"2s\"\n");

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path work;

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  static final StreamingPods pods = new StreamingPods(daemon, busybox);
  static StreamingPods.Pod pod;
  static String ctr;

  @BeforeAll
  static void start() {
    pod = pods.runPod("tokens");
    ctr = pods.runContainer(pod, "idle", false, "sleep", "100000");
  }

  @AfterAll
  static void stop() {
    pods.removeAll();
  }

  /** Waits on the clock (not on the server) until the token issued at {@code issued} is stale. */
  private static void awaitExpiry(Instant issued) {
    Instant stale = issued.plus(TTL).plusSeconds(1);
    await().atMost(WAIT).until(() -> Instant.now().isAfter(stale));
  }

  @Test
  void anExecTokenUsedAtOnceWorksAndOneUsedAfterTheTtlIs404() {
    URI fresh = pods.exec(ctr, false, false, "true");
    try (RemoteCommandSession s = RemoteCommandSession.open(fresh, StreamOptions.outputOnly())) {
      assertThat(s.awaitExit(WAIT).exitCode()).isZero();
    }

    Instant issued = Instant.now();
    URI stale = pods.exec(ctr, false, false, "true");
    awaitExpiry(issued);
    assertThatThrownBy(() -> RemoteCommandSession.open(stale, StreamOptions.outputOnly()))
        .isInstanceOfSatisfying(
            UpgradeFailedException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void expiredAttachAndPortForwardTokensAre404() {
    Instant issued = Instant.now();
    URI attach = pods.attach(ctr, false);
    URI pf = pods.portForward(pod, 8080);
    awaitExpiry(issued);
    assertThatThrownBy(() -> RemoteCommandSession.open(attach, StreamOptions.outputOnly()))
        .isInstanceOfSatisfying(
            UpgradeFailedException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> PortForwardSession.open(pf))
        .isInstanceOfSatisfying(
            UpgradeFailedException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void anExpiredTokenIs404ForTheWebSocketClientToo() throws Exception {
    Instant issued = Instant.now();
    URI stale = pods.exec(ctr, false, false, "true");
    awaitExpiry(issued);
    try (NodeStreamClient c =
        NodeStreamClient.start(Files.createDirectories(work.resolve("node")), "exec", stale)) {
      assertThat(c.awaitExit(WAIT)).as(c.describe()).isEqualTo(3);
      assertThat(c.event("failed")).contains("404");
    }
  }
}
