package io.tessera.storage.snapshot;

import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Hands out XFS project ids for writable layers. Ids start at {@link #FIRST}, leaving the small ids
 * to administrators ({@code /etc/projid}); each new id is above every id in use or handed out since
 * start-up, so an id freed by a removal is not reused while this daemon runs. After a restart the
 * ids in use are read back from the snapshot directories.
 *
 * <p>Not thread-safe: the snapshotter serializes its callers.
 */
final class ProjectIds {
  static final int FIRST = 100_000;

  private final Set<Integer> inUse = new HashSet<>();
  private int last = FIRST - 1;

  /** Records an id found on disk. */
  void inUse(int id) {
    if (id >= FIRST) {
      inUse.add(id);
      last = Math.max(last, id);
    }
  }

  /**
   * The next id above all others for which {@code free} holds (the caller checks that the file
   * system has nothing charged to it, so that ids some other tool uses are skipped).
   *
   * @throws IllegalStateException when the 32-bit id space is exhausted
   */
  int allocate(IntPredicate free) {
    for (int id = last + 1; id > 0 && id < Integer.MAX_VALUE; id++) {
      last = id;
      if (!inUse.contains(id) && free.test(id)) {
        inUse.add(id);
        return id;
      }
    }
    throw new IllegalStateException("project ids exhausted above " + FIRST);
  }

  /** The id is no longer used by any snapshot. */
  void release(int id) {
    inUse.remove(id);
  }

  boolean isInUse(int id) {
    return inUse.contains(id);
  }
}
