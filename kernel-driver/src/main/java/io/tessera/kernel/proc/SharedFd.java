package io.tessera.kernel.proc;

import io.tessera.kernel.jna.LibcSys;

/**
 * Raw file descriptors that concurrent calls use and one {@link #close} releases, never under a
 * call still in flight: a blocked read(2) or recv(2) on an fd number the kernel has already handed
 * to someone else would read their data.
 *
 * <p>Each call brackets its use of the fds with {@link #enter()} and, when that returned true,
 * {@link #exit()} (in a finally). {@link #close} marks the set closed, runs the owner's wake-up
 * (which must make blocked calls return) and closes the fds at once if idle, else when the last
 * call in flight exits. Thread-safe; close is idempotent. The fds are owned from construction on.
 */
public final class SharedFd {
  private final int[] fds;
  private final Object lock = new Object();
  private int inFlight;
  private boolean closed;
  private boolean released;

  /** Owns {@code fds}; {@link #fd()} is the first, all are closed together, in this order. */
  public SharedFd(int... fds) {
    if (fds.length == 0) {
      throw new IllegalArgumentException("SharedFd needs at least one fd");
    }
    this.fds = fds.clone();
  }

  /** The main fd, for calls made between {@link #enter()} and {@link #exit()}. */
  public int fd() {
    return fds[0];
  }

  /** Starts a call: false once closed, and then the caller must not touch the fds nor exit. */
  public boolean enter() {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      inFlight++;
      return true;
    }
  }

  /**
   * Ends a call that {@link #enter()} admitted; releases the fds if it was the last after close.
   */
  public void exit() {
    synchronized (lock) {
      inFlight--;
      releaseIfIdle();
    }
  }

  public boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /**
   * Closes the set: on the first call only, runs {@code wakeUp} (under the lock, with the fds still
   * open) to make calls in flight return, then releases the fds if none is in flight.
   */
  public void close(Runnable wakeUp) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      wakeUp.run();
      releaseIfIdle();
    }
  }

  private void releaseIfIdle() {
    if (closed && inFlight == 0 && !released) {
      released = true;
      for (int fd : fds) {
        LibcSys.closeQuietly(fd);
      }
    }
  }
}
