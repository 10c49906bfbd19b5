package io.tessera.kernel.net;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads the interface counters of network namespaces other than the daemon's own, such as pods'
 * pinned namespaces.
 *
 * <p>Thread-safe; the calling thread never changes namespace.
 */
public interface NetDevReader {

  /**
   * The interfaces of each namespace in {@code netnsFiles} (pins or /proc/[pid]/ns/net files), in
   * one pass. A namespace that cannot be read (its file is gone, it is not a network namespace) has
   * no entry; the others are still read.
   */
  Map<Path, List<InterfaceCounters>> read(Collection<Path> netnsFiles);
}
