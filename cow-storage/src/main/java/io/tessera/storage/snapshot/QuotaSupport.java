package io.tessera.storage.snapshot;

import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.fs.ProjectQuotas;
import io.tessera.kernel.jna.LibcQuota;
import io.tessera.kernel.mount.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * Whether writable layers under a directory can get a size cap enforced by the kernel, and how: XFS
 * project quotas on a block device (found by {@link #detect}), a loop-mounted ext4 image per sized
 * layer ({@link #loop()}), or off with the reason.
 *
 * <p>Immutable. XFS detection runs a real probe (a temp directory gets a project id, its quota
 * record is read and its limits written), because the mount options alone do not show whether this
 * process may set quotas or whether the kernel was built with XFS quota support.
 *
 * @param backend {@link QuotaBackend#XFS}, {@link QuotaBackend#LOOP} or {@link QuotaBackend#OFF}
 * @param device the block device the XFS file system is mounted from; empty for the others
 * @param reason why quotas are off; empty when enabled
 */
public record QuotaSupport(QuotaBackend backend, Optional<Path> device, String reason) {

  /**
   * The mount option with which XFS accounts and enforces project quotas, as mountinfo shows it.
   */
  static final String PRJQUOTA = "prjquota";

  /** Shown instead of prjquota when project quotas are accounted but not enforced. */
  static final String PQNOENFORCE = "pqnoenforce";

  static final String PROBE_PREFIX = ".tmp-quota-probe-";

  public QuotaSupport {
    boolean valid =
        switch (backend) {
          case XFS -> device.isPresent() && reason.isEmpty();
          case LOOP -> device.isEmpty() && reason.isEmpty();
          case OFF -> device.isEmpty() && !reason.isEmpty();
          case AUTO -> false;
        };
    if (!valid) {
      throw new IllegalArgumentException(
          "quota support is XFS on a device, loop, or off for a reason; not "
              + backend
              + " "
              + device
              + " '"
              + reason
              + "'");
    }
  }

  /** XFS on {@code device} when present, else off for {@code reason}. */
  public QuotaSupport(Optional<Path> device, String reason) {
    this(device.isPresent() ? QuotaBackend.XFS : QuotaBackend.OFF, device, reason);
  }

  public static QuotaSupport on(Path device) {
    return new QuotaSupport(QuotaBackend.XFS, Optional.of(device), "");
  }

  public static QuotaSupport loop() {
    return new QuotaSupport(QuotaBackend.LOOP, Optional.empty(), "");
  }

  public static QuotaSupport off(String reason) {
    return new QuotaSupport(QuotaBackend.OFF, Optional.empty(), reason);
  }

  public boolean enabled() {
    return backend != QuotaBackend.OFF;
  }

  /**
   * "writable-layer quotas enabled on DEV" (XFS), "writable-layer quotas enabled: loop ..." or
   * "writable-layer quotas off: REASON".
   */
  public String describe() {
    return switch (backend) {
      case XFS -> "writable-layer quotas enabled on " + device.get();
      case LOOP ->
          "writable-layer quotas enabled: loop (each sized writable layer on its own ext4 image)";
      default -> "writable-layer quotas off: " + reason;
    };
  }

  /**
   * Detects support for {@code dir} (which must exist): statfs type, the mount's options in
   * mountinfo, the backing block device, then the probe with the project id {@code probeIdFor}
   * picks for the device (one nothing uses). Never throws for a host that cannot do it; that is an
   * "off" with the reason.
   */
  public static QuotaSupport detect(Path dir, ProjectQuotas ops, ToIntFunction<Path> probeIdFor) {
    long type;
    try {
      type = ops.filesystemType(dir);
    } catch (TesseraException e) {
      return off("statfs of " + dir + " failed: " + e.getMessage());
    }
    MountCheck check = checkMount(dir, type, MountInfo.current());
    if (check.reason().isPresent()) {
      return off(check.reason().get());
    }
    Path device = check.device().orElseThrow();
    Optional<String> notBlock = checkBlockDevice(device, check.deviceNumber());
    if (notBlock.isPresent()) {
      return off(notBlock.get());
    }
    return probe(dir, device, ops, probeIdFor);
  }

  /** What mountinfo says: a candidate device, or why quotas cannot work. */
  record MountCheck(Optional<Path> device, String deviceNumber, Optional<String> reason) {
    static MountCheck no(String reason) {
      return new MountCheck(Optional.empty(), "", Optional.of(reason));
    }
  }

  /**
   * The pure part of detection, on mountinfo text: the file system type must be XFS and its mount
   * (the longest mount point containing {@code dir}, the last such in mount order) must enforce
   * project quotas.
   */
  static MountCheck checkMount(Path dir, long fsType, List<MountInfo> mounts) {
    Optional<MountInfo> mount = mountOf(dir, mounts);
    String what = mount.map(m -> m.fsType() + " (" + m.source() + ")").orElse("an unknown mount");
    if (fsType != LibcQuota.XFS_SUPER_MAGIC) {
      return MountCheck.no(
          dir
              + " is on "
              + what
              + ", f_type 0x"
              + Long.toHexString(fsType)
              + ", not XFS (project quotas need XFS mounted with prjquota)");
    }
    if (mount.isEmpty()) {
      return MountCheck.no("no mount in /proc/self/mountinfo contains " + dir);
    }
    MountInfo m = mount.get();
    List<String> options = List.of(m.superOptions().split(","));
    if (options.contains(PQNOENFORCE)) {
      return MountCheck.no(
          m.source()
              + " on "
              + m.mountPoint()
              + " accounts project quotas but does not enforce them (pqnoenforce); mount it with"
              + " prjquota");
    }
    if (!options.contains(PRJQUOTA)) {
      return MountCheck.no(
          m.source()
              + " on "
              + m.mountPoint()
              + " is XFS mounted without prjquota (options "
              + m.superOptions()
              + ")");
    }
    if (!m.source().startsWith("/")) {
      return MountCheck.no(
          "the XFS mount on " + m.mountPoint() + " names no device path (" + m.source() + ")");
    }
    return new MountCheck(Optional.of(Path.of(m.source())), m.device(), Optional.empty());
  }

  static Optional<MountInfo> mountOf(Path dir, List<MountInfo> mounts) {
    Path abs = dir.toAbsolutePath().normalize();
    MountInfo best = null;
    int bestDepth = -1;
    for (MountInfo m : mounts) {
      Path point = Path.of(m.mountPoint());
      // >= so that of stacked mounts on one point the later, visible one wins.
      if (abs.startsWith(point) && point.getNameCount() >= bestDepth) {
        best = m;
        bestDepth = point.getNameCount();
      }
    }
    return Optional.ofNullable(best);
  }

  /** The device must be a block device node with the numbers mountinfo gives ("MAJ:MIN"). */
  private static Optional<String> checkBlockDevice(Path device, String majorMinor) {
    try {
      int mode = (int) Files.getAttribute(device, "unix:mode");
      if ((mode & 0170000) != 0060000) {
        return Optional.of("backing device " + device + " is not a block device");
      }
      long rdev = (long) Files.getAttribute(device, "unix:rdev");
      String numbers =
          io.tessera.kernel.fs.DeviceNumbers.major(rdev)
              + ":"
              + io.tessera.kernel.fs.DeviceNumbers.minor(rdev);
      if (!numbers.equals(majorMinor)) {
        return Optional.of(
            "backing device " + device + " is " + numbers + ", the mount is on " + majorMinor);
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of("backing device " + device + " cannot be examined: " + e);
    }
  }

  private static QuotaSupport probe(
      Path dir, Path device, ProjectQuotas ops, ToIntFunction<Path> probeIdFor) {
    Path probe = dir.resolve(PROBE_PREFIX + UUID.randomUUID());
    try {
      int probeId = probeIdFor.applyAsInt(device);
      Files.createDirectory(probe);
      ops.assignProject(probe, probeId);
      if (ops.projectId(probe) != probeId) {
        return off("probe: " + probe + " did not keep project id " + probeId);
      }
      Optional<ProjectQuotas.Quota> q = ops.quota(device, probeId);
      if (q.isEmpty() || q.get().inodesUsed() < 1) {
        return off("probe: project " + probeId + " on " + device + " is not charged for " + probe);
      }
      // Writing limits needs CAP_SYS_ADMIN; zero limits leave the probe project as it was.
      ops.setLimits(device, probeId, 0, 0);
      return on(device);
    } catch (TesseraException | IOException | IllegalStateException e) {
      return off("probe on " + device + " failed: " + e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(probe);
      } catch (IOException e) {
        // Swept with the other .tmp- entries at the next start.
      }
    }
  }
}
