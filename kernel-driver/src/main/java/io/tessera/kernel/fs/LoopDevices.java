package io.tessera.kernel.fs;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Attaches regular files to loop block devices that detach themselves (LO_FLAGS_AUTOCLEAR): once
 * the {@link Attached} handle is closed and the last mount of the device is gone, the kernel frees
 * the device, so nothing has to remember which device a file was on.
 *
 * <p>Implementations are thread-safe. Failures are domain exceptions naming the call, the file and
 * errno (EACCES/EPERM: {@code FailedPreconditionException}; anything else {@code
 * InternalException}).
 */
public interface LoopDevices {

  /**
   * Why loop devices cannot be used here (no {@code /dev/loop-control}, no permission), or empty
   * when they can. Opens the control device; attaches nothing.
   */
  Optional<String> unusableReason();

  /**
   * Binds {@code image} (read-write) to a free loop device. The caller mounts {@link
   * Attached#device()} and then closes the handle; closing it without a mount frees the device at
   * once.
   */
  Attached attach(Path image);

  /** A loop device held open by this process; {@link #close()} lets autoclear take it. */
  interface Attached extends AutoCloseable {
    /** {@code /dev/loopN}. */
    Path device();

    /** Closes this process's fd on the device; idempotent. */
    @Override
    void close();
  }
}
