package io.tessera.kernel.fs;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.TesseraException;
import io.tessera.kernel.jna.Errno;
import io.tessera.kernel.jna.LibcLoop;
import io.tessera.kernel.jna.SyscallException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@link LoopDevices} over {@code /dev/loop-control} and the loop ioctls ({@link LibcLoop}), not
 * {@code losetup}: two ioctls per attach instead of a process, and with the fd kept open until the
 * caller has mounted, autoclear cannot free the device before the mount holds it (losetup closes
 * its fd on exit, so an autoclear device attached by it would be gone before the mount).
 *
 * <p>Stateless and thread-safe; device nodes come from devtmpfs ({@code /dev/loopN} appears when
 * the control device allocates N).
 */
public final class LoopDevicesJna implements LoopDevices {
  static final Path CONTROL = Path.of("/dev/loop-control");

  /** A free device can be taken by another process before it is configured; try a few. */
  private static final int ATTEMPTS = 8;

  @Override
  public Optional<String> unusableReason() {
    try {
      LibcLoop.close(LibcLoop.openReadWrite(CONTROL.toString()));
      return Optional.empty();
    } catch (SyscallException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public Attached attach(Path image) {
    int backing;
    try {
      backing = LibcLoop.openReadWrite(image.toString());
    } catch (SyscallException e) {
      throw domain("attach " + image + " to a loop device", e);
    }
    try {
      SyscallException last = null;
      for (int i = 0; i < ATTEMPTS; i++) {
        Path device = Path.of("/dev/loop" + freeDevice(image));
        if (!Files.exists(device)) {
          throw new FailedPreconditionException(
              "attach " + image + ": " + device + " has no device node (is /dev a devtmpfs?)");
        }
        int loop;
        try {
          loop = LibcLoop.openReadWrite(device.toString());
        } catch (SyscallException e) {
          throw domain("attach " + image + " to " + device, e);
        }
        try {
          LibcLoop.configureAutoclear(loop, backing, device.toString());
          return new Handle(device, loop);
        } catch (SyscallException e) {
          LibcLoop.close(loop);
          if (e.errno() != Errno.EBUSY) {
            throw domain("attach " + image + " to " + device, e);
          }
          last = e;
        }
      }
      throw new InternalException(
          "attach " + image + ": every free loop device was taken first", last);
    } finally {
      // The loop device holds its own reference to the file.
      LibcLoop.close(backing);
    }
  }

  private static int freeDevice(Path image) {
    int control;
    try {
      control = LibcLoop.openReadWrite(CONTROL.toString());
    } catch (SyscallException e) {
      throw domain("attach " + image + ": no loop control device", e);
    }
    try {
      return LibcLoop.getFree(control);
    } catch (SyscallException e) {
      throw domain("attach " + image + ": no free loop device", e);
    } finally {
      LibcLoop.close(control);
    }
  }

  private static TesseraException domain(String what, SyscallException e) {
    String message = what + ": " + e.getMessage();
    return switch (e.errno()) {
      case Errno.EPERM, Errno.EACCES, Errno.ENOENT -> new FailedPreconditionException(message, e);
      default -> new InternalException(message, e);
    };
  }

  private static final class Handle implements Attached {
    private final Path device;
    private int fd;

    Handle(Path device, int fd) {
      this.device = device;
      this.fd = fd;
    }

    @Override
    public Path device() {
      return device;
    }

    @Override
    public synchronized void close() {
      if (fd >= 0) {
        LibcLoop.close(fd);
        fd = -1;
      }
    }
  }
}
