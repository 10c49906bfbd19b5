package io.tessera.kernel.proc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The OOM killer adjustment (proc(5), /proc/[pid]/oom_score_adj, -1000..1000).
 *
 * <p>Lowering it needs CAP_SYS_RESOURCE; without it (as on hosts where the daemon runs in a
 * restricted sandbox) the kernel refuses with EACCES, and an OCI runtime asked to lower a
 * container's value fails the whole create. So requested values are clamped to what this process
 * may set: never below its own current value (containerd's restrict_oom_score_adj does the same).
 */
public final class OomScoreAdj {
  public static final int MIN = -1000;
  public static final int MAX = 1000;

  private OomScoreAdj() {}

  /** This process's current value. */
  public static int current() {
    Path file = Path.of("/proc/self/oom_score_adj");
    try {
      return Integer.parseInt(Files.readString(file).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file, e);
    }
  }

  /** {@code preferred} within -1000..1000 and not below {@code current}; pure. */
  public static int restrict(int preferred, int current) {
    int bounded = Math.max(MIN, Math.min(MAX, preferred));
    return Math.max(bounded, current);
  }

  /** {@link #restrict(int, int)} against this process's current value. */
  public static int restrict(int preferred) {
    return restrict(preferred, current());
  }
}
