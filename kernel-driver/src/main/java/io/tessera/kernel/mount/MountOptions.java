package io.tessera.kernel.mount;

import static io.tessera.kernel.jna.LibcMounts.MS_BIND;
import static io.tessera.kernel.jna.LibcMounts.MS_DIRSYNC;
import static io.tessera.kernel.jna.LibcMounts.MS_MANDLOCK;
import static io.tessera.kernel.jna.LibcMounts.MS_NOATIME;
import static io.tessera.kernel.jna.LibcMounts.MS_NODEV;
import static io.tessera.kernel.jna.LibcMounts.MS_NODIRATIME;
import static io.tessera.kernel.jna.LibcMounts.MS_NOEXEC;
import static io.tessera.kernel.jna.LibcMounts.MS_NOSUID;
import static io.tessera.kernel.jna.LibcMounts.MS_NOSYMFOLLOW;
import static io.tessera.kernel.jna.LibcMounts.MS_PRIVATE;
import static io.tessera.kernel.jna.LibcMounts.MS_RDONLY;
import static io.tessera.kernel.jna.LibcMounts.MS_REC;
import static io.tessera.kernel.jna.LibcMounts.MS_RELATIME;
import static io.tessera.kernel.jna.LibcMounts.MS_REMOUNT;
import static io.tessera.kernel.jna.LibcMounts.MS_SHARED;
import static io.tessera.kernel.jna.LibcMounts.MS_SLAVE;
import static io.tessera.kernel.jna.LibcMounts.MS_STRICTATIME;
import static io.tessera.kernel.jna.LibcMounts.MS_SYNCHRONOUS;
import static io.tessera.kernel.jna.LibcMounts.MS_UNBINDABLE;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link MountSpec}'s options sorted into what mount(2) takes: flags to set, a propagation change
 * (applied by a second call, the kernel ignores it combined with others) and the comma-joined
 * filesystem data. Unknown options are data, as mount(8) treats them.
 */
record MountOptions(long flags, long propagation, String data) {

  /** One flag option: set or clear {@code bit}. */
  private record Flag(boolean clear, long bit) {}

  private static final Map<String, Flag> FLAGS =
      Map.ofEntries(
          Map.entry("async", new Flag(true, MS_SYNCHRONOUS)),
          Map.entry("atime", new Flag(true, MS_NOATIME)),
          Map.entry("bind", new Flag(false, MS_BIND)),
          Map.entry("defaults", new Flag(false, 0)),
          Map.entry("dev", new Flag(true, MS_NODEV)),
          Map.entry("diratime", new Flag(true, MS_NODIRATIME)),
          Map.entry("dirsync", new Flag(false, MS_DIRSYNC)),
          Map.entry("exec", new Flag(true, MS_NOEXEC)),
          Map.entry("mand", new Flag(false, MS_MANDLOCK)),
          Map.entry("noatime", new Flag(false, MS_NOATIME)),
          Map.entry("nodev", new Flag(false, MS_NODEV)),
          Map.entry("nodiratime", new Flag(false, MS_NODIRATIME)),
          Map.entry("noexec", new Flag(false, MS_NOEXEC)),
          Map.entry("nomand", new Flag(true, MS_MANDLOCK)),
          Map.entry("norelatime", new Flag(true, MS_RELATIME)),
          Map.entry("nostrictatime", new Flag(true, MS_STRICTATIME)),
          Map.entry("nosuid", new Flag(false, MS_NOSUID)),
          Map.entry("nosymfollow", new Flag(false, MS_NOSYMFOLLOW)),
          Map.entry("rbind", new Flag(false, MS_BIND | MS_REC)),
          Map.entry("relatime", new Flag(false, MS_RELATIME)),
          Map.entry("remount", new Flag(false, MS_REMOUNT)),
          Map.entry("ro", new Flag(false, MS_RDONLY)),
          Map.entry("rw", new Flag(true, MS_RDONLY)),
          Map.entry("strictatime", new Flag(false, MS_STRICTATIME)),
          Map.entry("suid", new Flag(true, MS_NOSUID)),
          Map.entry("sync", new Flag(false, MS_SYNCHRONOUS)));

  private static final Map<String, Long> PROPAGATION =
      Map.of(
          "private",
          MS_PRIVATE,
          "rprivate",
          MS_PRIVATE | MS_REC,
          "shared",
          MS_SHARED,
          "rshared",
          MS_SHARED | MS_REC,
          "slave",
          MS_SLAVE,
          "rslave",
          MS_SLAVE | MS_REC,
          "unbindable",
          MS_UNBINDABLE,
          "runbindable",
          MS_UNBINDABLE | MS_REC);

  /** Flags that a bind mount only honours when applied by a remount after the bind itself. */
  static final long BIND_REMOUNT_FLAGS =
      MS_RDONLY
          | MS_NOSUID
          | MS_NODEV
          | MS_NOEXEC
          | MS_NOATIME
          | MS_NODIRATIME
          | MS_RELATIME
          | MS_STRICTATIME
          | MS_NOSYMFOLLOW;

  static MountOptions parse(List<String> options) {
    long flags = 0;
    long propagation = 0;
    List<String> data = new ArrayList<>();
    for (String option : options) {
      Flag flag = FLAGS.get(option);
      Long prop = PROPAGATION.get(option);
      if (flag != null) {
        flags = flag.clear() ? flags & ~flag.bit() : flags | flag.bit();
      } else if (prop != null) {
        propagation = prop;
      } else {
        data.add(option);
      }
    }
    return new MountOptions(flags, propagation, String.join(",", data));
  }

  boolean isBind() {
    return (flags & MS_BIND) != 0;
  }

  boolean isRemount() {
    return (flags & MS_REMOUNT) != 0;
  }

  /** Whether a bind needs the second, remounting call to apply {@link #BIND_REMOUNT_FLAGS}. */
  boolean bindNeedsRemount() {
    return isBind() && (flags & BIND_REMOUNT_FLAGS) != 0;
  }
}
