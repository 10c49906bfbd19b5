package io.tessera.storage.snapshot;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Writable container file systems over read-only image layers, containerd style: the snapshotter
 * lays out directories and returns a {@link Snapshot} whose {@link Snapshot#mount() mount
 * description} the kernel layer ({@code io.tessera.kernel.mount.Mounter}) performs. It never mounts
 * itself.
 *
 * <p>Keys match {@code [a-zA-Z0-9_.-]{1,128}} and do not start with a dot; any other key is an
 * {@code InvalidArgumentException}. Implementations are thread-safe and survive restarts: a
 * snapshot prepared before is returned by {@link #get} from a new instance over the same root.
 */
public interface Snapshotter {

  /**
   * Space used by a snapshot's writable layer.
   *
   * @param bytes apparent size of all entries, each inode counted once
   * @param inodes distinct inodes, the upper directory itself included
   */
  record Usage(long bytes, long inodes) {}

  /**
   * Creates the writable layer {@code key} over {@code lowerDirsBottomFirst} (the image's unpacked
   * layers, base layer first). Idempotent: preparing an existing key with the same layers returns
   * that snapshot, its contents untouched.
   *
   * @throws io.tessera.kernel.errors.AlreadyExistsException if {@code key} exists with other layers
   * @throws io.tessera.kernel.errors.InvalidArgumentException on a bad key, no layers, a relative
   *     path, or more layers than one mount(2) call can take
   * @throws io.tessera.kernel.errors.NotFoundException if a lower directory does not exist
   */
  default Snapshot prepare(String key, List<Path> lowerDirsBottomFirst) {
    return prepare(key, lowerDirsBottomFirst, 0);
  }

  /**
   * {@link #prepare(String, List)} with the writable layer capped at {@code sizeLimitBytes} by the
   * kernel (writes past it fail with ENOSPC); 0 means no cap. Preparing an existing key needs the
   * same layers and the same cap.
   *
   * @throws io.tessera.kernel.errors.InvalidArgumentException also when a cap is asked for and
   *     {@link #quotaSupport()} is off (the message gives the reason), or the cap is negative
   */
  Snapshot prepare(String key, List<Path> lowerDirsBottomFirst, long sizeLimitBytes);

  /** Whether {@link #prepare(String, List, long)} can cap a writable layer here, and why not. */
  QuotaSupport quotaSupport();

  /** The snapshot {@code key}, empty if there is none. */
  Optional<Snapshot> get(String key);

  /** The keys of all snapshots, sorted. */
  List<String> list();

  /**
   * Removes the snapshot {@code key} and everything in its writable layer. Idempotent: an absent
   * key is not an error.
   *
   * @throws io.tessera.kernel.errors.FailedPreconditionException if its overlay, or anything else
   *     under its directory, is still mounted
   */
  void remove(String key);

  /**
   * Bytes and inodes in the writable layer of {@code key}, by walking it.
   *
   * @throws io.tessera.kernel.errors.NotFoundException if there is no such snapshot
   */
  Usage usage(String key);
}
