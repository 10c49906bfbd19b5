package io.tessera.kernel.oci.spec;

import io.tessera.kernel.ns.NsType;
import java.util.List;
import java.util.Map;

/** Default runtime-spec documents, close to what {@code runc spec} writes. */
public final class OciSpecs {
  /** The runtime-spec version Tessera writes; runc 1.1 and crun 1.8 accept it. */
  public static final String OCI_VERSION = "1.0.2";

  /** The PATH a container gets unless its image says otherwise. */
  public static final String DEFAULT_PATH =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** The capabilities containerd grants a container by default. */
  public static final List<String> DEFAULT_CAPABILITIES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE");

  /** Kernel files that leak host information or allow harm; masked (made empty) by default. */
  public static final List<String> DEFAULT_MASKED_PATHS =
      List.of(
          "/proc/acpi",
          "/proc/asound",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware",
          "/sys/devices/virtual/powercap");

  public static final List<String> DEFAULT_READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  private OciSpecs() {}

  /**
   * A fresh default spec: {@code sh} as root in {@code /}, read-only {@code rootfs} in the bundle,
   * new pid/network/ipc/uts/mount namespaces, the standard /proc, /dev, /dev/pts, /dev/shm,
   * /dev/mqueue, read-only /sys and /sys/fs/cgroup mounts, containerd's default capabilities,
   * RLIMIT_NOFILE 1024, no new privileges, all devices denied except the runtime's defaults, and
   * the usual masked and read-only paths. Each call returns a new document to modify.
   */
  public static Spec defaultLinuxSpec() {
    Process process =
        new Process()
            .terminal(false)
            .user(new User(0, 0))
            .args("sh")
            .env(List.of(DEFAULT_PATH, "TERM=xterm"))
            .cwd("/")
            .capabilities(Capabilities.of(DEFAULT_CAPABILITIES))
            .rlimits(List.of(new Rlimit("RLIMIT_NOFILE", 1024, 1024)))
            .noNewPrivileges(true);
    Linux linux =
        new Linux()
            .resources(Map.of("devices", List.of(Map.of("allow", false, "access", "rwm"))))
            .maskedPaths(DEFAULT_MASKED_PATHS)
            .readonlyPaths(DEFAULT_READONLY_PATHS);
    for (NsType type : List.of(NsType.PID, NsType.NET, NsType.IPC, NsType.UTS, NsType.MNT)) {
      linux.namespace(type, null);
    }
    return new Spec()
        .process(process)
        .root(new Root("rootfs", true))
        .mounts(defaultMounts())
        .linux(linux);
  }

  /**
   * The process for an exec in a container: a copy of the container's own {@code process}
   * (environment, cwd, user, capabilities, no-new-privileges, LSM labels) with other arguments and
   * no terminal, as CRI-O and containerd derive it. Without the container's PATH the runtime cannot
   * even find the binary.
   */
  public static Process execProcess(Process container, List<String> args) {
    Process exec = SpecJson.copy(container, Process.class);
    return exec.args(args).terminal(false);
  }

  /** The mounts every container gets, in the order the runtime must make them. */
  public static List<Mount> defaultMounts() {
    return List.of(
        new Mount("/proc", "proc", "proc", List.of()),
        new Mount(
            "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")),
        new Mount(
            "/dev/pts",
            "devpts",
            "devpts",
            List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
        new Mount(
            "/dev/shm",
            "tmpfs",
            "shm",
            List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
        new Mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")),
        new Mount("/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro")),
        new Mount(
            "/sys/fs/cgroup",
            "cgroup",
            "cgroup",
            List.of("nosuid", "noexec", "nodev", "relatime", "ro")));
  }
}
