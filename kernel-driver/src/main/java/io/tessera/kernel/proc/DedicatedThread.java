package io.tessera.kernel.proc;

import java.util.concurrent.Callable;

/**
 * Runs a task on a new platform thread that ends with it.
 *
 * <p>For work that changes per-thread kernel state (unshare(2), setns(2), a private cwd after
 * unshare(CLONE_FS)): such a thread must never run anything else, so it is never pooled. Each Java
 * platform thread is one kernel task, which is what makes the per-thread calls safe.
 */
public final class DedicatedThread {
  private DedicatedThread() {}

  /**
   * Runs {@code task} on a fresh thread named {@code name}, waits for it even if the caller is
   * interrupted (the task may be halfway through a mount that it must finish or undo; the interrupt
   * flag is restored afterwards), and returns its result or throws what it threw.
   */
  public static <T> T call(String name, Callable<T> task) throws Exception {
    Object[] result = new Object[1];
    Throwable[] failure = new Throwable[1];
    Thread thread =
        new Thread(
            () -> {
              try {
                result[0] = task.call();
              } catch (Throwable t) {
                failure[0] = t;
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    // join() gives a happens-before edge, so plain array slots are visible here.
    if (failure[0] != null) {
      Throwable t = failure[0];
      if (t instanceof Exception ex) {
        throw ex;
      }
      throw (Error) t;
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }
}
