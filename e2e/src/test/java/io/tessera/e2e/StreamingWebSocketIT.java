package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exec, Attach and PortForward over WebSocket with {@code @kubernetes/client-node}'s own Exec,
 * Attach and PortForward classes under Node.js ({@link NodeStreamClient}), against real containers.
 * The library offers v5.channel.k8s.io first; port-forward falls back to v4.
 */
class StreamingWebSocketIT {
  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  static final StreamingPods pods = new StreamingPods(daemon, busybox);

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  static Path nodeLogs;

  private final List<NodeStreamClient> clients = new ArrayList<>();

  @BeforeAll
  static void publishAndPull() throws Exception {
    NodeStreamClient.scripts(); // fail if the library is not installed
    nodeLogs = Files.createDirectories(work.resolve("node"));
  }

  @AfterEach
  void cleanUp() {
    clients.forEach(NodeStreamClient::close);
    pods.removeAll();
  }

  private NodeStreamClient node(String mode, URI url, String... flags) {
    NodeStreamClient c = NodeStreamClient.start(nodeLogs, mode, url, flags);
    clients.add(c);
    return c;
  }

  /**
   * Waits until {@code done} holds, running {@code eachPoll} before each look; fails at once when
   * node exited first (the session ended or never opened).
   */
  private static void awaitNode(
      NodeStreamClient c, Predicate<NodeStreamClient> done, Runnable eachPoll) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              if (c.isAlive()) {
                eachPoll.run();
              }
              if (done.test(c)) {
                return true;
              }
              if (!c.isAlive()) {
                c.awaitExit(WAIT); // all of its output read
                if (done.test(c)) {
                  return true;
                }
                throw new AssertionError("node exited first: " + c.describe());
              }
              return false;
            });
  }

  private static void awaitNode(NodeStreamClient c, Predicate<NodeStreamClient> done) {
    awaitNode(c, done, () -> {});
  }

  /** Waits for the session to end by itself and returns the v4/v5 Status it reported. */
  private static JsonNode statusOf(NodeStreamClient c) throws Exception {
    assertThat(c.awaitExit(WAIT)).as(c.describe()).isZero();
    String status = c.event("status");
    assertThat(status).as("status event: " + c.describe()).isNotNull();
    return JSON.readTree(status);
  }

  @Test
  void execWithoutStdinOrTtySeparatesStdoutAndStderrAndSucceeds() throws Exception {
    String ctr = pods.idleContainer("ws-echo");
    NodeStreamClient c =
        node(
            "exec", pods.exec(ctr, false, false, "sh", "-c", "echo to-stdout; echo to-stderr >&2"));
    JsonNode status = statusOf(c);
    assertThat(status.path("status").asText()).as(c.describe()).isEqualTo("Success");
    assertThat(c.event("open")).isEqualTo("v5.channel.k8s.io");
    assertThat(c.stdout()).isEqualTo("to-stdout\n");
    assertThat(c.stderr()).isEqualTo("to-stderr\n");
  }

  @Test
  void execWithStdinRoundTripsThroughCatAndTheV5CloseEndsIt() throws Exception {
    String ctr = pods.idleContainer("ws-cat");
    NodeStreamClient c = node("exec", pods.exec(ctr, true, false, "cat"), "--stdin");
    c.writeStdin("first line\n");
    awaitNode(c, n -> n.stdout().equals("first line\n"));
    c.writeStdin("second line\n");
    awaitNode(c, n -> n.stdout().equals("first line\nsecond line\n"));
    c.closeStdin(); // v5: the close frame for stdin; cat reads EOF and exits
    assertThat(statusOf(c).path("status").asText()).isEqualTo("Success");
  }

  @Test
  void exitThreeIsReportedAsNonZeroExitCodeThree() throws Exception {
    String ctr = pods.idleContainer("ws-exit");
    NodeStreamClient c = node("exec", pods.exec(ctr, false, false, "sh", "-c", "exit 3"));
    JsonNode status = statusOf(c);
    assertThat(status.path("status").asText()).isEqualTo("Failure");
    assertThat(status.path("reason").asText()).isEqualTo("NonZeroExitCode");
    JsonNode cause = status.path("details").path("causes").path(0);
    assertThat(cause.path("reason").asText()).isEqualTo("ExitCode");
    assertThat(cause.path("message").asText()).isEqualTo("3");
  }

  @Test
  void execWithTtyTakesTheLibrarysTerminalSizeAndItsResizes() throws Exception {
    String ctr = pods.idleContainer("ws-tty");
    NodeStreamClient c =
        node(
            "exec",
            pods.exec(
                ctr,
                true,
                true,
                "sh",
                "-c",
                "busybox tty; while read l; do [ \"$l\" = q ] && exit 0; busybox stty size; done"),
            "--stdin",
            "--tty",
            "--no-stderr",
            "--size",
            "80x24");
    awaitNode(c, n -> n.stdout().contains("/dev/pts/"));
    // The library sent 80x24 as {"height":24,"width":80} on connecting; each line prints the size.
    awaitNode(c, n -> n.stdout().contains("24 80"), () -> c.writeStdin("\n"));
    c.resize(120, 40);
    awaitNode(c, n -> n.stdout().contains("40 120"), () -> c.writeStdin("\n"));
    c.writeStdin("q\n");
    assertThat(statusOf(c).path("status").asText()).isEqualTo("Success");
  }

  @Test
  void attachSeesOutputPrintedAfterAttachingAndSendsStdin() {
    StreamingPods.Pod pod = pods.runPod("ws-attach");
    String ctr =
        pods.runContainer(
            pod,
            "echoer",
            true,
            "sh",
            "-c",
            "echo started; while read l; do echo \"got:$l\"; done");
    String word = "w" + UUID.randomUUID().toString().substring(0, 8);
    NodeStreamClient c = node("attach", pods.attach(ctr, true), "--stdin");
    awaitNode(c, n -> n.event("open") != null);
    c.writeStdin(word + "\n");
    awaitNode(c, n -> n.stdout().contains("got:" + word + "\n"));
    assertThat(c.stdout()).doesNotContain("started");
  }

  @Test
  void portForwardReachesAnHttpServerListeningOnlyOnThePodsLoopback() {
    StreamingPods.Pod pod = pods.runPod("ws-pf");
    String body = "pf-body-" + UUID.randomUUID();
    pods.serveOnLoopback8080(pod, body, WAIT);

    NodeStreamClient c = node("portforward", pods.portForward(pod, 8080), "--port", "8080");
    awaitNode(c, n -> n.event("open") != null);
    assertThat(c.event("open")).isEqualTo("v4.channel.k8s.io"); // v5 is exec/attach only
    c.writeData("GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n");
    awaitNode(c, n -> n.received("data").contains(body));
    assertThat(c.received("data")).startsWith("HTTP/1.").contains(" 200 ");
    assertThat(c.received("error")).isEmpty();
  }

  @Test
  void clientDisconnectKillsTheExecdProcess() {
    String ctr = pods.idleContainer("ws-disconnect");
    NodeStreamClient c = node("exec", pods.exec(ctr, true, false, "sleep", "4343"), "--stdin");
    awaitNode(c, n -> pods.processes(ctr).contains("sleep 4343"));
    c.disconnect();
    assertThat(c.awaitExit(WAIT)).isZero();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !pods.processes(ctr).contains("sleep 4343"));
  }

  @Test
  void aUsedTokenIsRefusedWith404() throws Exception {
    String ctr = pods.idleContainer("ws-used");
    URI url = pods.exec(ctr, false, false, "true");
    assertThat(statusOf(node("exec", url)).path("status").asText()).isEqualTo("Success");
    NodeStreamClient again = node("exec", url);
    assertThat(again.awaitExit(WAIT)).as(again.describe()).isEqualTo(3);
    assertThat(again.event("failed")).contains("404");
  }
}
