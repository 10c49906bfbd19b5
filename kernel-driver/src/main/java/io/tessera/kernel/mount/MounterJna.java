package io.tessera.kernel.mount;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.jna.Errno;
import io.tessera.kernel.jna.LibcMounts;
import io.tessera.kernel.jna.LibcNamespaces;
import io.tessera.kernel.jna.SyscallException;
import io.tessera.kernel.proc.DedicatedThread;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Mounter} on mount(2) and umount2(2). */
public final class MounterJna implements Mounter {
  private static final Logger LOG = LoggerFactory.getLogger(MounterJna.class);

  /**
   * mount(2) copies at most one page of data (copy_mount_options); the smallest page on the
   * platforms Tessera runs on is 4 KiB, and the string needs its terminating NUL.
   */
  static final int MAX_DATA_BYTES = 4095;

  @Override
  public void mount(String source, Path target, String fstype, long flags, String data) {
    checkDataLength(data, target);
    call(
        "mount " + (fstype == null ? source : fstype) + " on " + target,
        () -> LibcMounts.mount(source, target.toString(), fstype, flags, data));
  }

  @Override
  public void bind(Path source, Path target, boolean recursive) {
    long flags = LibcMounts.MS_BIND | (recursive ? LibcMounts.MS_REC : 0);
    call(
        "bind " + source + " on " + target,
        () -> LibcMounts.mount(source.toString(), target.toString(), null, flags, null));
  }

  @Override
  public void remountReadOnly(Path target) {
    long keep = currentPerMountFlags(target);
    call(
        "remount " + target + " read-only",
        () ->
            LibcMounts.mount(
                null,
                target.toString(),
                null,
                LibcMounts.MS_REMOUNT | LibcMounts.MS_BIND | LibcMounts.MS_RDONLY | keep,
                null));
  }

  /**
   * A bind remount replaces all per-mount flags, so the ones the mount has must be passed again
   * (dropping a locked one such as nosuid is also refused with EPERM in a user namespace).
   */
  private static long currentPerMountFlags(Path target) {
    String point = target.toAbsolutePath().normalize().toString();
    MountInfo top = null;
    for (MountInfo m : MountInfo.current()) {
      if (m.mountPoint().equals(point)) {
        top = m; // later lines are mounted on top of earlier ones
      }
    }
    if (top == null) {
      throw new NotFoundException("remount " + target + " read-only: not a mount point");
    }
    long flags = 0;
    for (String option : top.mountOptions().split(",")) {
      switch (option) {
        case "nosuid" -> flags |= LibcMounts.MS_NOSUID;
        case "nodev" -> flags |= LibcMounts.MS_NODEV;
        case "noexec" -> flags |= LibcMounts.MS_NOEXEC;
        case "noatime" -> flags |= LibcMounts.MS_NOATIME;
        case "nodiratime" -> flags |= LibcMounts.MS_NODIRATIME;
        case "relatime" -> flags |= LibcMounts.MS_RELATIME;
        case "nosymfollow" -> flags |= LibcMounts.MS_NOSYMFOLLOW;
        default -> {}
      }
    }
    return flags;
  }

  @Override
  public boolean unmount(Path target, boolean detach) {
    try {
      LibcMounts.umount2(target.toString(), detach ? LibcMounts.MNT_DETACH : 0);
      return true;
    } catch (SyscallException e) {
      if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) {
        return false;
      }
      if (e.errno() == Errno.EBUSY) {
        throw new FailedPreconditionException("unmount " + target + ": busy", e);
      }
      throw new InternalException("unmount " + target, e);
    }
  }

  @Override
  public int unmountAll(Path root) {
    String prefix = root.toAbsolutePath().normalize().toString();
    List<String> points = new ArrayList<>();
    for (MountInfo m : MountInfo.current()) {
      String p = m.mountPoint();
      if (p.equals(prefix) || p.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
        points.add(p);
      }
    }
    // Deepest first; a point listed twice (stacked mounts) is unmounted twice.
    points.sort(Comparator.comparingInt(String::length).reversed());
    int removed = 0;
    for (String point : points) {
      if (unmount(Path.of(point), true)) {
        removed++;
      }
    }
    return removed;
  }

  @Override
  public boolean isMountPoint(Path path) {
    Path real;
    try {
      real = path.toRealPath();
    } catch (IOException e) {
      return false;
    }
    String point = real.toString();
    return MountInfo.current().stream().anyMatch(m -> m.mountPoint().equals(point));
  }

  @Override
  public void mount(MountSpec spec, Path target) {
    MountOptions options = MountOptions.parse(spec.options());
    if (dataBytes(options.data()) > MAX_DATA_BYTES) {
      Optional<Relative> relative = relativeOverlay(spec);
      if (relative.isPresent()
          && dataBytes(MountOptions.parse(relative.get().spec().options()).data())
              <= MAX_DATA_BYTES) {
        LOG.debug("overlay data too long, mounting relative to {}", relative.get().dir());
        mount(relative.get().spec(), target, relative.get().dir());
        return;
      }
      throw tooLong(spec, options.data(), target);
    }
    mountSpec(spec, options, target);
  }

  @Override
  public void mount(MountSpec spec, Path target, Path workingDir) {
    MountOptions options = MountOptions.parse(spec.options());
    if (dataBytes(options.data()) > MAX_DATA_BYTES) {
      throw tooLong(spec, options.data(), target);
    }
    Path absTarget = target.toAbsolutePath();
    try {
      DedicatedThread.call(
          "mount-in-dir",
          () -> {
            try {
              LibcNamespaces.unshare(LibcNamespaces.CLONE_FS);
              LibcMounts.chdir(workingDir.toString());
            } catch (SyscallException e) {
              throw new InternalException(
                  "mount " + spec.type() + " on " + target + ": enter " + workingDir, e);
            }
            mountSpec(spec, options, absTarget);
            return null;
          });
    } catch (TesseraException e) {
      throw e;
    } catch (Exception e) {
      throw new InternalException("mount " + spec.type() + " on " + target, e);
    }
  }

  private void mountSpec(MountSpec spec, MountOptions options, Path target) {
    String t = target.toString();
    String what = "mount " + spec.type() + " " + spec.source() + " on " + target;
    String data = options.data().isEmpty() ? null : options.data();
    if (options.isRemount()) {
      call(what, () -> LibcMounts.mount(null, t, null, options.flags(), data));
      return;
    }
    boolean bind = options.isBind() || spec.type().equals("bind") || spec.type().equals("rbind");
    if (bind) {
      long flags =
          LibcMounts.MS_BIND
              | (options.flags() & LibcMounts.MS_REC)
              | (spec.type().equals("rbind") ? LibcMounts.MS_REC : 0);
      call(what, () -> LibcMounts.mount(spec.source(), t, null, flags, null));
    } else {
      call(what, () -> LibcMounts.mount(spec.source(), t, spec.type(), options.flags(), data));
    }
    try {
      long perMount = options.flags() & MountOptions.BIND_REMOUNT_FLAGS;
      if (bind && perMount != 0) {
        call(
            what + ": apply " + spec.options(),
            () ->
                LibcMounts.mount(
                    null, t, null, LibcMounts.MS_REMOUNT | LibcMounts.MS_BIND | perMount, null));
      }
      if (options.propagation() != 0) {
        call(
            what + ": set propagation",
            () -> LibcMounts.mount(null, t, null, options.propagation(), null));
      }
    } catch (RuntimeException e) {
      try {
        LibcMounts.umount2(t, LibcMounts.MNT_DETACH);
      } catch (SyscallException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
  }

  record Relative(Path dir, MountSpec spec) {}

  /** The overlay with lowerdir/upperdir/workdir rewritten relative to their common parent. */
  static Optional<Relative> relativeOverlay(MountSpec spec) {
    if (!spec.type().equals("overlay")) {
      return Optional.empty();
    }
    List<Path> all = new ArrayList<>();
    for (String option : spec.options()) {
      String value = overlayDirValue(option);
      if (value != null) {
        for (String dir : value.split(":")) {
          Path p = Path.of(dir);
          if (!p.isAbsolute()) {
            return Optional.empty();
          }
          all.add(p.normalize());
        }
      }
    }
    if (all.isEmpty()) {
      return Optional.empty();
    }
    Path common = all.get(0).getParent();
    for (Path p : all) {
      while (common != null && !p.startsWith(common)) {
        common = common.getParent();
      }
    }
    if (common == null) {
      return Optional.empty();
    }
    List<String> rewritten = new ArrayList<>();
    for (String option : spec.options()) {
      String value = overlayDirValue(option);
      if (value == null) {
        rewritten.add(option);
        continue;
      }
      String key = option.substring(0, option.indexOf('='));
      List<String> dirs = new ArrayList<>();
      for (String dir : value.split(":")) {
        dirs.add(common.relativize(Path.of(dir).normalize()).toString());
      }
      rewritten.add(key + "=" + String.join(":", dirs));
    }
    return Optional.of(new Relative(common, new MountSpec(spec.type(), spec.source(), rewritten)));
  }

  private static String overlayDirValue(String option) {
    for (String key : List.of("lowerdir=", "upperdir=", "workdir=")) {
      if (option.startsWith(key)) {
        return option.substring(key.length());
      }
    }
    return null;
  }

  private static int dataBytes(String data) {
    return data == null ? 0 : data.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void checkDataLength(String data, Path target) {
    if (dataBytes(data) > MAX_DATA_BYTES) {
      throw new InvalidArgumentException(
          "mount on "
              + target
              + ": data is "
              + dataBytes(data)
              + " bytes, mount(2) takes at most "
              + MAX_DATA_BYTES);
    }
  }

  private static InvalidArgumentException tooLong(MountSpec spec, String data, Path target) {
    return new InvalidArgumentException(
        "mount "
            + spec.type()
            + " on "
            + target
            + ": data is "
            + dataBytes(data)
            + " bytes, mount(2) takes at most "
            + MAX_DATA_BYTES
            + "; use shorter (relative) layer paths and a working directory");
  }

  private static void call(String what, Runnable syscall) {
    try {
      syscall.run();
    } catch (SyscallException e) {
      if (e.errno() == Errno.ENOENT) {
        throw new NotFoundException(what + ": source or target does not exist", e);
      }
      throw new InternalException(what, e);
    }
  }
}
