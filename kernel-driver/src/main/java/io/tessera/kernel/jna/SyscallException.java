package io.tessera.kernel.jna;

/**
 * A system call failed; carries the call with its arguments and errno.
 *
 * <p>Unchecked, and deliberately not part of the domain exception family: callers in the other
 * kernel packages know what the call was for and wrap it into a domain exception that says so.
 */
public final class SyscallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  SyscallException(String call, int errno, Throwable cause) {
    super(call + ": " + Errno.describe(errno), cause);
    this.call = call;
    this.errno = errno;
  }

  /** The call with its arguments, e.g. {@code umount2(/x, MNT_DETACH)}. */
  public String call() {
    return call;
  }

  /** The errno the call returned, compare with the {@link Errno} constants. */
  public int errno() {
    return errno;
  }
}
