package io.tessera.storage.snapshot;

import io.tessera.kernel.mount.MountSpec;
import io.tessera.kernel.mount.Mounter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A prepared snapshot: how to mount it and where its layers are.
 *
 * <p>When {@code workingDir} is present, the paths in {@code mount} are relative to it and the
 * mount must be performed with {@link Mounter#mount(MountSpec, Path, Path)} from there; {@link
 * #mountOn} does the right call.
 *
 * @param key the snapshot's key
 * @param mount the overlay to mount as the container's root file system
 * @param workingDir the directory relative {@code mount} paths resolve against, if any
 * @param upperDir the writable layer (overlayfs upperdir)
 * @param lowerDirs the image's layers, base layer first, absolute
 */
public record Snapshot(
    String key, MountSpec mount, Optional<Path> workingDir, Path upperDir, List<Path> lowerDirs) {

  public Snapshot {
    SnapshotKeys.check(key);
    if (mount == null || workingDir == null || upperDir == null) {
      throw new IllegalArgumentException(
          "snapshot " + key + ": mount, workingDir, upperDir needed");
    }
    lowerDirs = List.copyOf(lowerDirs);
  }

  /**
   * Mounts this snapshot on {@code target} with {@code mounter}, from {@code workingDir} if set.
   */
  public void mountOn(Mounter mounter, Path target) {
    if (workingDir.isPresent()) {
      mounter.mount(mount, target, workingDir.get());
    } else {
      mounter.mount(mount, target);
    }
  }
}
