package io.tessera.sandbox.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The host's device nodes, as the spec builder needs them: one node by path (for CRI devices), the
 * nodes under a directory (a CRI device naming a directory, as containerd allows), and every node
 * under /dev (for privileged containers). An interface so tests can describe devices they cannot
 * create.
 */
public interface HostDevices {
  /**
   * The device node at {@code hostPath}, following symlinks; empty when the path does not exist or
   * is not a character or block device.
   */
  Optional<HostDevice> stat(Path hostPath);

  /** Every character and block device under /dev, sorted by path. */
  List<HostDevice> list();

  /**
   * The character and block devices at any depth under the directory {@code dir} (symlinks not
   * followed), sorted by path; empty when {@code dir} is not a directory. By default those of
   * {@link #list()} below it.
   */
  default List<HostDevice> under(Path dir) {
    return list().stream().filter(d -> Path.of(d.path()).startsWith(dir)).toList();
  }

  /** The real host, read through the JDK's "unix" file attribute view (no native code needed). */
  static HostDevices system() {
    return SystemHostDevices.INSTANCE;
  }
}
