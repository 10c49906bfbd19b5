package io.tessera.kernel.mount;

import java.nio.file.Path;

/**
 * Mounts and unmounts in the daemon's mount namespace.
 *
 * <p>Thread-safe. Calls are synchronous: when one returns, the mount exists (or is gone). A call
 * that fails halfway (a bind whose read-only remount fails) unmounts what it mounted.
 */
public interface Mounter {

  /**
   * Plain mount(2) with flags ({@code LibcMounts.MS_*}) and filesystem data; {@code source}, {@code
   * fstype} and {@code data} may be null where mount(2) ignores them.
   *
   * @throws io.tessera.kernel.errors.InvalidArgumentException data over one page
   * @throws io.tessera.kernel.errors.NotFoundException source or target missing
   * @throws io.tessera.kernel.errors.InternalException any other failure
   */
  void mount(String source, Path target, String fstype, long flags, String data);

  /** Bind-mounts {@code source} on {@code target}; {@code recursive} takes submounts along. */
  void bind(Path source, Path target, boolean recursive);

  /**
   * Makes the mount at {@code target} read-only for this mount only (MS_REMOUNT|MS_BIND), keeping
   * its other per-mount flags (nosuid, nodev, noexec, atime).
   */
  void remountReadOnly(Path target);

  /**
   * Unmounts the topmost mount at {@code target}.
   *
   * @param detach lazy unmount (MNT_DETACH): detach now, release once no longer busy
   * @return false if nothing was mounted there (or the path does not exist): idempotent
   * @throws io.tessera.kernel.errors.FailedPreconditionException busy and not {@code detach}
   */
  boolean unmount(Path target, boolean detach);

  /**
   * Lazily unmounts every mount at or below {@code root}, deepest first, stacked ones included.
   *
   * @return how many mounts were removed
   */
  int unmountAll(Path root);

  /** Whether a mount has {@code path} as its mount point (per /proc/self/mountinfo). */
  boolean isMountPoint(Path path);

  /**
   * Mounts a snapshotter's description: options become flags or data ({@link MountSpec}); a bind
   * with ro/nosuid/nodev/noexec gets the remount it needs, a propagation option its own call.
   *
   * <p>If the data exceed the kernel's one-page limit (overlays of many layers), the overlay's
   * directories are rewritten relative to their common parent and the mount is done from there, as
   * with {@link #mount(MountSpec, Path, Path)}; if even that does not fit, it fails.
   *
   * @throws io.tessera.kernel.errors.InvalidArgumentException data too long
   */
  void mount(MountSpec spec, Path target);

  /**
   * Like {@link #mount(MountSpec, Path)}, but relative paths in the data (overlay's lowerdir,
   * upperdir, workdir) resolve against {@code workingDir}: the mount is performed from a dedicated
   * thread that unshared its filesystem context (unshare(CLONE_FS)) and chdir'ed there, so the
   * daemon's other threads keep their cwd. This is how an overlay with many short, relative layer
   * links stays under the one-page limit.
   */
  void mount(MountSpec spec, Path target, Path workingDir);
}
