package io.tessera.sandbox.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerMetadata;
import io.tessera.sandbox.model.ImageSpec;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxConfig;
import io.tessera.sandbox.model.PodSandboxMetadata;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exec, attach and port-forward against real containers: busybox under runc and conmon in a pod
 * with its own network namespace. Needs root, runc, conmon, the CNI loopback plugin, umoci, skopeo,
 * docker-registry and busybox-static; fails (never skips) without them.
 */
class RuntimeStreamingBackendIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static StreamingNode node;
  private static PodSandbox pod;
  private static Container sleeper;

  @BeforeAll
  static void startNode() throws IOException {
    assertThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
        .as("these tests run containers and must run as root")
        .isEqualTo(0);
    node = StreamingNode.start();
    pod =
        node.pods.run(
            PodSandboxConfig.builder(
                    new PodSandboxMetadata("stream", "uid-" + UUID.randomUUID(), "it", 0))
                .hostname("stream")
                .build(),
            "");
    sleeper = startContainer("sleeper", List.of("/bin/sleep", "100000"), false, false, false);
  }

  @AfterAll
  static void stopNode() throws IOException {
    if (node != null) {
      node.close();
    }
  }

  private static Container startContainer(
      String name, List<String> cmd, boolean stdin, boolean stdinOnce, boolean tty) {
    ContainerConfig config =
        ContainerConfig.builder(new ContainerMetadata(name, 0), ImageSpec.of(node.image))
            .command(cmd)
            .stdin(stdin)
            .stdinOnce(stdinOnce)
            .tty(tty)
            .build();
    Container c = node.containers.create(pod.id(), config);
    node.containers.start(c.id());
    return node.containers.status(c.id());
  }

  private static StreamOptions out() {
    return new StreamOptions(false, true, true, false);
  }

  private static String readAll(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** Reads {@code in} to its end on another thread (while the test reads a sibling stream). */
  private static CompletableFuture<String> readAllAsync(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return readAll(in);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  private static int exitOf(StreamSession s) throws Exception {
    return s.exit().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void execEchoStreamsStdoutAndStderrApart() throws Exception {
    try (StreamSession s =
        node.backend.exec(
            sleeper.id(), List.of("/bin/sh", "-c", "echo hello; echo oops >&2"), out())) {
      CompletableFuture<String> err = readAllAsync(s.stderr().orElseThrow());
      assertThat(readAll(s.stdout().orElseThrow())).isEqualTo("hello\n");
      assertThat(err.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("oops\n");
      assertThat(exitOf(s)).isZero();
      assertThat(s.stdin()).isEmpty();
    }
  }

  @Test
  void execCatRoundTripsStdin() throws Exception {
    try (StreamSession s =
        node.backend.exec(
            sleeper.id(), List.of("/bin/cat"), new StreamOptions(true, true, false, false))) {
      OutputStream in = s.stdin().orElseThrow();
      in.write("round trip\n".getBytes(StandardCharsets.UTF_8));
      in.close();
      assertThat(readAll(s.stdout().orElseThrow())).isEqualTo("round trip\n");
      assertThat(exitOf(s)).isZero();
      assertThat(s.stderr()).isEmpty();
    }
  }

  @Test
  void execExitCodeIsTheProcesses() throws Exception {
    try (StreamSession s =
        node.backend.exec(sleeper.id(), List.of("/bin/sh", "-c", "exit 3"), out())) {
      assertThat(exitOf(s)).isEqualTo(3);
    }
  }

  @Test
  void execKilledBySignalReports128PlusTheSignal() throws Exception {
    try (StreamSession s =
        node.backend.exec(sleeper.id(), List.of("/bin/sh", "-c", "kill -TERM $$"), out())) {
      assertThat(exitOf(s)).isEqualTo(128 + 15);
    }
  }

  @Test
  void ttyExecSeesTheSizeOfEachResize() throws Exception {
    try (StreamSession s =
        node.backend.exec(
            sleeper.id(), List.of("/bin/sh"), new StreamOptions(true, true, false, true))) {
      assertThat(s.stderr()).isEmpty();
      TerminalReader screen = new TerminalReader(s.stdout().orElseThrow());
      OutputStream in = s.stdin().orElseThrow();
      s.resize(new TerminalSize(100, 30));
      askSizeUntil(screen, in, "30 100");
      s.resize(new TerminalSize(132, 43));
      askSizeUntil(screen, in, "43 132");
      type(in, "exit 7\n");
      assertThat(exitOf(s)).isEqualTo(7);
    }
  }

  @Test
  void ttyExecClosingStdinIsEndOfFile() throws Exception {
    try (StreamSession s =
        node.backend.exec(
            sleeper.id(), List.of("/bin/cat"), new StreamOptions(true, true, false, true))) {
      TerminalReader screen = new TerminalReader(s.stdout().orElseThrow());
      OutputStream in = s.stdin().orElseThrow();
      type(in, "typed\n");
      await().atMost(WAIT).until(() -> screen.text().contains("typed"));
      in.close();
      assertThat(exitOf(s)).isZero();
    }
  }

  @Test
  void closeKillsTheExecdProcessAndItsChildren() throws Exception {
    Set<Long> before = cgroupProcs(sleeper);
    StreamSession s =
        node.backend.exec(
            sleeper.id(),
            List.of("/bin/sh", "-c", "sleep 1000 & sleep 1000; wait"),
            new StreamOptions(false, true, false, false));
    ExecSession exec = (ExecSession) s;
    await().atMost(WAIT).until(() -> cgroupProcs(sleeper).size() >= before.size() + 3);
    long pid = exec.processPid().orElseThrow();
    Set<Long> during = cgroupProcs(sleeper);
    assertThat(during).contains(pid);
    s.close();
    // close() returns only once the runtime exited, so the processes are gone by now.
    assertThat(cgroupProcs(sleeper)).isEqualTo(before);
    for (long p : during) {
      if (!before.contains(p)) {
        assertThat(ProcessHandle.of(p)).as("pid " + p).isEmpty();
      }
    }
    assertThat(exitOf(s)).isEqualTo(137);
    assertThat(execDirs(sleeper)).isEmpty();
    s.close();
  }

  @Test
  void attachSeesLiveOutputAndSendsStdin() throws Exception {
    Container echo =
        startContainer(
            "echo",
            List.of("/bin/sh", "-c", "while read line; do echo \"got $line\"; done; echo bye >&2"),
            true,
            true,
            false);
    try (StreamSession s =
        node.backend.attach(echo.id(), new StreamOptions(true, true, true, false))) {
      CompletableFuture<String> err = readAllAsync(s.stderr().orElseThrow());
      TerminalReader screen = new TerminalReader(s.stdout().orElseThrow());
      OutputStream in = s.stdin().orElseThrow();
      type(in, "one\n");
      await().atMost(WAIT).until(() -> screen.text().contains("got one\n"));
      type(in, "two\n");
      await().atMost(WAIT).until(() -> screen.text().contains("got two\n"));
      // stdin_once: closing stdin closes the container's stdin, so the loop ends.
      in.close();
      assertThat(err.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("bye\n");
      assertThat(exitOf(s)).isZero();
      assertThat(screen.text()).isEqualTo("got one\ngot two\n");
    }
  }

  @Test
  void attachToAContainerWithoutStdinHasNoStdinAndOutputOnlyAfterAttaching() throws Exception {
    Container ticker =
        startContainer(
            "ticker",
            List.of(
                "/bin/sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"),
            false,
            false,
            false);
    // The pod has no log directory, so conmon logs to console.log in the bundle.
    Path log = ticker.facts().bundleDir().resolve("console.log");
    await().atMost(WAIT).until(() -> Files.exists(log) && Files.readString(log).contains("tick 0"));
    StreamSession s = node.backend.attach(ticker.id(), new StreamOptions(true, true, false, false));
    try {
      assertThat(s.stdin()).isEmpty();
      assertThat(s.stderr()).isEmpty();
      TerminalReader screen = new TerminalReader(s.stdout().orElseThrow());
      await().atMost(WAIT).until(() -> screen.text().split("\n").length >= 3);
      // Output before the attach is not replayed: the first line seen is not tick 0.
      assertThat(screen.text()).doesNotStartWith("tick 0\n").startsWith("tick ");
    } finally {
      s.close();
    }
    assertThat(s.exit()).isNotDone();
    assertThat(node.containers.status(ticker.id()).state())
        .isEqualTo(io.tessera.sandbox.model.ContainerState.RUNNING);
    node.containers.stop(ticker.id(), Duration.ZERO);
    assertThat(exitOf(s)).isEqualTo(137);
  }

  @Test
  void ttyAttachResizesThroughConmon() throws Exception {
    Container term = startContainer("term", List.of("/bin/sh"), true, false, true);
    try (StreamSession s =
        node.backend.attach(term.id(), new StreamOptions(true, true, false, true))) {
      assertThat(s.stderr()).isEmpty();
      TerminalReader screen = new TerminalReader(s.stdout().orElseThrow());
      OutputStream in = s.stdin().orElseThrow();
      s.resize(new TerminalSize(90, 25));
      askSizeUntil(screen, in, "25 90");
    }
    node.containers.stop(term.id(), Duration.ZERO);
  }

  @Test
  void portForwardReachesALoopbackListenerInsideThePod() throws Exception {
    int port = 18080 + (int) (Math.random() * 1000);
    StreamSession listener =
        node.backend.exec(
            sleeper.id(),
            List.of("/bin/sh", "-c", "echo pong | busybox nc -l -p " + port),
            new StreamOptions(false, true, false, false));
    try {
      // The host has no listener there: the pod's loopback is its own.
      await()
          .atMost(WAIT)
          .ignoreExceptionsMatching(e -> e instanceof UnavailableException)
          .until(
              () -> {
                try (SocketChannel ch = node.backend.portForward(pod.id(), port)) {
                  ch.write(ByteBuffer.wrap("ping\n".getBytes(StandardCharsets.UTF_8)));
                  ByteBuffer buf = ByteBuffer.allocate(64);
                  ByteArrayOutputStream got = new ByteArrayOutputStream();
                  while (ch.read(buf) > 0) {
                    got.write(buf.array(), 0, buf.position());
                    buf.clear();
                  }
                  return got.toString(StandardCharsets.UTF_8).equals("pong\n");
                }
              });
      assertThat(readAll(listener.stdout().orElseThrow())).isEqualTo("ping\n");
    } finally {
      listener.close();
    }
    assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 2000))
        .isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void portForwardToAPortNobodyListensOnIsUnavailable() {
    assertThatThrownBy(() -> node.backend.portForward(pod.id(), 1))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining(pod.id())
        .hasMessageContaining("port 1");
  }

  @Test
  void unknownIdsAndBadRequestsAreRefused() {
    assertThatThrownBy(() -> node.backend.exec("nosuch", List.of("true"), out()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nosuch");
    assertThatThrownBy(() -> node.backend.attach("nosuch", out()))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> node.backend.portForward("nosuch", 80))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> node.backend.exec(sleeper.id(), List.of(), out()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> node.backend.portForward(pod.id(), 70000))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void execInAnExitedContainerIsAFailedPrecondition() throws Exception {
    Container done = startContainer("done", List.of("/bin/true"), false, false, false);
    await()
        .atMost(WAIT)
        .until(
            () ->
                node.containers.status(done.id()).state()
                    == io.tessera.sandbox.model.ContainerState.EXITED);
    assertThatThrownBy(() -> node.backend.exec(done.id(), List.of("true"), out()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining(done.id());
    assertThatThrownBy(() -> node.backend.attach(done.id(), out()))
        .isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void sessionsLeaveNoFdsThreadsOrFilesBehind() throws Exception {
    Container term = startContainer("leaks", List.of("/bin/sh"), true, false, true);
    // One round first, so that whatever the JDK opens once (reaper, selectors) is open already.
    oneOfEach(term);
    Set<String> pipesBefore = fds("pipe:");
    for (int i = 0; i < 3; i++) {
      oneOfEach(term);
    }
    assertThat(fds("/dev/ptmx")).isEmpty();
    assertThat(seqpacketSockets()).isEmpty();
    assertThat(fds("pipe:")).hasSameSizeAs(pipesBefore);
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("attach-") || n.startsWith("exec-drain-")))
        .isEmpty();
    assertThat(execDirs(sleeper)).isEmpty();
    node.containers.stop(term.id(), Duration.ZERO);
  }

  /** A tty exec whose output nobody reads, a pipe exec left running, and a tty attach. */
  private static void oneOfEach(Container term) throws Exception {
    StreamSession drained =
        node.backend.exec(
            sleeper.id(),
            List.of("/bin/sh", "-c", "echo x"),
            new StreamOptions(true, false, false, true));
    assertThat(exitOf(drained)).isZero();
    drained.close();
    StreamSession running =
        node.backend.exec(
            sleeper.id(), List.of("/bin/cat"), new StreamOptions(true, true, true, false));
    running.close();
    StreamSession attached =
        node.backend.attach(term.id(), new StreamOptions(true, true, false, true));
    attached.resize(new TerminalSize(80, 24));
    attached.close();
  }

  /** This JVM's fds whose link starts with {@code prefix}. */
  private static Set<String> fds(String prefix) throws IOException {
    Set<String> out = new HashSet<>();
    try (Stream<Path> list = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : list.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith(prefix)) {
            out.add(fd.getFileName() + "->" + target);
          }
        } catch (IOException e) {
          // closed meanwhile (the listing's own fd)
        }
      }
    }
    return out;
  }

  /** This JVM's SOCK_SEQPACKET Unix sockets (type 0005 in /proc/net/unix). */
  private static Set<String> seqpacketSockets() throws IOException {
    Set<String> inodes = new HashSet<>();
    List<String> table = Files.readAllLines(Path.of("/proc/net/unix"));
    for (String line : table.subList(1, table.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 6 && f[4].equals("0005")) {
        inodes.add(f[6]);
      }
    }
    Set<String> held = new HashSet<>();
    for (String fd : fds("socket:[")) {
      String inode = fd.substring(fd.indexOf('[') + 1, fd.indexOf(']'));
      if (inodes.contains(inode)) {
        held.add(fd);
      }
    }
    return held;
  }

  /**
   * Runs {@code stty size} until it prints {@code rowsCols}: the runtime copies a new size to the
   * container's terminal on its own thread, so one stty may still race it.
   */
  private static void askSizeUntil(TerminalReader screen, OutputStream in, String rowsCols) {
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              if (screen.text().contains(rowsCols)) {
                return true;
              }
              type(in, "busybox stty size\n");
              return false;
            });
  }

  private static void type(OutputStream in, String text) throws IOException {
    in.write(text.getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** The host pids in the container's cgroup (v1 pids/memory controller or v2). */
  private static Set<Long> cgroupProcs(Container c) throws IOException {
    long mainPid = node.containers.status(c.id()).status().pid();
    List<String> lines = Files.readAllLines(Path.of("/proc/" + mainPid + "/cgroup"));
    Path procs = null;
    for (String line : lines) {
      String[] f = line.split(":", 3);
      if (f[1].equals("pids") || f[1].contains("memory")) {
        procs = Path.of("/sys/fs/cgroup/" + f[1] + f[2] + "/cgroup.procs");
        break;
      }
      if (f[0].equals("0") && f[1].isEmpty() && procs == null) {
        procs = Path.of("/sys/fs/cgroup" + f[2] + "/cgroup.procs");
      }
    }
    assertThat(procs).as("cgroup of pid " + mainPid + ": " + lines).isNotNull();
    return Files.readAllLines(procs).stream()
        .filter(l -> !l.isBlank())
        .map(Long::parseLong)
        .collect(Collectors.toCollection(HashSet::new));
  }

  private static List<Path> execDirs(Container c) throws IOException {
    try (Stream<Path> list = Files.list(c.facts().bundleDir())) {
      return list.filter(p -> p.getFileName().toString().startsWith("exec-")).toList();
    }
  }

  /** Collects a stream's bytes on a thread of its own, for waiting on what appeared so far. */
  private static final class TerminalReader {
    private final StringBuffer text = new StringBuffer();

    TerminalReader(InputStream in) {
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[4096];
                try {
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                  }
                } catch (IOException e) {
                  // session closed
                }
              },
              "it-reader");
      t.setDaemon(true);
      t.start();
    }

    String text() {
      return text.toString().replace("\r\n", "\n");
    }
  }
}
