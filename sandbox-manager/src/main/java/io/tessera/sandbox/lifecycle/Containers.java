package io.tessera.sandbox.lifecycle;

import io.tessera.kernel.cgroup.OomKills;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.mount.Mounter;
import io.tessera.kernel.oci.ConmonProcess;
import io.tessera.kernel.oci.ExecResult;
import io.tessera.kernel.oci.ExitWatcher;
import io.tessera.kernel.oci.MonitorOptions;
import io.tessera.kernel.oci.OciRuntime;
import io.tessera.kernel.oci.RuncRuntime;
import io.tessera.kernel.oci.RuntimeState;
import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.kernel.oci.spec.SpecJson;
import io.tessera.sandbox.filter.ContainerFilter;
import io.tessera.sandbox.ids.Ids;
import io.tessera.sandbox.ids.NameRegistry;
import io.tessera.sandbox.ids.Names;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.ContainerRuntimeFacts;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.ContainerStatus;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxRuntimeFacts;
import io.tessera.sandbox.seccomp.SeccompProfiles;
import io.tessera.sandbox.spec.ContainerSpecInput;
import io.tessera.sandbox.spec.ContainerSpecs;
import io.tessera.sandbox.store.ContainerStore;
import io.tessera.sandbox.store.LoadProblem;
import io.tessera.sandbox.store.LoadReport;
import io.tessera.sandbox.store.StoreLayout;
import io.tessera.storage.image.ImageRecord;
import io.tessera.storage.image.ImageService;
import io.tessera.storage.snapshot.Snapshot;
import io.tessera.storage.snapshot.Snapshotter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Containers: create (rootfs snapshot over the image's layers, OCI bundle, conmon + runtime
 * create), start, stop (signal, grace, SIGKILL), remove, status, list, ExecSync, log reopening, and
 * exit tracking through conmon's exit files (inotify, no polling). Recovery after a restart adopts
 * running containers and records exits that happened while the daemon was down.
 *
 * <p>Thread-safe.
 */
public final class Containers implements PodSandboxes.ContainerReaper, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Containers.class);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);

  private final ContainerStore store;
  private final StoreLayout layout;
  private final StatePaths state;
  private final PodSandboxes pods;
  private final ImageService images;
  private final Snapshotter snapshots;
  private final Mounter mounter;
  private final Map<String, OciRuntime> runtimes;
  private final String defaultHandler;
  private final SeccompProfiles seccomp;
  private final boolean cgroupV2;
  private final NameRegistry names = new NameRegistry("container");
  private final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
  private ExitWatcher watcher;

  public Containers(
      StoreLayout layout,
      StatePaths state,
      PodSandboxes pods,
      ImageService images,
      Snapshotter snapshots,
      Mounter mounter,
      Map<String, OciRuntime> runtimes,
      String defaultHandler,
      SeccompProfiles seccomp,
      boolean cgroupV2) {
    this.layout = layout;
    this.store = new ContainerStore(layout);
    this.state = state;
    this.pods = pods;
    this.images = images;
    this.snapshots = snapshots;
    this.mounter = mounter;
    this.runtimes = Map.copyOf(runtimes);
    this.defaultHandler = defaultHandler;
    this.seccomp = seccomp;
    this.cgroupV2 = cgroupV2;
    if (!this.runtimes.containsKey(defaultHandler)) {
      throw new IllegalArgumentException("no runtime for the default handler " + defaultHandler);
    }
  }

  /**
   * Loads persisted containers and reconciles each with what is on the host: exit files written
   * while the daemon was down are recorded, running containers kept, vanished ones marked. Starts
   * the exit watcher. Call once, after {@link PodSandboxes#recover()}.
   */
  public LoadReport recover() {
    LoadReport report = store.load();
    for (LoadProblem p : report.problems()) {
      LOG.warn("container record {}: {} ({}); cleaning up", p.path(), p.reason(), p.detail());
      p.id().ifPresent(this::cleanLeftovers);
      store.discard(p);
    }
    try {
      Files.createDirectories(state.exits());
      Files.createDirectories(state.attach());
    } catch (IOException e) {
      throw new InternalException("create " + state.exits() + ": " + e.getMessage(), e);
    }
    for (Container c : store.list()) {
      names.reserve(Names.container(c.metadata(), podMetadata(c)), c.id());
      reconcile(c);
    }
    removeOrphans();
    watcher = ExitWatcher.start(state.exits(), this::onExit);
    return report;
  }

  /**
   * Rolls back creates that a crash interrupted before their record was written: runtime
   * containers, bundles with their rootfs mounts, and snapshots that no container or pod record
   * names. Pod infra processes use the pod's id, so pods are known too.
   */
  private void removeOrphans() {
    Set<String> known = new HashSet<>();
    store.list().forEach(c -> known.add(c.id()));
    pods.all().forEach(p -> known.add(p.id()));
    for (OciRuntime rt : runtimes.values()) {
      try {
        for (RuntimeState s : rt.list()) {
          if (!known.contains(s.id())) {
            LOG.warn(
                "removing {} container {} that no record names (interrupted create)",
                rt.name(),
                s.id());
            rt.delete(s.id(), true);
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("listing {} containers for orphans failed: {}", rt.name(), e.getMessage());
      }
    }
    Path containersDir = state.containerDir("x").getParent();
    if (Files.isDirectory(containersDir)) {
      try (var dirs = Files.list(containersDir)) {
        for (Path d : (Iterable<Path>) dirs::iterator) {
          String id = d.getFileName().toString();
          if (!known.contains(id)) {
            LOG.warn("removing leftovers of container {} that no record names", id);
            cleanLeftovers(id);
          }
        }
      } catch (IOException | RuntimeException e) {
        LOG.warn("cleaning orphan container dirs failed: {}", e.getMessage());
      }
    }
    for (String key : snapshots.list()) {
      if (!known.contains(key)) {
        try {
          snapshots.remove(key);
          LOG.warn("removed snapshot {} that no container names", key);
        } catch (RuntimeException e) {
          LOG.warn("removing orphan snapshot {} failed: {}", key, e.getMessage());
        }
      }
    }
  }

  private io.tessera.sandbox.model.PodSandboxMetadata podMetadata(Container c) {
    return pods.find(c.podSandboxId())
        .map(PodSandbox::metadata)
        .orElseGet(
            () ->
                new io.tessera.sandbox.model.PodSandboxMetadata(
                    "orphan", c.podSandboxId(), "orphan", 0));
  }

  private void reconcile(Container c) {
    if (c.state() == ContainerState.EXITED) {
      return;
    }
    OptionalInt code = ExitWatcher.readExitCode(state.exits(), c.id());
    if (code.isPresent()) {
      recordExit(c.id(), code.getAsInt());
      return;
    }
    OciRuntime rt = runtime(c);
    RuntimeState rs;
    try {
      rs = rt.state(c.id());
    } catch (NotFoundException e) {
      store.update(c.id(), s -> s.withUnknown("the OCI runtime no longer knows the container"));
      return;
    }
    switch (rs.status()) {
      case RUNNING -> {
        if (c.state() != ContainerState.RUNNING) {
          store.update(
              c.id(),
              s -> s.withRecovered(ContainerState.CREATED).withStarted(nowNanos(), rs.pid()));
        }
      }
      case CREATED -> {
        if (c.state() != ContainerState.CREATED) {
          store.update(c.id(), s -> s.withRecovered(ContainerState.CREATED));
        }
      }
      default ->
          store.update(
              c.id(), s -> s.withUnknown("runtime says " + rs.status() + " but no exit code"));
    }
  }

  /** CreateContainer. */
  public Container create(String podId, ContainerConfig config) {
    PodSandbox pod = pods.requireReady(podId);
    String imageName = config.image().image();
    if (imageName.isEmpty()) {
      throw new InvalidArgumentException("CreateContainer: config.image.image is required");
    }
    ImageRecord image =
        images
            .status(imageName)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "CreateContainer "
                            + config.metadata().name()
                            + ": image "
                            + imageName
                            + " not present (pull it first)"));
    String id = Ids.random();
    String name = Names.container(config.metadata(), pod.metadata());
    names.reserve(name, id);
    String handler = pod.runtimeHandler().isEmpty() ? defaultHandler : pod.runtimeHandler();
    OciRuntime rt = runtimes.get(handler);
    UndoStack undo = new UndoStack("container " + id);
    undo.push(() -> names.release(name, id));
    try {
      Path dir = state.containerDir(id);
      Files.createDirectories(dir);
      undo.push(() -> PodSandboxes.deleteTree(dir));

      Snapshot snap = snapshots.prepare(id, images.layerPaths(image));
      undo.push(() -> snapshots.remove(id));
      Path rootfs = state.rootfs(id);
      Files.createDirectories(rootfs);
      snap.mountOn(mounter, rootfs);
      undo.push(() -> mounter.unmount(rootfs, true));

      Spec spec = spec(id, pod, config, image, rootfs);
      SpecJson.write(spec, state.bundle(id).resolve("config.json"));

      Optional<Path> logPath = logPath(pod, config);
      Path conmonLog = logPath.orElse(dir.resolve("console.log"));
      Files.createDirectories(conmonLog.getParent());
      MonitorOptions io =
          MonitorOptions.builder(conmonLog, state.exits(), state.attach())
              .name(name)
              .stdin(config.stdin())
              .stdinOnce(config.stdinOnce())
              .terminal(config.tty())
              .build();
      ConmonProcess proc = rt.create(id, state.bundle(id), io);
      undo.push(() -> rt.delete(id, true));

      String stopSignal =
          config
              .stopSignal()
              .orElse(
                  image.config().stopSignal().isEmpty() ? "SIGTERM" : image.config().stopSignal());
      Container c =
          new Container(
              id,
              pod.id(),
              config,
              ContainerRuntimeFacts.builder()
                  .imageId(image.id().toString())
                  .imageRef(
                      image.repoDigests().isEmpty()
                          ? image.id().toString()
                          : image.repoDigests().get(0))
                  .runtimeHandler(handler)
                  .runtimePath(rt.binary())
                  .runtimeRoot(Optional.of(state.runtimeRoot(handler)))
                  .bundleDir(state.bundle(id))
                  .rootfs(rootfs)
                  .snapshotKey(id)
                  .conmonPid(OptionalLong.of(proc.conmonPid()))
                  .logPath(logPath)
                  .stopSignal(stopSignal)
                  .build(),
              ContainerStatus.created(nowNanos(), config.linux().resources()));
      store.add(c);
      LOG.info("container {} ({}) created in pod {}", id, name, pod.id());
      return c;
    } catch (IOException e) {
      undo.unwind();
      throw new InternalException("CreateContainer " + name + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      undo.unwind();
      if (e instanceof TesseraException te) {
        throw TesseraException.sameKind(te, "CreateContainer " + name + ": " + te.getMessage());
      }
      throw e;
    }
  }

  private Spec spec(
      String id, PodSandbox pod, ContainerConfig config, ImageRecord image, Path rootfs) {
    PodSandboxRuntimeFacts f = pod.facts();
    ContainerSpecInput.Builder in =
        ContainerSpecInput.builder()
            .pod(pod)
            .config(config)
            .image(image.config())
            .containerId(id)
            .rootfs(rootfs)
            .targetPid(this::runningPid)
            .cgroupsPath(f.cgroupPath().orElseThrow() + "/" + id)
            .hostsFile(f.hostsPath().orElseThrow())
            .resolvConfFile(f.resolvConfPath().orElseThrow())
            .hostnameFile(f.hostnamePath().orElseThrow())
            .shmDir(f.shmPath())
            .seccompProfiles(seccomp)
            .cgroupV2(cgroupV2);
    f.namespacePaths().forEach((t, p) -> in.podNamespace(PodSandboxes.kernelType(t), p));
    f.infraPid().ifPresent(pid -> in.podPidSource(OptionalLong.of(pid)));
    return ContainerSpecs.build(in.build());
  }

  /** The host pid of a running container (for pid namespace TARGET). */
  private OptionalLong runningPid(String containerId) {
    return store
        .tryResolve(containerId)
        .flatMap(store::find)
        .filter(c -> c.state() == ContainerState.RUNNING)
        .map(c -> OptionalLong.of(c.status().pid()))
        .orElse(OptionalLong.empty());
  }

  static Optional<Path> logPath(PodSandbox pod, ContainerConfig config) {
    String dir = pod.config().logDirectory();
    String rel = config.logPath();
    if (dir.isEmpty() || rel.isEmpty()) {
      return Optional.empty();
    }
    Path p = Path.of(dir).resolve(rel).normalize();
    if (!p.startsWith(Path.of(dir).normalize())) {
      throw new InvalidArgumentException("log path " + rel + " leaves the pod's log directory");
    }
    return Optional.of(p);
  }

  /** StartContainer: CREATED to RUNNING. */
  public void start(String idOrPrefix) {
    Container c = store.get(idOrPrefix);
    if (c.state() != ContainerState.CREATED) {
      throw new FailedPreconditionException(
          "StartContainer " + c.id() + ": container is " + c.state() + ", not CREATED");
    }
    OciRuntime rt = runtime(c);
    long pid;
    try {
      rt.start(c.id());
      pid = rt.state(c.id()).pid();
    } catch (TesseraException e) {
      OptionalInt code = ExitWatcher.readExitCode(state.exits(), c.id());
      if (code.isPresent()) {
        recordExit(c.id(), code.getAsInt());
        return;
      }
      store.update(
          c.id(),
          s -> s.withExited(nowNanos(), 128, ContainerStatus.REASON_START_ERROR, e.getMessage()));
      throw TesseraException.sameKind(e, "StartContainer " + c.id() + ": " + e.getMessage());
    }
    long started = nowNanos();
    store.update(
        c.id(), s -> s.state() == ContainerState.CREATED ? s.withStarted(started, pid) : s);
    LOG.info("container {} started (pid {})", c.id(), pid);
  }

  /** StopContainer: the stop signal, up to {@code timeout}, then SIGKILL. Idempotent. */
  public void stop(String idOrPrefix, Duration timeout) {
    Optional<Container> found = store.tryResolve(idOrPrefix).flatMap(store::find);
    if (found.isEmpty()) {
      return;
    }
    stop(found.get(), timeout);
  }

  private void stop(Container c, Duration timeout) {
    if (c.state() != ContainerState.RUNNING) {
      if (c.state() == ContainerState.CREATED) {
        // Never started: nothing runs; mark it exited so it can be removed cleanly.
        killAndWait(c, Signals.SIGKILL, KILL_WAIT);
      }
      return;
    }
    CompletableFuture<Integer> exit = exitFuture(c.id());
    if (!timeout.isZero() && !timeout.isNegative()) {
      signal(c, Signals.number(c.facts().stopSignal()));
      if (await(exit, timeout)) {
        return;
      }
      LOG.info("container {} did not stop within {}s; SIGKILL", c.id(), timeout.toSeconds());
    }
    killAndWait(c, Signals.SIGKILL, KILL_WAIT);
  }

  private void killAndWait(Container c, int signal, Duration wait) {
    CompletableFuture<Integer> exit = exitFuture(c.id());
    signal(c, signal);
    if (!await(exit, wait)) {
      OptionalInt code = ExitWatcher.readExitCode(state.exits(), c.id());
      if (code.isPresent()) {
        recordExit(c.id(), code.getAsInt());
      } else if (store.find(c.id()).map(Container::state).orElse(ContainerState.EXITED)
          == ContainerState.CREATED) {
        store.update(
            c.id(), s -> s.withExited(nowNanos(), 137, ContainerStatus.REASON_ERROR, "killed"));
      } else {
        throw new InternalException(
            "container " + c.id() + " did not exit " + wait.toSeconds() + "s after SIGKILL");
      }
    }
  }

  private void signal(Container c, int signal) {
    try {
      runtime(c).kill(c.id(), signal, true);
    } catch (NotFoundException e) {
      LOG.debug("container {} already gone: {}", c.id(), e.getMessage());
    }
  }

  private CompletableFuture<Integer> exitFuture(String id) {
    CompletableFuture<Integer> f = exits.computeIfAbsent(id, k -> new CompletableFuture<>());
    if (store.find(id).map(Container::state).orElse(ContainerState.EXITED)
        == ContainerState.EXITED) {
      f.complete(store.find(id).map(x -> x.status().exitCode()).orElse(0));
    }
    return f;
  }

  private static boolean await(CompletableFuture<Integer> f, Duration d) {
    try {
      f.get(d.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  /** The exit watcher's callback: conmon wrote {@code exits/<id>}. */
  private void onExit(String id, int exitCode) {
    try {
      recordExit(id, exitCode);
    } catch (RuntimeException e) {
      LOG.warn("container {}: recording exit {} failed: {}", id, exitCode, e.getMessage());
    }
  }

  private void recordExit(String id, int exitCode) {
    Optional<Container> found = store.find(id);
    if (found.isEmpty()) {
      return;
    }
    boolean oomKilled =
        found.get().state() != ContainerState.EXITED && exitCode == 137 && oomKilled(found.get());
    long finished = exitTime(id);
    store.update(
        id,
        s ->
            s.state() == ContainerState.EXITED
                ? s
                : s.withExited(
                    Math.max(finished, Math.max(s.createdAt(), s.startedAt())),
                    exitCode,
                    ContainerStatus.exitReason(exitCode, oomKilled),
                    ""));
    exits.computeIfAbsent(id, k -> new CompletableFuture<>()).complete(exitCode);
    LOG.info("container {} exited with {}", id, exitCode);
  }

  /**
   * Whether the kernel's OOM killer killed in the container's memory cgroup. runc removes that
   * cgroup only on delete, so its counter is still there when conmon reports the exit.
   */
  private boolean oomKilled(Container c) {
    try {
      String cgroup =
          SpecJson.read(c.facts().bundleDir().resolve("config.json"), Spec.class)
              .linux()
              .cgroupsPath();
      return cgroup != null && OomKills.count(cgroup).orElse(0) > 0;
    } catch (RuntimeException e) {
      LOG.warn("container {}: reading its OOM kill count failed: {}", c.id(), e.getMessage());
      return false;
    }
  }

  private long exitTime(String id) {
    try {
      var t = Files.getLastModifiedTime(state.exits().resolve(id)).toInstant();
      return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    } catch (IOException e) {
      return nowNanos();
    }
  }

  /** RemoveContainer: stops (SIGKILL) a running one, then removes everything. Idempotent. */
  public void remove(String idOrPrefix) {
    Optional<Container> found = store.tryResolve(idOrPrefix).flatMap(store::find);
    if (found.isEmpty()) {
      return;
    }
    Container c = found.get();
    if (c.state() == ContainerState.RUNNING || c.state() == ContainerState.UNKNOWN) {
      try {
        killAndWait(c, Signals.SIGKILL, KILL_WAIT);
      } catch (RuntimeException e) {
        LOG.warn("container {}: kill before removal: {}", c.id(), e.getMessage());
      }
    }
    runtime(c).delete(c.id(), true);
    cleanLeftovers(c.id());
    store.delete(c.id());
    exits.remove(c.id());
    names.release(Names.container(c.metadata(), podMetadata(c)), c.id());
    LOG.info("container {} removed", c.id());
  }

  private void cleanLeftovers(String id) {
    Path rootfs = state.rootfs(id);
    mounter.unmountAll(rootfs);
    snapshots.remove(id);
    PodSandboxes.deleteTree(state.containerDir(id));
    try {
      Files.deleteIfExists(state.exits().resolve(id));
    } catch (IOException e) {
      throw new InternalException("remove exit file of " + id + ": " + e.getMessage(), e);
    }
  }

  public Container status(String idOrPrefix) {
    return store.get(idOrPrefix);
  }

  public List<Container> list(ContainerFilter filter) {
    return filter.resolveIds(store::tryResolve, pods::tryResolve).apply(store.list());
  }

  /** ExecSync: runs a command in a running container and collects its output. */
  public ExecResult execSync(String idOrPrefix, List<String> cmd, Duration timeout) {
    Container c = store.get(idOrPrefix);
    if (c.state() != ContainerState.RUNNING) {
      throw new FailedPreconditionException(
          "ExecSync " + c.id() + ": container is " + c.state() + ", not RUNNING");
    }
    if (cmd.isEmpty()) {
      throw new InvalidArgumentException("ExecSync " + c.id() + ": cmd is empty");
    }
    Spec spec = SpecJson.read(c.facts().bundleDir().resolve("config.json"), Spec.class);
    return runtime(c).exec(c.id(), OciSpecs.execProcess(spec.process(), cmd), timeout);
  }

  /**
   * The container a streaming exec or attach targets, which must be running.
   *
   * @param what the operation, for messages (e.g. "Exec")
   * @throws NotFoundException no such container
   * @throws FailedPreconditionException it is not running
   */
  public Container requireRunning(String idOrPrefix, String what) {
    Container c;
    try {
      c = store.get(idOrPrefix);
    } catch (NotFoundException e) {
      throw new NotFoundException(what + ": container " + idOrPrefix + " not found", e);
    }
    if (c.state() != ContainerState.RUNNING) {
      throw new FailedPreconditionException(
          what + " " + c.id() + ": container is " + c.state() + ", not RUNNING");
    }
    return c;
  }

  /**
   * The runtime-spec process for running {@code cmd} in {@code c}: the container's own process
   * (user, environment, capabilities, working directory) with other arguments, on a terminal if
   * {@code tty} (then with TERM=xterm unless the container sets TERM, as kubectl users expect).
   */
  public io.tessera.kernel.oci.spec.Process execProcess(
      Container c, List<String> cmd, boolean tty) {
    if (cmd.isEmpty()) {
      throw new InvalidArgumentException("exec in container " + c.id() + ": cmd is empty");
    }
    Spec spec = SpecJson.read(c.facts().bundleDir().resolve("config.json"), Spec.class);
    io.tessera.kernel.oci.spec.Process p = OciSpecs.execProcess(spec.process(), cmd);
    if (tty) {
      p.terminal(true);
      List<String> env = p.env() == null ? List.of() : p.env();
      if (env.stream().noneMatch(e -> e.startsWith("TERM="))) {
        List<String> withTerm = new java.util.ArrayList<>(env);
        withTerm.add("TERM=xterm");
        p.env(withTerm);
      }
    }
    return p;
  }

  /** The OCI runtime's foreground exec command line for {@code c} (see OciRuntime). */
  public List<String> execCommandLine(Container c, Path processFile, Path pidFile) {
    return runtime(c).execCommandLine(c.id(), processFile, pidFile);
  }

  /** conmon's attach socket of {@code c} (SOCK_SEQPACKET). */
  public Path attachSocket(Container c) {
    return state.attach().resolve(RuncRuntime.attachUuid(c.id())).resolve("attach");
  }

  /** conmon's control fifo of {@code c} (resize, log reopen). */
  public Path controlFifo(Container c) {
    return c.facts().bundleDir().resolve("ctl");
  }

  /**
   * Completes with the exit code of {@code c}'s main process, as conmon reports it through the exit
   * watcher (at once if it already exited). Never completes exceptionally.
   */
  public CompletableFuture<Integer> exitOf(Container c) {
    return exitFuture(c.id()).thenApply(code -> code);
  }

  /**
   * UpdateContainerResources: applies new cgroup limits through the OCI runtime and records them in
   * the container's status. Fields left 0 or empty keep their current value in the cgroup.
   *
   * @throws FailedPreconditionException the container is neither CREATED nor RUNNING
   */
  public void updateResources(String idOrPrefix, LinuxContainerResources resources) {
    Container c = store.get(idOrPrefix);
    if (c.state() != ContainerState.CREATED && c.state() != ContainerState.RUNNING) {
      throw new FailedPreconditionException(
          "UpdateContainerResources "
              + c.id()
              + ": container is "
              + c.state()
              + ", not CREATED or RUNNING");
    }
    try {
      runtime(c).update(c.id(), SpecJson.toJson(ContainerSpecs.resources(resources)));
    } catch (TesseraException e) {
      throw TesseraException.sameKind(
          e, "UpdateContainerResources " + c.id() + ": " + e.getMessage());
    }
    store.update(c.id(), s -> s.withResources(Optional.of(resources)));
    LOG.info("container {} resources updated", c.id());
  }

  /** ReopenContainerLog: asks conmon to reopen the log file (after kubelet rotated it). */
  public void reopenLog(String idOrPrefix) {
    Container c = store.get(idOrPrefix);
    if (c.state() != ContainerState.RUNNING) {
      throw new FailedPreconditionException(
          "ReopenContainerLog " + c.id() + ": container is " + c.state() + ", not RUNNING");
    }
    Path ctl = c.facts().bundleDir().resolve("ctl");
    try {
      Files.write(ctl, "2 0 0\n".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new InternalException("ReopenContainerLog " + c.id() + ": " + e.getMessage(), e);
    }
  }

  /** Layer directories that containers' root filesystems sit on (for image GC). */
  public Set<Path> lowerDirsInUse() {
    Set<Path> dirs = new HashSet<>();
    for (Container c : store.list()) {
      snapshots.get(c.facts().snapshotKey()).ifPresent(s -> dirs.addAll(s.lowerDirs()));
    }
    return dirs;
  }

  @Override
  public void stopAll(String podId) {
    for (Container c : store.listByPodSandbox(podId)) {
      stop(c, Duration.ZERO);
    }
  }

  @Override
  public void removeAll(String podId) {
    for (Container c : store.listByPodSandbox(podId)) {
      remove(c.id());
    }
  }

  private OciRuntime runtime(Container c) {
    OciRuntime rt = runtimes.get(c.facts().runtimeHandler());
    if (rt == null) {
      throw new FailedPreconditionException(
          "container "
              + c.id()
              + " uses runtime handler "
              + c.facts().runtimeHandler()
              + ", which is no longer configured");
    }
    return rt;
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private static long nowNanos() {
    return PodSandboxes.nowNanos();
  }
}
