package io.tessera.sandbox.spec;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Objects;

/**
 * A device node on the host as stat(2) shows it.
 *
 * @param path the node's path on the host (symlinks already resolved)
 * @param type "c" (character) or "b" (block)
 * @param fileMode permission bits only (e.g. 0666)
 */
public record HostDevice(
    String path, String type, long major, long minor, int fileMode, long uid, long gid) {
  public HostDevice {
    Objects.requireNonNull(path, "device path");
    if (!"c".equals(type) && !"b".equals(type)) {
      throw new InvalidArgumentException(
          "device " + path + " type '" + type + "' is neither c nor b");
    }
  }
}
