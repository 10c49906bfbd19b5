package io.tessera.sandbox.seccomp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kernel release reduced to the numbers profiles compare against ("5.10.0-23-amd64" -> 5.10.0).
 */
record KernelVersion(int major, int minor, int patch) implements Comparable<KernelVersion> {
  private static final Pattern RELEASE =
      Pattern.compile("^(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,6}))?");

  KernelVersion {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException("kernel version parts must not be negative");
    }
  }

  /**
   * Parses the leading "major.minor[.patch]" of a release string, as uname -r prints it or as a
   * profile's minKernel gives it; whatever follows (local version, distribution suffix) is ignored.
   *
   * @throws IllegalArgumentException when the text does not start with major.minor
   */
  static KernelVersion parse(String release) {
    Matcher m = RELEASE.matcher(release == null ? "" : release.trim());
    if (!m.find()) {
      throw new IllegalArgumentException(
          "'" + release + "' is not a kernel version (expected major.minor[.patch])");
    }
    int patch = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    return new KernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), patch);
  }

  /** The running kernel: Java's os.version is the uname release on Linux. */
  static KernelVersion host() {
    return parse(System.getProperty("os.version", ""));
  }

  boolean atLeast(KernelVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(KernelVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
