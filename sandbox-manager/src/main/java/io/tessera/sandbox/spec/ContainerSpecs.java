package io.tessera.sandbox.spec;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.kernel.cgroup.CgroupHierarchy;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.ns.NsType;
import io.tessera.kernel.oci.spec.Capabilities;
import io.tessera.kernel.oci.spec.Linux;
import io.tessera.kernel.oci.spec.LinuxDevice;
import io.tessera.kernel.oci.spec.Mount;
import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.kernel.oci.spec.Process;
import io.tessera.kernel.oci.spec.Root;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.kernel.oci.spec.User;
import io.tessera.kernel.proc.OomScoreAdj;
import io.tessera.sandbox.model.ContainerConfig;
import io.tessera.sandbox.model.Device;
import io.tessera.sandbox.model.KeyValue;
import io.tessera.sandbox.model.LinuxContainerResources;
import io.tessera.sandbox.model.LinuxContainerSecurityContext;
import io.tessera.sandbox.model.LinuxSandboxSecurityContext;
import io.tessera.sandbox.model.NamespaceMode;
import io.tessera.sandbox.model.NamespaceOptions;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.SeLinuxOption;
import io.tessera.sandbox.model.SecurityProfile;
import io.tessera.sandbox.seccomp.SeccompProfile;
import io.tessera.storage.image.ImageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Builds the OCI runtime spec of a container, or of a pod's infra process, from the CRI requests
 * and what the runtime made for the pod, with the kubelet's and containerd's semantics.
 *
 * <p>Stateless and thread-safe. Reads the image's /etc/passwd and /etc/group inside the rootfs,
 * resolves host paths of mounts and devices, and reads Localhost seccomp profiles; writes nothing.
 * Each call returns a new {@link Spec} the caller owns.
 *
 * <p>Known gaps, each failing clearly rather than silently: image volume mounts, id-mapped mounts
 * and recursive read-only mounts throw UnimplementedException; user namespaces are not set up. The
 * image's declared VOLUMEs are not given their own directories (containerd makes an empty dir per
 * volume): writes there land in the container's writable layer, which has the same lifetime. The
 * AppArmor RuntimeDefault profile is not applied (Tessera loads no profile of its own); an
 * explicitly named Localhost profile is.
 */
public final class ContainerSpecs {
  /** CRI annotation keys containerd writes, which tools and runtimes read back. */
  static final String CONTAINER_TYPE = "io.kubernetes.cri.container-type";

  static final String SANDBOX_ID = "io.kubernetes.cri.sandbox-id";
  static final String CONTAINER_NAME = "io.kubernetes.cri.container-name";
  static final String SANDBOX_NAME = "io.kubernetes.cri.sandbox-name";
  static final String SANDBOX_NAMESPACE = "io.kubernetes.cri.sandbox-namespace";
  static final String SANDBOX_UID = "io.kubernetes.cri.sandbox-uid";
  static final String IMAGE_NAME = "io.kubernetes.cri.image-name";

  static final Path APPARMOR = Path.of("/sys/kernel/security/apparmor");
  static final Path SELINUX = Path.of("/sys/fs/selinux");

  private static final String PATH_VALUE = OciSpecs.DEFAULT_PATH.substring("PATH=".length());

  private ContainerSpecs() {}

  /**
   * The spec of one container.
   *
   * @throws InvalidArgumentException when the request cannot be honoured: no command, unknown user,
   *     group or capability, a missing mount host path or device, a bad container path, a node-wide
   *     sysctl, a privileged container in a non-privileged pod, a bad seccomp profile
   * @throws FailedPreconditionException when the pod lacks a namespace the container must join, or
   *     a mount asks for propagation its host path's mount cannot give
   * @throws NotFoundException when a TARGET pid namespace's container does not run
   */
  public static Spec build(ContainerSpecInput in) {
    PodSandbox pod = in.pod();
    ContainerConfig c = in.config();
    ImageConfig img = in.image();
    LinuxContainerSecurityContext sc = c.linux().securityContext();
    LinuxSandboxSecurityContext psc = pod.config().linux().securityContext();
    NamespaceOptions podNs = psc.namespaceOptions();
    boolean hostNetwork = podNs.network() == NamespaceMode.NODE;
    boolean hostIpc = podNs.ipc() == NamespaceMode.NODE;
    boolean privileged = sc.privileged();
    String what = "container " + c.metadata().name() + " (" + in.containerId() + ")";
    if (privileged && !psc.privileged()) {
      throw new InvalidArgumentException(
          what + ": a privileged container needs a privileged pod sandbox " + pod.id());
    }

    Spec spec = OciSpecs.defaultLinuxSpec();
    Process p = spec.process();
    p.args(args(c, img, what)).terminal(c.tty()).cwd(cwd(c, img));
    p.env(env(c, img, pod.config().hostname()));

    String passwd = RootfsFiles.read(in.rootfs(), "/etc/passwd").orElse("");
    String group = RootfsFiles.read(in.rootfs(), "/etc/group").orElse("");
    p.user(Users.resolve(sc, img.user(), psc.supplementalGroups(), passwd, group));

    List<String> caps =
        CapabilitySets.granted(sc.capabilities(), privileged, in.hostCapabilities());
    List<String> ambient = CapabilitySets.ambient(sc.capabilities(), caps);
    // capabilities(7): a capability can be raised into the ambient set only when it is both
    // permitted and inheritable; runc only warns when the raise fails, so without the inheritable
    // set the ambient request silently vanished.
    p.capabilities(Capabilities.of(caps).inheritable(ambient).ambient(ambient));
    p.noNewPrivileges(sc.noNewPrivs());
    c.linux()
        .resources()
        .ifPresent(
            r -> p.oomScoreAdj(OomScoreAdj.restrict((int) r.oomScoreAdj(), in.oomScoreAdjFloor())));

    spec.root(new Root(in.rootfs().toAbsolutePath().toString(), sc.readonlyRootfs()));
    if (!hostNetwork && !pod.config().hostname().isEmpty()) {
      spec.hostname(pod.config().hostname());
    }

    Linux linux = spec.linux();
    linux.cgroupsPath(in.cgroupsPath());
    podNamespaces(linux, pod, in.podNamespaces());
    pidNamespace(linux, sc.namespaceOptions(), in, what);
    if (in.cgroupV2()) {
      linux.namespace(NsType.CGROUP, null);
    }

    mounts(spec, in, privileged, hostIpc);
    if (privileged) {
      linux.maskedPaths(List.of()).readonlyPaths(List.of());
    } else {
      if (!sc.maskedPaths().isEmpty()) {
        linux.maskedPaths(sc.maskedPaths());
      }
      if (!sc.readonlyPaths().isEmpty()) {
        linux.readonlyPaths(sc.readonlyPaths());
      }
    }

    Map<String, Object> resources = new LinkedHashMap<>(linux.resources());
    resources.put("devices", devices(linux, c.devices(), in.hostDevices(), privileged, what));
    c.linux().resources().ifPresent(r -> SpecLinux.resources(r, resources, in.cgroupV2()));
    if (!runcSetsHugepages(in.cgroupV2(), in.hostMounts())) {
      // Set by the runtime itself on the v2 hierarchy (see runcSetsHugepages).
      resources.remove("hugepageLimits");
    }
    linux.resources(resources);
    linux.sysctl(SpecLinux.sysctls(pod.config().linux().sysctls(), hostNetwork, hostIpc));

    Optional<JsonNode> seccomp =
        in.seccompProfiles()
            .forContainer(
                sc.seccomp().map(ContainerSpecs::seccomp).orElse(null),
                privileged,
                new LinkedHashSet<>(caps),
                in.arch());
    linux.seccomp(seccomp.orElse(null));
    securityModules(p, linux, sc, psc, privileged, in);

    spec.annotation(CONTAINER_TYPE, "container");
    spec.annotation(SANDBOX_ID, pod.id());
    spec.annotation(CONTAINER_NAME, c.metadata().name());
    spec.annotation(SANDBOX_NAME, pod.metadata().name());
    spec.annotation(SANDBOX_NAMESPACE, pod.metadata().namespace());
    spec.annotation(SANDBOX_UID, pod.metadata().uid());
    String image = c.image().userSpecifiedImage();
    spec.annotation(IMAGE_NAME, image.isEmpty() ? c.image().image() : image);
    return spec;
  }

  /**
   * Whether runc can set a container's hugepage limits. On v2, and on v1 with a v1 hugetlb
   * hierarchy, it can; a hybrid host that has hugetlb on its v2 hierarchy only (as these machines
   * do) makes runc fail the container ("cannot set hugetlb limit"), so there the spec carries none
   * and the caller sets them with {@code CgroupManager.apply} after {@code runc create} (before the
   * container runs). The mount table is read only on v1.
   */
  public static boolean runcSetsHugepages(boolean cgroupV2, Supplier<List<MountInfo>> hostMounts) {
    return cgroupV2
        || CgroupHierarchy.fromMounts(hostMounts.get()).stream()
            .anyMatch(h -> !h.unified() && h.has("hugetlb"));
  }

  /**
   * The spec of a pod's infra process: {@code /catatonit -P} as pid 1 of a new pid namespace, in
   * the pod's network, IPC and UTS namespaces and cgroup, root with no capabilities, no new
   * privileges, RuntimeDefault seccomp, on a read-only root.
   */
  public static Spec infra(InfraSpecInput in) {
    PodSandbox pod = in.pod();
    Spec spec = OciSpecs.defaultLinuxSpec();
    spec.process()
        .args("/catatonit", "-P")
        .env(List.of(OciSpecs.DEFAULT_PATH))
        .cwd("/")
        .user(new User(0, 0))
        .capabilities(Capabilities.of(List.of()))
        .noNewPrivileges(true);
    spec.root(new Root(in.rootfs().toAbsolutePath().toString(), true));
    spec.addMount(Mount.bind(in.catatonit().toString(), "/catatonit", List.of("rprivate", "ro")));
    boolean hostNetwork =
        pod.config().linux().securityContext().namespaceOptions().network() == NamespaceMode.NODE;
    if (!hostNetwork && !pod.config().hostname().isEmpty()) {
      spec.hostname(pod.config().hostname());
    }
    Linux linux = spec.linux();
    linux.cgroupsPath(in.cgroupsPath());
    podNamespaces(linux, pod, in.podNamespaces());
    linux.namespace(NsType.PID, null);
    linux.seccomp(in.seccompProfiles().runtimeDefault(Set.of(), in.arch()));
    spec.annotation(CONTAINER_TYPE, "sandbox");
    spec.annotation(SANDBOX_ID, pod.id());
    spec.annotation(SANDBOX_NAME, pod.metadata().name());
    spec.annotation(SANDBOX_NAMESPACE, pod.metadata().namespace());
    spec.annotation(SANDBOX_UID, pod.metadata().uid());
    return spec;
  }

  static List<String> args(ContainerConfig c, ImageConfig img, String what) {
    List<String> args = new ArrayList<>();
    if (!c.command().isEmpty()) {
      args.addAll(c.command());
      args.addAll(c.args());
    } else if (!c.args().isEmpty()) {
      args.addAll(img.entrypoint());
      args.addAll(c.args());
    } else {
      args.addAll(img.entrypoint());
      args.addAll(img.cmd());
    }
    if (args.isEmpty()) {
      throw new InvalidArgumentException(what + ": no command specified");
    }
    return args;
  }

  /**
   * The runtime-spec {@code linux.resources} tree for CRI resources, as a container is created with
   * (devices aside): what {@code runc update --resources} takes. Fields CRI leaves 0 or empty stay
   * out, so they keep their current value. Unified keys as {@link #build} treats them: pids.max
   * becomes pids.limit, the others need {@code cgroupV2}. Pure.
   *
   * @throws InvalidArgumentException a v2-only unified key on a v1 host, a bad pids.max
   */
  public static Map<String, Object> resources(LinuxContainerResources r, boolean cgroupV2) {
    Map<String, Object> out = new LinkedHashMap<>();
    SpecLinux.resources(r, out, cgroupV2);
    return out;
  }

  private static String cwd(ContainerConfig c, ImageConfig img) {
    if (!c.workingDir().isEmpty()) {
      return c.workingDir();
    }
    return img.workingDir() == null || img.workingDir().isEmpty() ? "/" : img.workingDir();
  }

  /**
   * PATH, HOSTNAME (and TERM with a tty), then the image's variables, then the request's; a later
   * value of a name replaces the earlier one in its place.
   */
  static List<String> env(ContainerConfig c, ImageConfig img, String hostname) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", PATH_VALUE);
    if (!hostname.isEmpty()) {
      env.put("HOSTNAME", hostname);
    }
    if (c.tty()) {
      env.put("TERM", "xterm");
    }
    for (String e : img.env()) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
      } else if (!e.isEmpty()) {
        env.put(e, null);
      }
    }
    for (KeyValue kv : c.envs()) {
      env.put(kv.key(), kv.value());
    }
    List<String> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(v == null ? k : k + "=" + v));
    return out;
  }

  /** NET, IPC and UTS: the pod's pinned files, or the host's (left out) for NODE modes. */
  private static void podNamespaces(Linux linux, PodSandbox pod, Map<NsType, Path> pinned) {
    NamespaceOptions ns = pod.config().linux().securityContext().namespaceOptions();
    if (ns.network() == NamespaceMode.NODE) {
      // The UTS namespace follows the network one: a host-network pod has the node's hostname.
      linux.withoutNamespace(NsType.NET).withoutNamespace(NsType.UTS);
    } else {
      linux.namespace(NsType.NET, pinned(pod, pinned, NsType.NET));
      linux.namespace(NsType.UTS, pinned(pod, pinned, NsType.UTS));
    }
    if (ns.ipc() == NamespaceMode.NODE) {
      linux.withoutNamespace(NsType.IPC);
    } else {
      linux.namespace(NsType.IPC, pinned(pod, pinned, NsType.IPC));
    }
  }

  private static Path pinned(PodSandbox pod, Map<NsType, Path> pinned, NsType type) {
    Path p = pinned.get(type);
    if (p == null) {
      throw new FailedPreconditionException(
          "pod sandbox " + pod.id() + " has no pinned " + type.ociName() + " namespace");
    }
    return p;
  }

  private static void pidNamespace(
      Linux linux, NamespaceOptions ns, ContainerSpecInput in, String what) {
    switch (ns.pid()) {
      case CONTAINER -> linux.namespace(NsType.PID, null);
      case NODE -> linux.withoutNamespace(NsType.PID);
      case POD -> {
        OptionalLong pid = in.podPidSource();
        if (pid.isEmpty()) {
          throw new FailedPreconditionException(
              what + ": pod sandbox " + in.pod().id() + " has no infra process to share pids");
        }
        linux.namespace(NsType.PID, NsType.PID.procPath(pid.getAsLong()));
      }
      case TARGET -> {
        OptionalLong pid = in.targetPid().apply(ns.targetId());
        if (pid.isEmpty()) {
          throw new NotFoundException(
              what
                  + ": target container "
                  + ns.targetId()
                  + " of the pid namespace is not running");
        }
        linux.namespace(NsType.PID, NsType.PID.procPath(pid.getAsLong()));
      }
    }
  }

  private static void mounts(
      Spec spec, ContainerSpecInput in, boolean privileged, boolean hostIpc) {
    LinuxContainerSecurityContext sc = in.config().linux().securityContext();
    Set<String> requested = new HashSet<>();
    for (io.tessera.sandbox.model.Mount m : in.config().mounts()) {
      requested.add(SpecMounts.containerPath(m.containerPath()));
    }
    boolean ro = sc.readonlyRootfs();
    List<Mount> extra = new ArrayList<>();
    addPodFile(extra, requested, in.hostsFile(), "/etc/hosts", ro);
    addPodFile(extra, requested, in.resolvConfFile(), "/etc/resolv.conf", ro);
    addPodFile(extra, requested, in.hostnameFile(), "/etc/hostname", ro);
    if (in.shmDir().isPresent()) {
      addPodFile(extra, requested, in.shmDir().get(), "/dev/shm", false);
    } else if (hostIpc) {
      // containerd's choice: a host-IPC pod sees the host's /dev/shm, as it sees its IPC objects.
      addPodFile(extra, requested, Path.of("/dev/shm"), "/dev/shm", false);
    }
    for (io.tessera.sandbox.model.Mount m : in.config().mounts()) {
      extra.add(SpecMounts.criMount(m, spec, in.hostMounts()));
    }
    List<Mount> all = new ArrayList<>();
    for (Mount d : spec.mounts()) {
      if (extra.stream().anyMatch(e -> SpecMounts.sameDestination(d, e.destination()))) {
        continue;
      }
      if (privileged && (d.type().equals("sysfs") || d.type().equals("cgroup"))) {
        List<String> options = new ArrayList<>(d.options());
        options.replaceAll(o -> o.equals("ro") ? "rw" : o);
        d.options(options);
      }
      all.add(d);
    }
    all.addAll(extra);
    spec.mounts(SpecMounts.sorted(all));
  }

  private static void addPodFile(
      List<Mount> extra, Set<String> requested, Path source, String dest, boolean readonly) {
    if (!requested.contains(dest)) {
      extra.add(SpecMounts.podFile(source, dest, readonly));
    }
  }

  /** Adds device nodes to {@code linux.devices}; returns the devices cgroup rules. */
  private static List<Object> devices(
      Linux linux, List<Device> requested, HostDevices host, boolean privileged, String what) {
    List<Object> rules = new ArrayList<>();
    rules.add(rule(false, null, "rwm"));
    if (privileged) {
      for (HostDevice d : host.list()) {
        linux.devices().add(node(d.path(), d));
      }
      rules.add(rule(true, null, "rwm"));
    }
    for (Device d : requested) {
      String dest = SpecMounts.containerPath(d.containerPath());
      Path hostPath = Path.of(d.hostPath());
      Map<String, HostDevice> nodes = new LinkedHashMap<>();
      Optional<HostDevice> single = host.stat(hostPath);
      if (single.isPresent()) {
        nodes.put(dest, single.get());
      } else {
        // containerd's reading of a directory: each node below it, at the same relative path.
        Path real = realPath(hostPath);
        for (HostDevice h : host.under(hostPath)) {
          Path rel = real.relativize(Path.of(h.path()));
          nodes.put(Path.of(dest).resolve(rel).toString(), h);
        }
      }
      if (nodes.isEmpty()) {
        throw new InvalidArgumentException(
            what
                + ": device "
                + d.hostPath()
                + " does not exist, or is not a character or block device nor a directory of"
                + " them");
      }
      String access = d.permissions().isEmpty() ? "rwm" : d.permissions();
      nodes.forEach(
          (path, h) -> {
            linux.devices().removeIf(existing -> existing.path().equals(path));
            linux.devices().add(node(path, h));
            if (!privileged) {
              rules.add(rule(true, h, access));
            }
          });
    }
    return rules;
  }

  private static Path realPath(Path p) {
    try {
      return p.toRealPath();
    } catch (java.io.IOException e) {
      // Only an existing directory has nodes under it; a missing one fails just after.
      return p.toAbsolutePath().normalize();
    }
  }

  private static LinuxDevice node(String path, HostDevice d) {
    return new LinuxDevice(path, d.type(), d.major(), d.minor())
        .fileMode(d.fileMode())
        .uid(d.uid())
        .gid(d.gid());
  }

  private static Map<String, Object> rule(boolean allow, HostDevice d, String access) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("allow", allow);
    if (d != null) {
      r.put("type", d.type());
      r.put("major", d.major());
      r.put("minor", d.minor());
    }
    r.put("access", access);
    return r;
  }

  private static SeccompProfile seccomp(SecurityProfile p) {
    return switch (p.type()) {
      case RUNTIME_DEFAULT -> SeccompProfile.runtimeDefault();
      case UNCONFINED -> SeccompProfile.unconfined();
      case LOCALHOST -> SeccompProfile.localhost(p.localhostRef());
    };
  }

  /** AppArmor and SELinux: applied only where the host has the module; never to privileged. */
  private static void securityModules(
      Process p,
      Linux linux,
      LinuxContainerSecurityContext sc,
      LinuxSandboxSecurityContext psc,
      boolean privileged,
      ContainerSpecInput in) {
    if (privileged) {
      return;
    }
    if (in.hostPathExists().test(APPARMOR)) {
      sc.apparmor()
          .filter(a -> a.type() == SecurityProfile.Type.LOCALHOST)
          .ifPresent(a -> p.apparmorProfile(stripLocalhost(a.localhostRef())));
    }
    if (in.hostPathExists().test(SELINUX)) {
      Optional<SeLinuxOption> opt = sc.seLinuxOptions().or(psc::seLinuxOptions);
      opt.ifPresent(
          o -> {
            p.selinuxLabel(
                label(o.user(), "system_u")
                    + ":"
                    + label(o.role(), "system_r")
                    + ":"
                    + label(o.type(), "container_t")
                    + ":"
                    + label(o.level(), "s0"));
            linux.mountLabel(
                label(o.user(), "system_u")
                    + ":object_r:container_file_t:"
                    + label(o.level(), "s0"));
          });
    }
  }

  private static String stripLocalhost(String ref) {
    return ref.startsWith("localhost/") ? ref.substring("localhost/".length()) : ref;
  }

  private static String label(String part, String dflt) {
    return part.isEmpty() ? dflt : part;
  }
}
