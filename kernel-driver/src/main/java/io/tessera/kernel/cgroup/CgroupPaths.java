package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;

/** Validation of cgroup paths as the cgroupfs driver takes them: {@code /pod/container}. */
final class CgroupPaths {
  private CgroupPaths() {}

  /**
   * Checks that {@code cgroupPath} is absolute, below the root and plain (no empty, {@code .} or
   * {@code ..} segments), so that it can never name the root or escape the hierarchy.
   *
   * @throws InvalidArgumentException otherwise
   */
  static String validate(String cgroupPath) {
    if (cgroupPath == null || !cgroupPath.startsWith("/") || cgroupPath.length() < 2) {
      throw new InvalidArgumentException(
          "cgroup path must be absolute and below the root: " + cgroupPath);
    }
    String trimmed =
        cgroupPath.endsWith("/") ? cgroupPath.substring(0, cgroupPath.length() - 1) : cgroupPath;
    for (String segment : trimmed.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new InvalidArgumentException("cgroup path has an empty, . or .. part: " + cgroupPath);
      }
      if (segment.indexOf('\0') >= 0 || segment.indexOf('\n') >= 0) {
        throw new InvalidArgumentException("cgroup path has a NUL or newline: " + cgroupPath);
      }
    }
    return trimmed;
  }

  static Path resolve(Path mountPoint, String cgroupPath) {
    return mountPoint.resolve(validate(cgroupPath).substring(1));
  }
}
