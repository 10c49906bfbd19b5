package io.tessera.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.tessera.cri.v1.AttachRequest;
import io.tessera.cri.v1.ContainerFilter;
import io.tessera.cri.v1.ContainerState;
import io.tessera.cri.v1.ContainerStatusRequest;
import io.tessera.cri.v1.ExecRequest;
import io.tessera.cri.v1.ListContainersRequest;
import io.tessera.cri.v1.PortForwardRequest;
import io.tessera.cri.v1.StopPodSandboxRequest;
import io.tessera.cri.v1.VersionRequest;
import io.tessera.e2e.spdyclient.ExitStatus;
import io.tessera.e2e.spdyclient.PortForwardSession;
import io.tessera.e2e.spdyclient.RemoteCommandSession;
import io.tessera.e2e.spdyclient.StreamOptions;
import io.tessera.e2e.spdyclient.UpgradeFailedException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exec, Attach and PortForward through the daemon's streaming server over SPDY/3.1, with this
 * suite's own SPDY client ({@link io.tessera.e2e.spdyclient}, kubectl's protocol, no code shared
 * with the server), against real containers.
 */
class StreamingIT {
  @RegisterExtension
  @Order(1)
  static final TesseraDaemonExtension daemon = new TesseraDaemonExtension();

  @RegisterExtension
  @Order(2)
  static final BusyboxPods busybox = new BusyboxPods(daemon);

  static final StreamingPods pods = new StreamingPods(daemon, busybox);

  private static final Duration WAIT = Duration.ofSeconds(60);

  @AfterEach
  void removePods() {
    pods.removeAll();
  }

  /**
   * Waits until stdout satisfies {@code done}, running {@code eachPoll} before each look; fails at
   * once when the session ended first (the status is on the error stream, written after output).
   */
  private static void awaitStdout(
      RemoteCommandSession s, Predicate<String> done, Runnable eachPoll) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              eachPoll.run();
              if (done.test(s.stdout().text())) {
                return true;
              }
              if (s.errorStream().isEnded() || s.closed().isDone()) {
                if (done.test(s.stdout().text())) {
                  return true;
                }
                throw new AssertionError(
                    "session ended first: status ["
                        + s.errorStream()
                        + "], stdout ["
                        + s.stdout()
                        + "]");
              }
              return false;
            });
  }

  private static void awaitStdout(RemoteCommandSession s, Predicate<String> done) {
    awaitStdout(s, done, () -> {});
  }

  private static RemoteCommandSession exec(String ctr, StreamOptions o, String... cmd) {
    return RemoteCommandSession.open(pods.exec(ctr, o.stdin(), o.tty(), cmd), o);
  }

  @Test
  void execWithoutStdinOrTtySeparatesStdoutAndStderrAndSucceeds() {
    String ctr = pods.idleContainer("exec-echo");
    try (RemoteCommandSession s =
        exec(ctr, StreamOptions.outputOnly(), "sh", "-c", "echo to-stdout; echo to-stderr >&2")) {
      assertThat(s.protocol()).isEqualTo(RemoteCommandSession.V4);
      ExitStatus exit = s.awaitExit(WAIT);
      assertThat(exit.status()).isEqualTo("Success");
      assertThat(exit.exitCode()).isZero();
      await().atMost(WAIT).until(() -> s.stdout().isEnded() && s.stderr().isEnded());
      assertThat(s.stdout().text()).isEqualTo("to-stdout\n");
      assertThat(s.stderr().text()).isEqualTo("to-stderr\n");
    }
  }

  @Test
  void execWithStdinRoundTripsThroughCat() {
    String ctr = pods.idleContainer("exec-cat");
    try (RemoteCommandSession s = exec(ctr, StreamOptions.withStdin(), "cat")) {
      s.writeStdin("first line\n");
      awaitStdout(s, out -> out.equals("first line\n"));
      s.writeStdin("second line\n");
      awaitStdout(s, out -> out.equals("first line\nsecond line\n"));
      s.closeStdin(); // cat reads EOF and exits
      assertThat(s.awaitExit(WAIT).exitCode()).isZero();
      assertThat(s.stderr().text()).isEmpty();
    }
  }

  @Test
  void exitThreeIsReportedAsNonZeroExitCodeThree() {
    String ctr = pods.idleContainer("exec-exit");
    try (RemoteCommandSession s = exec(ctr, StreamOptions.outputOnly(), "sh", "-c", "exit 3")) {
      ExitStatus exit = s.awaitExit(WAIT);
      assertThat(exit.status()).isEqualTo("Failure");
      assertThat(exit.reason()).isEqualTo("NonZeroExitCode");
      assertThat(exit.exitCode()).isEqualTo(3);
    }
  }

  @Test
  void execWithTtyRunsOnATerminalAndResizeChangesSttySize() {
    String ctr = pods.idleContainer("exec-tty");
    try (RemoteCommandSession s =
        exec(
            ctr,
            StreamOptions.terminal(),
            "sh",
            "-c",
            "busybox tty; while read l; do [ \"$l\" = q ] && exit 0; busybox stty size; done")) {
      awaitStdout(s, out -> out.contains("/dev/pts/"));
      // Each line typed prints the size again: repeat until the resize has landed.
      s.resize(80, 24);
      awaitStdout(s, out -> out.contains("24 80"), () -> s.writeStdin("\n"));
      s.resize(120, 40);
      awaitStdout(s, out -> out.contains("40 120"), () -> s.writeStdin("\n"));
      s.writeStdin("q\n");
      assertThat(s.awaitExit(WAIT).exitCode()).isZero();
    }
  }

  @Test
  void attachSeesOutputPrintedAfterAttachingAndSendsStdin() {
    StreamingPods.Pod pod = pods.runPod("attach");
    String ctr =
        pods.runContainer(
            pod,
            "echoer",
            true,
            "sh",
            "-c",
            "echo started; while read l; do echo \"got:$l\"; done");
    String word = "w" + UUID.randomUUID().toString().substring(0, 8);
    URI url = pods.attach(ctr, true);
    try (RemoteCommandSession s = RemoteCommandSession.open(url, StreamOptions.withStdin())) {
      s.writeStdin(word + "\n");
      // The line exists only after this client sent it: it can only have arrived live.
      awaitStdout(s, out -> out.contains("got:" + word + "\n"));
      assertThat(s.stdout().text()).doesNotContain("started"); // printed before attaching
    }
  }

  @Test
  void attachWithoutStdinStreamsTheMainProcessOutputLive() {
    StreamingPods.Pod pod = pods.runPod("attach-ticker");
    String ctr =
        pods.runContainer(
            pod,
            "ticker",
            false,
            "sh",
            "-c",
            "i=0; while :; do echo tick-$i; i=$((i+1)); sleep 0.2; done");
    try (RemoteCommandSession s =
        RemoteCommandSession.open(pods.attach(ctr, false), StreamOptions.outputOnly())) {
      awaitStdout(s, out -> out.lines().filter(l -> l.startsWith("tick-")).count() >= 5);
      assertThat(s.errorStream().isEnded()).isFalse();
    }
  }

  @Test
  void portForwardReachesAnHttpServerListeningOnlyOnThePodsLoopback() throws Exception {
    StreamingPods.Pod pod = pods.runPod("pf");
    String body = "pf-body-" + UUID.randomUUID();
    pods.serveOnLoopback8080(pod, body, WAIT);

    // The host cannot reach it: it listens on the pod's loopback only.
    String ip = pods.podIp(pod);
    assertThat(ip).isNotEmpty();
    try (Socket direct = new Socket()) {
      assertThatThrownBy(() -> direct.connect(new InetSocketAddress(ip, 8080), 10_000))
          .isInstanceOf(ConnectException.class);
    }

    try (PortForwardSession pf = PortForwardSession.open(pods.portForward(pod, 8080))) {
      assertThat(pf.protocol()).isEqualTo(PortForwardSession.PROTOCOL);
      for (int i = 0; i < 2; i++) { // two connections on one session: requestID 0 and 1
        PortForwardSession.Forwarded c = pf.forward(8080);
        c.write("GET /index.html HTTP/1.0\r\nHost: pod\r\n\r\n");
        await()
            .atMost(WAIT)
            .until(
                () -> {
                  if (c.data().text().contains(body)) {
                    return true;
                  }
                  if (c.data().isEnded() || !c.error().text().isEmpty()) {
                    throw new AssertionError("data [" + c.data() + "], error [" + c.error() + "]");
                  }
                  return false;
                });
        assertThat(c.data().text()).startsWith("HTTP/1.").contains(" 200 ");
        await().atMost(WAIT).until(() -> c.data().isEnded()); // httpd closes after answering
        assertThat(c.error().text()).isEmpty();
      }
    }
  }

  @Test
  void clientDisconnectKillsTheExecdProcess() {
    String ctr = pods.idleContainer("exec-disconnect");
    RemoteCommandSession s = exec(ctr, StreamOptions.withStdin(), "sleep", "4242");
    try {
      await()
          .atMost(WAIT)
          .until(
              () -> {
                if (s.errorStream().isEnded()) {
                  throw new AssertionError("exec ended: " + s.errorStream());
                }
                return pods.processes(ctr).contains("sleep 4242");
              });
    } finally {
      s.close(); // drop the TCP connection, as a killed kubectl does
    }
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !pods.processes(ctr).contains("sleep 4242"));
  }

  @Test
  void aUsedOrUnknownTokenIsRefusedWith404() {
    StreamingPods.Pod pod = pods.runPod("tokens");
    String ctr = pods.runContainer(pod, "idle", false, "sleep", "100000");
    URI url = pods.exec(ctr, false, false, "true");
    try (RemoteCommandSession s = RemoteCommandSession.open(url, StreamOptions.outputOnly())) {
      assertThat(s.awaitExit(WAIT).exitCode()).isZero();
    }
    assertThatThrownBy(() -> RemoteCommandSession.open(url, StreamOptions.outputOnly()))
        .isInstanceOfSatisfying(
            UpgradeFailedException.class, e -> assertThat(e.status()).isEqualTo(404));

    URI attach = pods.attach(ctr, false);
    RemoteCommandSession.open(attach, StreamOptions.outputOnly()).close();
    assertThatThrownBy(() -> RemoteCommandSession.open(attach, StreamOptions.outputOnly()))
        .isInstanceOfSatisfying(
            UpgradeFailedException.class, e -> assertThat(e.status()).isEqualTo(404));

    URI pf = pods.portForward(pod, 8080);
    PortForwardSession.open(pf).close();
    assertThatThrownBy(() -> PortForwardSession.open(pf))
        .isInstanceOfSatisfying(
            UpgradeFailedException.class, e -> assertThat(e.status()).isEqualTo(404));

    String path = url.getRawPath();
    URI unknown =
        url.resolve(
            path.substring(0, path.lastIndexOf('/') + 1) + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    assertThatThrownBy(() -> RemoteCommandSession.open(unknown, StreamOptions.outputOnly()))
        .isInstanceOfSatisfying(
            UpgradeFailedException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  private static Status.Code codeOf(Runnable rpc) {
    try {
      rpc.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void requestsThatCannotStreamGetNoUrl() {
    StreamingPods.Pod pod = pods.runPod("refused");
    String running = pods.runContainer(pod, "idle", false, "sleep", "100000");
    String exited = pods.runContainer(pod, "done", false, "true");
    await()
        .atMost(WAIT)
        .until(
            () ->
                pods.rt()
                        .containerStatus(
                            ContainerStatusRequest.newBuilder().setContainerId(exited).build())
                        .getStatus()
                        .getState()
                    == ContainerState.CONTAINER_EXITED);

    ExecRequest.Builder exec = ExecRequest.newBuilder().setContainerId(running).addCmd("true");
    assertThat(
            codeOf(
                () ->
                    pods.rt()
                        .exec(exec.clone().setTty(true).setStdout(true).setStderr(true).build())))
        .as("tty with stderr")
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(codeOf(() -> pods.rt().exec(exec.clone().build())))
        .as("no stream at all")
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            codeOf(
                () -> pods.rt().exec(exec.clone().setContainerId(exited).setStdout(true).build())))
        .as("exited container")
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(
            codeOf(
                () ->
                    pods.rt()
                        .attach(
                            AttachRequest.newBuilder()
                                .setContainerId("0".repeat(64))
                                .setStdout(true)
                                .build())))
        .as("unknown container")
        .isEqualTo(Status.Code.NOT_FOUND);

    pods.rt().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.id()).build());
    assertThat(
            codeOf(
                () ->
                    pods.rt()
                        .portForward(
                            PortForwardRequest.newBuilder()
                                .setPodSandboxId(pod.id())
                                .addPort(8080)
                                .build())))
        .as("stopped pod")
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  @Test
  void fiftyConcurrentExecsStreamWhileOtherRpcsAnswer() throws Exception {
    String ctr = pods.idleContainer("exec-fifty");
    String loop =
        "i=0; while [ ! -e /tmp/stop ]; do echo tick-$i; i=$((i+1)); sleep 0.1; done; echo done";
    List<RemoteCommandSession> sessions = new ArrayList<>();
    ExecutorService opener = Executors.newFixedThreadPool(10);
    try {
      List<Future<RemoteCommandSession>> opening = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        opening.add(opener.submit(() -> exec(ctr, StreamOptions.outputOnly(), "sh", "-c", loop)));
      }
      for (Future<RemoteCommandSession> f : opening) {
        sessions.add(f.get());
      }
      await()
          .atMost(Duration.ofMinutes(3))
          .until(
              () -> {
                for (RemoteCommandSession s : sessions) {
                  if (s.errorStream().isEnded()) {
                    throw new AssertionError("an exec ended early: " + s.errorStream());
                  }
                }
                return sessions.stream().allMatch(s -> s.stdout().text().contains("tick-2\n"));
              });

      // While all fifty stream, the daemon still answers other RPCs.
      assertThat(pods.rt().version(VersionRequest.getDefaultInstance()).getRuntimeName())
          .isNotEmpty();
      assertThat(
              pods.rt()
                  .listContainers(
                      ListContainersRequest.newBuilder()
                          .setFilter(ContainerFilter.newBuilder().setId(ctr))
                          .build())
                  .getContainersList())
          .hasSize(1);
      assertThat(sessions).noneMatch(s -> s.errorStream().isEnded());

      pods.execSync(ctr, "touch", "/tmp/stop");
      for (RemoteCommandSession s : sessions) {
        assertThat(s.awaitExit(Duration.ofMinutes(2)).exitCode()).isZero();
        awaitStdout(s, out -> out.endsWith("done\n"));
      }
    } finally {
      opener.shutdownNow();
      sessions.forEach(RemoteCommandSession::close);
    }
  }
}
