package io.tessera.kernel.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.cgroup.CgroupLayout;
import io.tessera.kernel.cgroup.CgroupManager;
import io.tessera.kernel.cgroup.CgroupMembership;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.ns.NamespacePinner;
import io.tessera.kernel.ns.NamespacePinnerJna;
import io.tessera.kernel.ns.NsType;
import io.tessera.kernel.ns.PinnedNamespaces;
import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.kernel.oci.spec.Process;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.kernel.proc.Leaks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real containers: conmon + runc on this host, from a busybox rootfs. Needs root. */
class ContainerLifecycleIT {
  private static final Duration EXIT_WAIT = Duration.ofSeconds(20);

  /** One CRI log line: RFC 3339 time with nanoseconds, stream, F(ull) or P(artial), text. */
  private static final Pattern LOG_LINE = Pattern.compile("(\\S+) (stdout|stderr) ([FP]) (.*)");

  @TempDir Path tmp;

  private final OciRuntimeLocator locator = OciRuntimeLocator.withDefaultDirs();
  private final CgroupManager cgroups = CgroupManager.forHost();
  private final String pod = "/tessera-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Integer> exits = new ConcurrentHashMap<>();
  private RuncRuntime runtime;
  private ExitWatcher watcher;

  @BeforeEach
  void setUp() {
    Path runc = locator.find("runc").orElseThrow(() -> new AssertionError("runc not installed"));
    Path conmon =
        locator.find("conmon").orElseThrow(() -> new AssertionError("conmon not installed"));
    runtime = RuncRuntime.runc(runc, tmp.resolve("runc"), new ConmonMonitor(conmon));
    watcher = ExitWatcher.start(tmp.resolve("exits"), exits::put);
  }

  @AfterEach
  void cleanUpAndCheckForLeaks() {
    watcher.close();
    for (RuntimeState s : runtime.list()) {
      runtime.delete(s.id(), true);
    }
    List<Long> strays = Leaks.killProcessesMentioning(tmp.toString());
    cgroups.killAll(pod);
    cgroups.delete(pod);
    assertThat(strays).as("conmon/runc processes left behind").isEmpty();
    assertThat(runtime.list()).isEmpty();
    assertThat(Leaks.mountsUnder(tmp)).isEmpty();
    assertThat(Leaks.cgroupDirs(pod)).isEmpty();
  }

  private String newId(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private Path bundle(String id, Spec spec) throws IOException {
    spec.linux().cgroupsPath(pod + "/" + id);
    return TestBundles.bundle(tmp.resolve("bundles").resolve(id), spec);
  }

  private MonitorOptions io(String id) {
    return MonitorOptions.builder(
            tmp.resolve("logs").resolve(id + ".log"), tmp.resolve("exits"), tmp.resolve("s"))
        .name(id)
        .build();
  }

  private List<String> logTexts(String id) throws IOException {
    return Files.readAllLines(tmp.resolve("logs").resolve(id + ".log")).stream()
        .map(
            line -> {
              Matcher m = LOG_LINE.matcher(line);
              assertThat(m.matches()).as("CRI log line: %s", line).isTrue();
              OffsetDateTime.parse(m.group(1)); // RFC 3339 with nanoseconds
              return m.group(2) + " " + m.group(3) + " " + m.group(4);
            })
        .toList();
  }

  private int awaitExit(String id) {
    await().atMost(EXIT_WAIT).until(() -> exits.containsKey(id));
    return exits.get(id);
  }

  @Test
  void runsToCompletionAndReportsTheExitCodeAndLog() throws Exception {
    String id = newId("echo");
    Path bundle = bundle(id, TestBundles.shell("echo hello; echo oops >&2; exit 3"));

    ConmonProcess conmon = runtime.create(id, bundle, io(id));
    RuntimeState created = runtime.state(id);
    assertThat(created.status()).isEqualTo(ContainerStatus.CREATED);
    assertThat(created.pid()).isEqualTo(conmon.containerPid());
    assertThat(exits).doesNotContainKey(id);

    runtime.start(id);
    assertThat(awaitExit(id)).isEqualTo(3);
    assertThat(ExitWatcher.readExitCode(tmp.resolve("exits"), id)).hasValue(3);
    assertThat(logTexts(id)).containsExactlyInAnyOrder("stdout F hello", "stderr F oops");
    assertThat(runtime.state(id).status()).isEqualTo(ContainerStatus.STOPPED);
    await().atMost(EXIT_WAIT).until(() -> ProcessHandle.of(conmon.conmonPid()).isEmpty());

    runtime.delete(id, false);
    assertThat(runtime.exists(id)).isFalse();
    assertThat(tmp.resolve("runc").resolve(id)).doesNotExist();
    assertThatThrownBy(() -> runtime.state(id)).isInstanceOf(NotFoundException.class);
    runtime.delete(id, false); // idempotent
  }

  @Test
  void longRunningContainerExecKillDelete() throws Exception {
    String id = newId("sleep");
    Spec spec = TestBundles.shell("exec sleep 1000");
    ConmonProcess conmon = runtime.create(id, bundle(id, spec), io(id));
    // conmon daemonized into a session of its own: signals to the daemon's group miss it.
    assertThat(session(conmon.conmonPid())).isNotEqualTo(session(ProcessHandle.current().pid()));
    assertThat(session(conmon.conmonPid())).isEqualTo(conmon.conmonPid());
    runtime.start(id);
    assertThat(runtime.state(id).status()).isEqualTo(ContainerStatus.RUNNING);

    ExecResult idU = runtime.exec(id, exec(spec, "id", "-u"), Duration.ofSeconds(20));
    assertThat(idU.exitCode()).as(idU.stderrText()).isZero();
    assertThat(idU.stdoutText()).isEqualTo("0\n");
    ExecResult failing =
        runtime.exec(id, exec(spec, "sh", "-c", "echo err >&2; exit 7"), Duration.ofSeconds(20));
    assertThat(failing.exitCode()).isEqualTo(7);
    assertThat(failing.stderrText()).isEqualTo("err\n");
    String marker = "sleep " + (4000 + (id.hashCode() & 0xfff));
    ExecResult slow =
        runtime.exec(id, exec(spec, "sh", "-c", "exec " + marker), Duration.ofMillis(500));
    assertThat(slow.timedOut()).isTrue();
    await().atMost(EXIT_WAIT).until(() -> Leaks.processesMentioning(marker).isEmpty());

    assertThatThrownBy(() -> runtime.delete(id, false))
        .isInstanceOf(FailedPreconditionException.class);
    runtime.kill(id, 9, false);
    assertThat(awaitExit(id)).isEqualTo(137);
    assertThat(runtime.state(id).status()).isEqualTo(ContainerStatus.STOPPED);
    runtime.kill(id, 9, true); // already stopped: fine
    assertThatThrownBy(() -> runtime.exec(id, exec(spec, "true"), Duration.ofSeconds(5)))
        .isInstanceOf(FailedPreconditionException.class);
    runtime.delete(id, false);
    assertThat(runtime.list()).isEmpty();
    assertThatThrownBy(() -> runtime.kill(id, 15, false)).isInstanceOf(NotFoundException.class);
  }

  @Test
  void joinsPinnedNamespaces() throws Exception {
    NamespacePinner pinner = new NamespacePinnerJna();
    PinnedNamespaces pins =
        pinner.pin(
            tmp.resolve("pod-ns"), EnumSet.of(NsType.NET, NsType.IPC, NsType.UTS), "tessera-pod");
    try {
      String id = newId("ns");
      Spec spec =
          TestBundles.shell(
              "hostname; readlink /proc/self/ns/net; readlink /proc/self/ns/ipc;"
                  + " cat /sys/class/net/lo/flags");
      for (NsType type : pins.types()) {
        spec.linux().namespace(type, pins.path(type).orElseThrow());
      }
      runtime.create(id, bundle(id, spec), io(id));
      runtime.start(id);
      assertThat(awaitExit(id)).isZero();
      List<String> out = logTexts(id);
      assertThat(out).hasSize(4);
      assertThat(out.get(0)).isEqualTo("stdout F tessera-pod");
      assertThat(out.get(1)).isEqualTo("stdout F net:[" + inode(pins.path(NsType.NET)) + "]");
      assertThat(out.get(2)).isEqualTo("stdout F ipc:[" + inode(pins.path(NsType.IPC)) + "]");
      int flags = Integer.decode(out.get(3).substring("stdout F ".length()));
      assertThat(flags & 1).as("lo is up (IFF_UP)").isEqualTo(1);
      runtime.delete(id, false);
    } finally {
      pinner.unpin(pins);
    }
    assertThat(Leaks.mountsUnder(tmp)).isEmpty();
  }

  @Test
  void containerRunsInItsPodCgroup() throws Exception {
    cgroups.create(pod);
    String id = newId("cg");
    runtime.create(id, bundle(id, TestBundles.shell("exec sleep 1000")), io(id));
    runtime.start(id);
    long pid = runtime.state(id).pid();
    String path = pod + "/" + id;
    if (cgroups.layout() == CgroupLayout.V2) {
      assertThat(procs(Path.of("/sys/fs/cgroup").resolve(path.substring(1)))).contains(pid);
    } else {
      assertThat(procs(Path.of("/sys/fs/cgroup/memory").resolve(path.substring(1)))).contains(pid);
      assertThat(CgroupMembership.pathOf(CgroupMembership.ofProcess(pid), "pids")).contains(path);
    }
    assertThat(cgroups.pids(pod)).containsExactly(pid);

    cgroups.killAll(pod);
    assertThat(awaitExit(id)).isEqualTo(137);
    runtime.delete(id, false);
    cgroups.delete(pod);
    assertThat(Leaks.cgroupDirs(pod)).isEmpty();
  }

  @Test
  void failedCreateCarriesTheRuntimeErrorAndLeavesNothing() throws Exception {
    String id = newId("bad");
    Spec spec = TestBundles.shell("true");
    spec.process().args("/no/such/binary");
    Path bundle = bundle(id, spec);
    assertThatThrownBy(() -> runtime.create(id, bundle, io(id)))
        .isInstanceOf(InternalException.class)
        .hasMessageContaining("conmon --api-version 1 -c " + id)
        .hasMessageContaining("/no/such/binary");
    assertThat(runtime.exists(id)).isFalse();
  }

  private static Process exec(Spec container, String... args) {
    return OciSpecs.execProcess(container.process(), List.of(args));
  }

  private static long inode(java.util.Optional<Path> file) throws IOException {
    return (Long) Files.getAttribute(file.orElseThrow(), "unix:ino");
  }

  private static List<Long> procs(Path cgroupDir) throws IOException {
    return Files.readAllLines(cgroupDir.resolve("cgroup.procs")).stream()
        .map(Long::parseLong)
        .toList();
  }

  /** Field 6 of /proc/[pid]/stat (proc(5)): the session id. */
  private static long session(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] afterComm = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(afterComm[3]);
  }
}
