package io.tessera.e2e.bench;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One CRI runtime the bench drives, started by scripts/bench.sh.
 *
 * @param name {@code tessera} or {@code containerd}
 * @param socket its CRI socket
 * @param daemonPid the daemon's pid (the JVM for tessera)
 * @param marker a string in the command line of every monitor process of this daemon and no other
 *     one's (tessera: its state dir, which conmon's arguments name; containerd: its socket, which
 *     each shim gets as {@code -address})
 */
record RuntimeUnderTest(String name, Path socket, long daemonPid, String marker) {
  RuntimeUnderTest {
    Objects.requireNonNull(name);
    Objects.requireNonNull(socket);
    if (marker == null || marker.isBlank()) {
      throw new IllegalArgumentException("runtime " + name + ": empty process marker");
    }
  }

  /** From {@code bench.NAME.socket}, {@code bench.NAME.pid}, {@code bench.NAME.marker}. */
  static RuntimeUnderTest fromSystemProperties(String name) {
    return new RuntimeUnderTest(
        name,
        Path.of(BenchSettings.required("bench." + name + ".socket")),
        Long.parseLong(BenchSettings.required("bench." + name + ".pid")),
        BenchSettings.required("bench." + name + ".marker"));
  }
}
