package io.tessera.kernel.proc;

import io.tessera.kernel.jna.LibcIo;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Kills a process and all its descendants without letting any of them escape by forking or by being
 * reparented first.
 *
 * <p>Every process of the tree is stopped with SIGSTOP (a stopped process cannot fork), the tree is
 * walked again until no new process appears, and only then is each one sent SIGKILL. Killing the
 * root first would let its children be reparented (to a subreaper or the pid namespace's init),
 * where a walk from the root no longer finds them. Descendants are found through /proc (the JDK's
 * {@link ProcessHandle#descendants()}), which works for processes that are not the JVM's children.
 * A process that left the tree before the first walk (a daemon that double-forked) is not found.
 *
 * <p>Stateless and thread-safe.
 */
public final class ProcessTree {
  static final int SIGKILL = 9;
  static final int SIGSTOP = 19;

  private static final int MAX_WALKS = 50;

  private ProcessTree() {}

  /**
   * Stops then kills {@code pid} and every descendant; returns the pids that were signalled. A
   * process that is already gone is fine.
   */
  public static Set<Long> kill(long pid) {
    Set<Long> frozen = new LinkedHashSet<>();
    for (int walk = 0; walk < MAX_WALKS; walk++) {
      Set<Long> found = walk(pid);
      found.removeAll(frozen);
      if (found.isEmpty()) {
        break;
      }
      for (long p : found) {
        if (LibcIo.kill(p, SIGSTOP)) {
          frozen.add(p);
        }
      }
    }
    for (long p : frozen) {
      LibcIo.kill(p, SIGKILL);
    }
    return frozen;
  }

  private static Set<Long> walk(long pid) {
    Set<Long> pids = new LinkedHashSet<>();
    ProcessHandle.of(pid)
        .ifPresent(
            root -> {
              pids.add(root.pid());
              root.descendants().forEach(d -> pids.add(d.pid()));
            });
    return pids;
  }
}
