package io.tessera.kernel.fs;

import java.io.IOException;

/**
 * A failed system call: which call, on what, and the errno it returned. Carried as the cause of the
 * domain exception that {@link FileOps} throws, for callers that need the exact errno.
 */
public final class ErrnoException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String syscall;
  private final int errno;

  public ErrnoException(String syscall, String object, int errno, String strerror) {
    super(syscall + " " + object + ": " + strerror + " (errno " + errno + ")");
    this.syscall = syscall;
    this.errno = errno;
  }

  /** The name of the failed call, e.g. {@code lsetxattr}. */
  public String syscall() {
    return syscall;
  }

  /** The errno value the call failed with. */
  public int errno() {
    return errno;
  }
}
