package io.tessera.kernel.mount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code /proc/<pid>/mountinfo} (proc(5)): the mount as the kernel sees it.
 *
 * <p>Parsing is a pure function of the text so it can be tested on samples; {@link #current()}
 * reads this process's view.
 */
public record MountInfo(
    int mountId,
    int parentId,
    String device,
    String root,
    String mountPoint,
    String mountOptions,
    List<String> optionalFields,
    String fsType,
    String source,
    String superOptions) {

  public MountInfo {
    optionalFields = List.copyOf(optionalFields);
  }

  /** The mounts of the calling process's mount namespace. */
  public static List<MountInfo> current() {
    try {
      return parse(Files.readString(Path.of("/proc/self/mountinfo")));
    } catch (IOException e) {
      throw new UncheckedIOException("read /proc/self/mountinfo", e);
    }
  }

  /**
   * Parses mountinfo text.
   *
   * @throws IllegalArgumentException on a line that does not have the documented shape
   */
  public static List<MountInfo> parse(String text) {
    List<MountInfo> mounts = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        mounts.add(parseLine(line));
      }
    }
    return mounts;
  }

  static MountInfo parseLine(String line) {
    String[] f = line.trim().split(" ");
    int separator = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        separator = i;
        break;
      }
    }
    if (f.length < 10 || separator < 0 || f.length < separator + 4) {
      throw new IllegalArgumentException("malformed mountinfo line: " + line);
    }
    try {
      return new MountInfo(
          Integer.parseInt(f[0]),
          Integer.parseInt(f[1]),
          f[2],
          unescape(f[3]),
          unescape(f[4]),
          f[5],
          List.of(f).subList(6, separator),
          f[separator + 1],
          unescape(f[separator + 2]),
          f[separator + 3]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed mountinfo line: " + line, e);
    }
  }

  /** The kernel writes space, tab, newline and backslash in paths as three-digit octal escapes. */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
