package io.tessera.kernel.cgroup;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Names of the systemd cgroup driver: a pod is a slice, a container a scope in it, in the forms
 * runc's {@code --systemd-cgroup} takes ({@code linux.cgroupsPath = "SLICE:PREFIX:NAME"}, the scope
 * being {@code PREFIX-NAME.scope}, created by runc over D-Bus). Pure, except {@link
 * #systemdBooted}.
 *
 * <p>A slice name encodes its place in the tree with dashes: {@code kubepods-burstable-pod1.slice}
 * is {@code /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice} in cgroupfs;
 * {@code -.slice} is the root slice.
 */
public final class SystemdCgroupNames {
  /** Where pods go that the kubelet gave no CgroupParent. */
  public static final String DEFAULT_PARENT_SLICE = "tessera.slice";

  /** The prefix of container scopes: {@code tessera-<container id>.scope}. */
  public static final String SCOPE_PREFIX = "tessera";

  /** sd_booted(3): systemd creates this directory early at boot when it is PID 1. */
  public static final Path SYSTEMD_RUNTIME_DIR = Path.of("/run/systemd/system");

  private static final String ROOT_SLICE = "-.slice";

  /** systemd's unit name characters (unit_name_is_valid); '/' is never one. */
  private static final Pattern UNIT_CHARS = Pattern.compile("[A-Za-z0-9:_.\\\\-]+");

  /** A pod id in a slice name: no dash (it would make a parent slice) and no dot. */
  private static final Pattern POD_ID = Pattern.compile("[A-Za-z0-9_]+");

  /** A container id in a scope name. */
  private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

  private SystemdCgroupNames() {}

  private static void checkContainerId(String id) {
    if (id == null || !CONTAINER_ID.matcher(id).matches()) {
      throw new InvalidArgumentException("container id \"" + id + "\" cannot name a systemd scope");
    }
  }

  /**
   * The pod's slice: with the systemd driver the kubelet's CgroupParent already is the pod's slice
   * (e.g. {@code kubepods-besteffort-pod<uid>.slice}); without one it is {@code
   * tessera-pod<id>.slice} under {@link #DEFAULT_PARENT_SLICE}.
   *
   * @throws InvalidArgumentException a CgroupParent that is not a slice name (a cgroupfs path is
   *     what a kubelet with the other driver sends: the drivers must match)
   */
  public static String podSlice(String cgroupParent, String podId) {
    if (cgroupParent == null || cgroupParent.isBlank()) {
      if (!POD_ID.matcher(podId).matches()) {
        throw new InvalidArgumentException(
            "pod id \"" + podId + "\" cannot name a slice (letters, digits, _ only)");
      }
      return "tessera-pod" + podId + ".slice";
    }
    return validateSlice(cgroupParent);
  }

  /**
   * Checks a slice unit name.
   *
   * @throws InvalidArgumentException no {@code .slice} suffix, a '/', characters systemd refuses,
   *     or dashes that name no parent (leading, trailing, doubled)
   */
  public static String validateSlice(String slice) {
    if (slice.equals(ROOT_SLICE)) {
      return slice;
    }
    if (!slice.endsWith(".slice") || slice.length() == ".slice".length()) {
      throw new InvalidArgumentException(
          "cgroup parent \""
              + slice
              + "\" is not a systemd slice name (NAME.slice); is the kubelet using the cgroupfs"
              + " driver while Tessera uses systemd?");
    }
    String stem = slice.substring(0, slice.length() - ".slice".length());
    if (!UNIT_CHARS.matcher(stem).matches()) {
      throw new InvalidArgumentException(
          "slice \"" + slice + "\" has characters systemd does not allow in a unit name");
    }
    if (stem.startsWith("-") || stem.endsWith("-") || stem.contains("--")) {
      throw new InvalidArgumentException(
          "slice \"" + slice + "\": a dash separates parent slices, it cannot lead, end or repeat");
    }
    return slice;
  }

  /** The cgroupfs path of a slice, each dash-separated prefix a parent slice. */
  public static String slicePath(String slice) {
    validateSlice(slice);
    if (slice.equals(ROOT_SLICE)) {
      return "/";
    }
    String stem = slice.substring(0, slice.length() - ".slice".length());
    StringBuilder path = new StringBuilder();
    int dash = -1;
    while ((dash = stem.indexOf('-', dash + 1)) >= 0) {
      path.append('/').append(stem, 0, dash).append(".slice");
    }
    return path.append('/').append(slice).toString();
  }

  /** The container's scope unit. */
  public static String scopeUnit(String containerId) {
    checkContainerId(containerId);
    return SCOPE_PREFIX + "-" + containerId + ".scope";
  }

  /** {@code linux.cgroupsPath} for runc with {@code --systemd-cgroup}. */
  public static String runcCgroupsPath(String slice, String containerId) {
    checkContainerId(containerId);
    return validateSlice(slice) + ":" + SCOPE_PREFIX + ":" + containerId;
  }

  /** The cgroupfs path of the container's scope, where its limits and counters are read. */
  public static String scopePath(String slice, String containerId) {
    String parent = slicePath(slice);
    return (parent.equals("/") ? "" : parent) + "/" + scopeUnit(containerId);
  }

  /**
   * Whether systemd runs this host as PID 1, as sd_booted(3) decides: {@code runtimeDir} (normally
   * {@link #SYSTEMD_RUNTIME_DIR}) is a directory.
   */
  public static boolean systemdBooted(Path runtimeDir) {
    return Files.isDirectory(runtimeDir);
  }
}
