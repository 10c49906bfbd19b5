package io.tessera.sandbox.spec;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.oci.spec.OciSpecs;
import io.tessera.sandbox.model.Capabilities;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A container's capability set from CRI's add/drop lists, with containerd's reading of "ALL": add
 * ALL starts from every capability, drop ALL from none, then the named adds and drops apply in that
 * order (so add X with drop ALL grants exactly X). Pure.
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

  /** The bounding/effective/permitted set: defaults changed by {@code caps}, or ALL. */
  static List<String> granted(Capabilities caps, boolean privileged) {
    if (privileged) {
      return ALL;
    }
    Set<String> set = new LinkedHashSet<>(OciSpecs.DEFAULT_CAPABILITIES);
    if (caps.add().stream().anyMatch(CapabilitySets::isAll)) {
      set = new LinkedHashSet<>(ALL);
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
