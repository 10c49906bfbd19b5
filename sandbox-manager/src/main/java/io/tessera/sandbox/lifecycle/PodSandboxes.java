package io.tessera.sandbox.lifecycle;

import io.tessera.kernel.cgroup.CgroupManager;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.mount.MountSpec;
import io.tessera.kernel.mount.Mounter;
import io.tessera.kernel.ns.NamespacePinner;
import io.tessera.kernel.ns.NsType;
import io.tessera.kernel.ns.PinnedNamespaces;
import io.tessera.kernel.oci.MonitorOptions;
import io.tessera.kernel.oci.OciRuntime;
import io.tessera.kernel.oci.spec.SpecJson;
import io.tessera.sandbox.cni.CniNetwork;
import io.tessera.sandbox.filter.PodSandboxFilter;
import io.tessera.sandbox.ids.Ids;
import io.tessera.sandbox.ids.NameRegistry;
import io.tessera.sandbox.ids.Names;
import io.tessera.sandbox.model.NamespaceMode;
import io.tessera.sandbox.model.NamespaceOptions;
import io.tessera.sandbox.model.NamespaceType;
import io.tessera.sandbox.model.PodIps;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxConfig;
import io.tessera.sandbox.model.PodSandboxRuntimeFacts;
import io.tessera.sandbox.model.PodSandboxState;
import io.tessera.sandbox.model.PodSandboxStatus;
import io.tessera.sandbox.seccomp.SeccompProfiles;
import io.tessera.sandbox.spec.ContainerSpecs;
import io.tessera.sandbox.spec.InfraSpecInput;
import io.tessera.sandbox.spec.PodCgroupLimits;
import io.tessera.sandbox.spec.PodFiles;
import io.tessera.sandbox.store.LoadProblem;
import io.tessera.sandbox.store.LoadReport;
import io.tessera.sandbox.store.PodSandboxStore;
import io.tessera.sandbox.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pod sandboxes: RunPodSandbox, StopPodSandbox, RemovePodSandbox, status and list, and their
 * recovery after a restart. A pod is pinned network, IPC and UTS namespaces (no long-lived helper
 * process), a /dev/shm tmpfs, generated /etc files and a cgroup; its containers join them.
 *
 * <p>Thread-safe. Creation either completes or undoes every step it did; stop and remove are
 * idempotent and can be repeated after a crash.
 */
public final class PodSandboxes {
  private static final Logger LOG = LoggerFactory.getLogger(PodSandboxes.class);

  /** Namespaced sysctls a pod may set: per network, IPC namespace. */
  private static final Pattern NET_SYSCTL = Pattern.compile("net\\..+");

  private static final Pattern IPC_SYSCTL =
      Pattern.compile("kernel\\.(shm.*|msg.*|sem)|fs\\.mqueue\\..+");

  private static final long SHM_SIZE_BYTES = 64L << 20;

  private final PodSandboxStore store;
  private final StoreLayout layout;
  private final StatePaths state;
  private final NameRegistry names = new NameRegistry("pod sandbox");
  private final NamespacePinner pinner;
  private final Mounter mounter;
  private final CgroupManager cgroups;
  private final Set<String> runtimeHandlers;
  private final String defaultHandler;
  private final Path hostResolvConf;
  private final Map<String, OciRuntime> runtimes;
  private final SeccompProfiles seccomp;
  private volatile ContainerReaper containers = ContainerReaper.NONE;
  private final PodNetworking network = new PodNetworking();

  /** What a pod needs from the container side when it stops or goes away. */
  public interface ContainerReaper {
    ContainerReaper NONE =
        new ContainerReaper() {
          @Override
          public void stopAll(String podId) {}

          @Override
          public void removeAll(String podId) {}
        };

    /** Stops every container of the pod (kills what does not stop). */
    void stopAll(String podId);

    /** Removes every container of the pod. */
    void removeAll(String podId);
  }

  public PodSandboxes(
      StoreLayout layout,
      StatePaths state,
      NamespacePinner pinner,
      Mounter mounter,
      CgroupManager cgroups,
      Set<String> runtimeHandlers,
      String defaultHandler,
      Path hostResolvConf,
      Map<String, OciRuntime> runtimes,
      SeccompProfiles seccomp) {
    this.layout = layout;
    this.store = new PodSandboxStore(layout);
    this.state = state;
    this.pinner = pinner;
    this.mounter = mounter;
    this.cgroups = cgroups;
    this.runtimeHandlers = Set.copyOf(runtimeHandlers);
    this.defaultHandler = defaultHandler;
    this.hostResolvConf = hostResolvConf;
    this.runtimes = Map.copyOf(runtimes);
    this.seccomp = seccomp;
  }

  public void setContainers(ContainerReaper reaper) {
    this.containers = reaper;
  }

  /**
   * The CNI network pods without host networking are attached to; set before serving. Without one,
   * RunPodSandbox of such a pod fails UNAVAILABLE. The caller owns (and closes) the network.
   */
  public void setNetwork(CniNetwork cni) {
    network.set(cni);
  }

  /**
   * Loads persisted pods: names re-reserved, broken records' leftovers cleaned. Never fatal for a
   * single pod.
   */
  public LoadReport recover() {
    LoadReport report = store.load();
    for (LoadProblem p : report.problems()) {
      LOG.warn("pod record {}: {} ({}); cleaning up", p.path(), p.reason(), p.detail());
      p.id().ifPresent(this::cleanLeftovers);
      store.discard(p);
    }
    for (PodSandbox pod : store.list()) {
      names.reserve(Names.podSandbox(pod.metadata()), pod.id());
    }
    return report;
  }

  private void cleanLeftovers(String id) {
    try {
      mounter.unmountAll(state.podDir(id));
      deleteTree(state.podDir(id));
    } catch (RuntimeException e) {
      LOG.warn("pod {}: leftover clean-up failed: {}", id, e.getMessage());
    }
  }

  /** RunPodSandbox. */
  public PodSandbox run(PodSandboxConfig config, String runtimeHandler) {
    String handler =
        runtimeHandler == null || runtimeHandler.isEmpty() ? defaultHandler : runtimeHandler;
    if (!runtimeHandlers.contains(handler)) {
      throw new InvalidArgumentException(
          "RunPodSandbox: unknown runtime handler \""
              + handler
              + "\" (known: "
              + String.join(", ", runtimeHandlers)
              + ")");
    }
    checkSysctls(config.linux().sysctls());
    String id = Ids.random();
    String name = Names.podSandbox(config.metadata());
    names.reserve(name, id);
    UndoStack undo = new UndoStack("pod " + id);
    undo.push(() -> names.release(name, id));
    try {
      NamespaceOptions ns = config.linux().securityContext().namespaceOptions();
      boolean hostNetwork = ns.network() == NamespaceMode.NODE;
      boolean hostIpc = ns.ipc() == NamespaceMode.NODE;
      Path podState = state.podDir(id);
      Files.createDirectories(podState);
      undo.push(() -> deleteTree(podState));
      Path podRoot = layout.podDir(id);

      Set<NsType> types = EnumSet.noneOf(NsType.class);
      if (!hostNetwork) {
        types.add(NsType.NET);
        types.add(NsType.UTS);
      }
      if (!hostIpc) {
        types.add(NsType.IPC);
      }
      PodSandboxRuntimeFacts.Builder facts = PodSandboxRuntimeFacts.builder();
      PodIps ips = PodIps.NONE;
      if (!types.isEmpty()) {
        String hostname = config.hostname().isEmpty() ? "localhost" : config.hostname();
        PinnedNamespaces pinned =
            pinner.pin(state.podNamespaces(id), types, hostNetwork ? null : hostname);
        undo.push(() -> pinner.unpin(pinned));
        pinned.paths().forEach((t, p) -> facts.namespacePath(modelType(t), p));
        applySysctls(config.linux().sysctls(), pinned);
        if (!hostNetwork) {
          ips = attachNetwork(id, config, pinned, undo);
          facts.ips(ips);
        }
      }

      if (!hostIpc) {
        Path shm = state.podShm(id);
        Files.createDirectories(shm);
        mounter.mount(
            new MountSpec(
                "tmpfs",
                "shm",
                List.of("nosuid", "nodev", "noexec", "mode=1777", "size=" + SHM_SIZE_BYTES)),
            shm);
        undo.push(() -> mounter.unmount(shm, true));
        facts.shmPath(Optional.of(shm));
      }

      String cgroup = podCgroup(config, id);
      if (!cgroups.exists(cgroup)) {
        cgroups.create(cgroup);
        undo.push(() -> cgroups.delete(cgroup));
      }
      if (ownsCgroup(cgroup)) {
        // The kubelet sizes the pod cgroups it creates; the ones Tessera creates get the pod's
        // total plus its overhead here.
        PodCgroupLimits.of(config.linux()).ifPresent(r -> cgroups.apply(cgroup, r));
      }
      facts.cgroupPath(Optional.of(cgroup));

      Files.createDirectories(podRoot);
      undo.push(() -> deleteTree(podRoot));
      Path hostnameFile = podRoot.resolve("hostname");
      Path hostsFile = podRoot.resolve("hosts");
      Path resolvFile = podRoot.resolve("resolv.conf");
      String hostname = hostNetwork ? hostHostname() : config.hostname();
      Files.writeString(hostnameFile, PodFiles.hostname(hostname));
      Files.writeString(
          hostsFile,
          hostNetwork
              ? PodFiles.hostsForHostNetwork(Files.readString(Path.of("/etc/hosts")))
              : PodFiles.hosts(PodNetworking.all(ips), hostname));
      Files.writeString(resolvFile, PodFiles.resolvConf(config.dnsConfig(), readHostResolvConf()));
      facts
          .hostnamePath(Optional.of(hostnameFile))
          .hostsPath(Optional.of(hostsFile))
          .resolvConfPath(Optional.of(resolvFile));

      PodSandbox pod =
          PodSandbox.builder()
              .id(id)
              .config(config)
              .runtimeHandler(handler)
              .createdAt(nowNanos())
              .facts(facts.build())
              .status(PodSandboxStatus.ready(config.linux()))
              .build();
      if (ns.pid() == NamespaceMode.POD) {
        long infraPid = startInfra(pod, name, undo);
        pod =
            PodSandbox.builder()
                .id(id)
                .config(config)
                .runtimeHandler(handler)
                .createdAt(pod.createdAt())
                .facts(facts.infraPid(OptionalLong.of(infraPid)).build())
                .status(pod.status())
                .build();
      }
      store.add(pod);
      LOG.info("pod {} ({}) ready", id, name);
      return pod;
    } catch (IOException e) {
      undo.unwind();
      throw new InternalException("RunPodSandbox " + name + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      undo.unwind();
      if (e instanceof TesseraException te) {
        throw TesseraException.sameKind(te, "RunPodSandbox " + name + ": " + te.getMessage());
      }
      throw e;
    }
  }

  /**
   * Starts the pod's infra process, {@code catatonit -P} as pid 1 of the pod's shared pid
   * namespace, under conmon like any container (so it outlives a daemon restart). Its OCI id is the
   * pod id.
   */
  private long startInfra(PodSandbox pod, String name, UndoStack undo) throws IOException {
    OciRuntime rt = runtimes.get(pod.runtimeHandler());
    Path bundle = state.podInfra(pod.id());
    Path rootfs = bundle.resolve("rootfs");
    for (String d : List.of("proc", "dev", "sys")) {
      Files.createDirectories(rootfs.resolve(d));
    }
    Files.createFile(rootfs.resolve("catatonit"));
    InfraSpecInput.Builder in =
        InfraSpecInput.builder()
            .pod(pod)
            .rootfs(rootfs)
            .cgroupsPath(pod.facts().cgroupPath().orElseThrow() + "/" + pod.id())
            .seccompProfiles(seccomp);
    pod.facts().namespacePaths().forEach((t, p) -> in.podNamespace(kernelType(t), p));
    SpecJson.write(ContainerSpecs.infra(in.build()), bundle.resolve("config.json"));
    rt.create(
        pod.id(),
        bundle,
        MonitorOptions.builder(bundle.resolve("infra.log"), state.exits(), state.attach())
            .name(name + "_infra")
            .build());
    undo.push(() -> rt.delete(pod.id(), true));
    undo.push(() -> rt.kill(pod.id(), 9, true));
    rt.start(pod.id());
    return rt.state(pod.id()).pid();
  }

  /** Kills the infra process (containers are stopped already); idempotent. */
  private void stopInfra(PodSandbox pod) {
    if (pod.facts().infraPid().isEmpty()) {
      return;
    }
    OciRuntime rt = runtimes.get(pod.runtimeHandler());
    try {
      rt.kill(pod.id(), 9, true);
    } catch (NotFoundException e) {
      LOG.debug("pod {}: infra already gone", pod.id());
    }
  }

  private void removeInfra(PodSandbox pod) {
    if (pod.facts().infraPid().isEmpty()) {
      return;
    }
    runtimes.get(pod.runtimeHandler()).delete(pod.id(), true);
    try {
      Files.deleteIfExists(state.exits().resolve(pod.id()));
    } catch (IOException e) {
      throw new InternalException(
          "remove infra exit file of " + pod.id() + ": " + e.getMessage(), e);
    }
  }

  /** StopPodSandbox: containers stopped, namespaces and shm released. Idempotent. */
  public void stop(String idOrPrefix) {
    Optional<PodSandbox> found = resolve(idOrPrefix);
    if (found.isEmpty()) {
      return; // CRI: stopping what is gone succeeds.
    }
    PodSandbox pod = found.get();
    containers.stopAll(pod.id());
    stopInfra(pod);
    network.detach(pod);
    release(pod);
    if (pod.state() == PodSandboxState.READY) {
      store.update(pod.id(), s -> s.withState(PodSandboxState.NOTREADY));
    }
    LOG.info("pod {} stopped", pod.id());
  }

  /** RemovePodSandbox: stops, removes containers and everything of the pod. Idempotent. */
  public void remove(String idOrPrefix) {
    Optional<PodSandbox> found = resolve(idOrPrefix);
    if (found.isEmpty()) {
      return;
    }
    PodSandbox pod = found.get();
    containers.stopAll(pod.id());
    containers.removeAll(pod.id());
    stopInfra(pod);
    removeInfra(pod);
    network.detach(pod);
    release(pod);
    pod.facts()
        .cgroupPath()
        .filter(this::ownsCgroup)
        .ifPresent(
            c -> {
              cgroups.killAll(c);
              cgroups.delete(c);
            });
    deleteTree(state.podDir(pod.id()));
    for (String f : List.of("hostname", "hosts", "resolv.conf")) {
      try {
        Files.deleteIfExists(layout.podDir(pod.id()).resolve(f));
      } catch (IOException e) {
        throw new InternalException("remove pod " + pod.id() + ": " + e.getMessage(), e);
      }
    }
    store.delete(pod.id());
    names.release(Names.podSandbox(pod.metadata()), pod.id());
    LOG.info("pod {} removed", pod.id());
  }

  /**
   * CNI ADD into the pinned netns; its undo (DEL) is pushed after the unpin's, so that it runs
   * while the netns still exists.
   */
  private PodIps attachNetwork(
      String id, PodSandboxConfig config, PinnedNamespaces pinned, UndoStack undo) {
    Path netns = pinned.path(NsType.NET).orElseThrow();
    PodIps ips = network.attach(id, config, netns);
    undo.push(() -> network.detach(id, config, netns));
    return ips;
  }

  /** Namespaces and shm: what a stopped pod no longer needs. Idempotent. */
  private void release(PodSandbox pod) {
    pod.facts().shmPath().ifPresent(shm -> mounter.unmount(shm, true));
    Map<NamespaceType, Path> ns = pod.facts().namespacePaths();
    if (!ns.isEmpty()) {
      Set<NsType> types = EnumSet.noneOf(NsType.class);
      ns.keySet().forEach(t -> types.add(kernelType(t)));
      pinner.unpin(PinnedNamespaces.inDirectory(state.podNamespaces(pod.id()), types));
    }
  }

  /** The cgroup manager pods and their containers' cgroups are handled with. */
  CgroupManager cgroups() {
    return cgroups;
  }

  /** We created cgroups only where kubelet gave no parent (see {@link #podCgroup}). */
  private boolean ownsCgroup(String cgroup) {
    return cgroup.startsWith("/tessera/");
  }

  public PodSandbox status(String idOrPrefix) {
    return store.get(idOrPrefix);
  }

  public Optional<PodSandbox> find(String id) {
    return store.find(id);
  }

  public Optional<String> tryResolve(String idOrPrefix) {
    return store.tryResolve(idOrPrefix);
  }

  public List<PodSandbox> list(PodSandboxFilter filter) {
    return filter.resolveId(store::tryResolve).apply(store.list());
  }

  public List<PodSandbox> all() {
    return store.list();
  }

  private Optional<PodSandbox> resolve(String idOrPrefix) {
    if (idOrPrefix == null || idOrPrefix.isEmpty()) {
      throw new InvalidArgumentException("pod sandbox id is required");
    }
    return store.tryResolve(idOrPrefix).flatMap(store::find);
  }

  /** A ready pod, for CreateContainer. */
  PodSandbox requireReady(String idOrPrefix) {
    PodSandbox pod;
    try {
      pod = store.get(idOrPrefix);
    } catch (NotFoundException e) {
      throw new NotFoundException("pod sandbox " + idOrPrefix + " not found", e);
    }
    if (pod.state() != PodSandboxState.READY) {
      throw new FailedPreconditionException(
          "pod sandbox " + pod.id() + " is " + pod.state() + ", not READY");
    }
    return pod;
  }

  /**
   * The pod's cgroup: kubelet's CgroupParent names it (kubelet creates it); without one, Tessera
   * makes {@code /tessera/<id>} itself and removes it with the pod.
   */
  static String podCgroup(PodSandboxConfig config, String id) {
    String parent = config.linux().cgroupParent();
    if (parent == null || parent.isBlank()) {
      return "/tessera/" + id;
    }
    if (!parent.startsWith("/") || parent.contains("..")) {
      throw new InvalidArgumentException(
          "cgroup parent \"" + parent + "\" must be an absolute cgroupfs path");
    }
    return parent;
  }

  static void checkSysctls(Map<String, String> sysctls) {
    for (String key : sysctls.keySet()) {
      if (!NET_SYSCTL.matcher(key).matches() && !IPC_SYSCTL.matcher(key).matches()) {
        throw new InvalidArgumentException(
            "sysctl "
                + key
                + " is not namespaced (only net.*, kernel.shm*, kernel.msg*,"
                + " kernel.sem, fs.mqueue.* can be set per pod)");
      }
      if (key.contains("/") || key.contains("..")) {
        throw new InvalidArgumentException("sysctl name " + key + " is malformed");
      }
    }
  }

  /** Writes each sysctl from a thread inside the namespace it belongs to. */
  private void applySysctls(Map<String, String> sysctls, PinnedNamespaces pinned) {
    for (Map.Entry<String, String> e : sysctls.entrySet()) {
      NsType type = NET_SYSCTL.matcher(e.getKey()).matches() ? NsType.NET : NsType.IPC;
      Path nsFile =
          pinned
              .path(type)
              .orElseThrow(
                  () ->
                      new InvalidArgumentException(
                          "sysctl " + e.getKey() + " needs the pod's own " + type + " namespace"));
      Path file = Path.of("/proc/sys", e.getKey().replace('.', '/'));
      pinner.callInNamespace(
          nsFile,
          type,
          () -> {
            try {
              Files.writeString(file, e.getValue());
            } catch (IOException ex) {
              throw new InvalidArgumentException(
                  "set sysctl " + e.getKey() + "=" + e.getValue() + ": " + ex.getMessage(), ex);
            }
            return null;
          });
    }
  }

  private String readHostResolvConf() throws IOException {
    return Files.exists(hostResolvConf) ? Files.readString(hostResolvConf) : "";
  }

  private static String hostHostname() throws IOException {
    return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
  }

  static NamespaceType modelType(NsType t) {
    return switch (t) {
      case NET -> NamespaceType.NETWORK;
      case IPC -> NamespaceType.IPC;
      case UTS -> NamespaceType.UTS;
      case PID -> NamespaceType.PID;
      case MNT -> NamespaceType.MOUNT;
      case CGROUP -> NamespaceType.CGROUP;
      case USER -> NamespaceType.USER;
    };
  }

  static NsType kernelType(NamespaceType t) {
    return switch (t) {
      case NETWORK -> NsType.NET;
      case IPC -> NsType.IPC;
      case UTS -> NsType.UTS;
      case PID -> NsType.PID;
      case MOUNT -> NsType.MNT;
      case CGROUP -> NsType.CGROUP;
      case USER -> NsType.USER;
    };
  }

  static long nowNanos() {
    Instant t = Instant.now();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new InternalException("remove " + dir + ": " + e.getMessage(), e);
    }
  }
}
