package io.tessera.sandbox.spec;

import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.sandbox.model.Capabilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A container's capability set from CRI's add/drop lists, with containerd's reading of "ALL": add
 * ALL starts from every capability the host grants, drop ALL from none, then the named adds and
 * drops apply in that order (so add X with drop ALL grants exactly X). Pure, but for {@link
 * #hostBounding()}.
 */
final class CapabilitySets {
  /** Every Linux capability, CAP_CHOWN (0) to CAP_CHECKPOINT_RESTORE (40), in number order. */
  static final List<String> ALL =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_DAC_READ_SEARCH",
          "CAP_FOWNER",
          "CAP_FSETID",
          "CAP_KILL",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETPCAP",
          "CAP_LINUX_IMMUTABLE",
          "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST",
          "CAP_NET_ADMIN",
          "CAP_NET_RAW",
          "CAP_IPC_LOCK",
          "CAP_IPC_OWNER",
          "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO",
          "CAP_SYS_CHROOT",
          "CAP_SYS_PTRACE",
          "CAP_SYS_PACCT",
          "CAP_SYS_ADMIN",
          "CAP_SYS_BOOT",
          "CAP_SYS_NICE",
          "CAP_SYS_RESOURCE",
          "CAP_SYS_TIME",
          "CAP_SYS_TTY_CONFIG",
          "CAP_MKNOD",
          "CAP_LEASE",
          "CAP_AUDIT_WRITE",
          "CAP_AUDIT_CONTROL",
          "CAP_SETFCAP",
          "CAP_MAC_OVERRIDE",
          "CAP_MAC_ADMIN",
          "CAP_SYSLOG",
          "CAP_WAKE_ALARM",
          "CAP_BLOCK_SUSPEND",
          "CAP_AUDIT_READ",
          "CAP_PERFMON",
          "CAP_BPF",
          "CAP_CHECKPOINT_RESTORE");

  private CapabilitySets() {}

  /**
   * The bounding/effective/permitted set: defaults changed by {@code caps}, or, for a privileged
   * container, everything {@code host} holds.
   *
   * @param host the capabilities the daemon may pass on (its bounding set): "all" means these, not
   *     every capability the kernel knows, because a runtime asked for one outside the daemon's
   *     bounding set fails the create with EPERM (as where the daemon itself runs confined)
   */
  static List<String> granted(Capabilities caps, boolean privileged, List<String> host) {
    if (privileged) {
      return List.copyOf(host);
    }
    Set<String> set = new LinkedHashSet<>(OciSpecs.DEFAULT_CAPABILITIES);
    if (caps.add().stream().anyMatch(CapabilitySets::isAll)) {
      set = new LinkedHashSet<>(host);
    }
    if (caps.drop().stream().anyMatch(CapabilitySets::isAll)) {
      set.clear();
    }
    for (String c : caps.add()) {
      if (!isAll(c)) {
        set.add(normalize(c));
      }
    }
    for (String c : caps.addAmbient()) {
      set.add(normalize(c));
    }
    for (String c : caps.drop()) {
      if (!isAll(c)) {
        set.remove(normalize(c));
      }
    }
    return new ArrayList<>(set);
  }

  /** The ambient set: the requested ambient capabilities that survived the drops. */
  static List<String> ambient(Capabilities caps, List<String> granted) {
    List<String> out = new ArrayList<>();
    for (String c : caps.addAmbient()) {
      String n = normalize(c);
      if (granted.contains(n) && !out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * The capabilities named by a {@code CapBnd} (or other Cap*) hex mask of proc(5)'s
   * /proc/[pid]/status, in number order; bits past {@link #ALL} (a newer kernel's) are ignored.
   */
  static List<String> fromMask(long mask) {
    List<String> out = new ArrayList<>();
    for (int bit = 0; bit < ALL.size(); bit++) {
      if ((mask & (1L << bit)) != 0) {
        out.add(ALL.get(bit));
      }
    }
    return out;
  }

  /** The CapBnd mask in the text of a /proc/[pid]/status file. */
  static long boundingMask(String procStatus) {
    return procStatus
        .lines()
        .filter(l -> l.startsWith("CapBnd:"))
        .map(l -> Long.parseUnsignedLong(l.substring("CapBnd:".length()).strip(), 16))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no CapBnd line in the process status"));
  }

  /** This process's bounding set: what it can hand on to a container it starts. */
  static List<String> hostBounding() {
    Path status = Path.of("/proc/self/status");
    try {
      return fromMask(boundingMask(Files.readString(status)));
    } catch (IOException | IllegalArgumentException e) {
      throw new InternalException("read the capability bounding set from " + status, e);
    }
  }

  /** "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" all name CAP_NET_ADMIN. */
  static String normalize(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT);
    if (!n.startsWith("CAP_")) {
      n = "CAP_" + n;
    }
    if (!ALL.contains(n)) {
      throw new InvalidArgumentException("unknown capability '" + name + "'");
    }
    return n;
  }

  private static boolean isAll(String name) {
    return name.strip().equalsIgnoreCase("ALL");
  }
}
