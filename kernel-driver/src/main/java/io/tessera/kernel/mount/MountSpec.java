package io.tessera.kernel.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A mount as a snapshotter describes it, containerd style: filesystem type, source and a list of
 * options mixing flags ({@code ro}, {@code nosuid}, {@code rbind}, ...) with filesystem data
 * ({@code lowerdir=...}). {@link Mounter#mount(MountSpec, Path)} sorts them apart.
 *
 * <p>Examples: {@code overlay / overlay / [lowerdir=/l2:/l1, upperdir=/u, workdir=/w]}, {@code bind
 * / /src / [rbind, ro]}.
 */
public record MountSpec(String type, String source, List<String> options) {

  public MountSpec {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("mount type is empty");
    }
    if (source == null || source.isEmpty()) {
      throw new IllegalArgumentException("mount source is empty");
    }
    options = List.copyOf(options);
    for (String option : options) {
      if (option.isEmpty() || option.indexOf(',') >= 0) {
        throw new IllegalArgumentException(
            "mount option must be non-empty and free of commas: '" + option + "'");
      }
    }
  }

  /**
   * An overlay of {@code lowerdirs} (topmost first, as overlayfs lists them) under a writable
   * {@code upperdir}/{@code workdir}. Paths may be relative when the mount is performed with a
   * working directory.
   */
  public static MountSpec overlay(List<Path> lowerdirs, Path upperdir, Path workdir) {
    if (lowerdirs.isEmpty()) {
      throw new IllegalArgumentException("overlay needs at least one lowerdir");
    }
    List<String> options = new ArrayList<>();
    options.add("lowerdir=" + join(lowerdirs));
    if (upperdir != null) {
      options.add("upperdir=" + upperdir);
      options.add("workdir=" + workdir);
    }
    return new MountSpec("overlay", "overlay", options);
  }

  /** A read-only overlay without upper layer (a view of an image). */
  public static MountSpec readOnlyOverlay(List<Path> lowerdirs) {
    if (lowerdirs.size() < 2) {
      // overlayfs needs two lowerdirs without an upper; one layer is a read-only bind instead.
      return bind(lowerdirs.get(0), true);
    }
    return overlay(lowerdirs, null, null);
  }

  /** A recursive bind mount of {@code source}, optionally read-only. */
  public static MountSpec bind(Path source, boolean readOnly) {
    return new MountSpec(
        "bind", source.toString(), readOnly ? List.of("rbind", "ro") : List.of("rbind", "rw"));
  }

  private static String join(List<Path> dirs) {
    StringBuilder out = new StringBuilder();
    for (Path dir : dirs) {
      String s = dir.toString();
      if (s.indexOf(':') >= 0 || s.indexOf(',') >= 0) {
        throw new IllegalArgumentException("overlay layer path has ':' or ',': " + s);
      }
      if (out.length() > 0) {
        out.append(':');
      }
      out.append(s);
    }
    return out.toString();
  }
}
