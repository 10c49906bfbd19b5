package io.tessera.sandbox.spec;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.UnimplementedException;
import io.tessera.kernel.mount.MountInfo;
import io.tessera.kernel.oci.spec.Mount;
import io.tessera.kernel.oci.spec.Spec;
import io.tessera.sandbox.model.MountPropagation;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/** Mount assembly for container specs, following containerd's CRI plugin. Stateless. */
final class SpecMounts {
  private SpecMounts() {}

  /**
   * Translates one CRI mount: rbind of the host path (symlinks resolved, so the runtime cannot be
   * sent somewhere else later), its propagation, ro or rw; and the rootfs propagation it needs.
   *
   * @throws InvalidArgumentException for a relative or "/" container path or a missing host path
   */
  static Mount criMount(
      io.tessera.sandbox.model.Mount m, Spec spec, Supplier<List<MountInfo>> hostMounts) {
    if (m.image().isPresent()) {
      throw new UnimplementedException(
          "mount at " + m.containerPath() + ": image volumes are not supported");
    }
    if (!m.uidMappings().isEmpty() || !m.gidMappings().isEmpty()) {
      throw new UnimplementedException(
          "mount at " + m.containerPath() + ": id-mapped mounts are not supported");
    }
    if (m.recursiveReadOnly()) {
      // Needs mount_setattr via the runtime ("rro", runc 1.2+); the runtime handler does not
      // advertise it, so the kubelet should not ask.
      throw new UnimplementedException(
          "mount at " + m.containerPath() + ": recursive read-only mounts are not supported");
    }
    String dest = containerPath(m.containerPath());
    Path source;
    try {
      source = Path.of(m.hostPath()).toRealPath();
    } catch (NoSuchFileException e) {
      throw new InvalidArgumentException(
          "mount at " + dest + ": host path " + m.hostPath() + " does not exist", e);
    } catch (IOException e) {
      throw new InternalException("mount at " + dest + ": resolve host path " + m.hostPath(), e);
    }
    if (m.propagation() != MountPropagation.PRIVATE) {
      requirePropagating(source, m.propagation(), dest, hostMounts.get());
    }
    List<String> options = new ArrayList<>();
    switch (m.propagation()) {
      case PRIVATE -> options.add("rprivate");
      case HOST_TO_CONTAINER -> {
        options.add("rslave");
        if (!"rshared".equals(spec.linux().rootfsPropagation())) {
          spec.linux().rootfsPropagation("rslave");
        }
      }
      case BIDIRECTIONAL -> {
        options.add("rshared");
        spec.linux().rootfsPropagation("rshared");
      }
    }
    options.add(m.readonly() ? "ro" : "rw");
    return Mount.bind(source.toString(), dest, options);
  }

  /**
   * As containerd: rslave only follows a source whose mount is shared or a slave, rshared needs a
   * shared one; otherwise the runtime succeeds and the container silently gets no propagation.
   *
   * @throws FailedPreconditionException when the mount holding {@code source} does not propagate
   */
  static void requirePropagating(
      Path source, MountPropagation propagation, String dest, List<MountInfo> mounts) {
    MountInfo holder = null;
    for (MountInfo mi : mounts) {
      Path point = Path.of(mi.mountPoint().replace("\\040", " "));
      if (source.startsWith(point)
          && (holder == null
              || point.getNameCount() >= Path.of(holder.mountPoint()).getNameCount())) {
        holder = mi;
      }
    }
    if (holder == null) {
      throw new FailedPreconditionException("mount at " + dest + ": no host mount holds " + source);
    }
    boolean shared = holder.optionalFields().stream().anyMatch(f -> f.startsWith("shared:"));
    boolean slave = holder.optionalFields().stream().anyMatch(f -> f.startsWith("master:"));
    if (propagation == MountPropagation.BIDIRECTIONAL && !shared) {
      throw new FailedPreconditionException(
          "mount at "
              + dest
              + ": bidirectional propagation needs host path "
              + source
              + " on a shared mount, but "
              + holder.mountPoint()
              + " is not shared");
    }
    if (propagation == MountPropagation.HOST_TO_CONTAINER && !shared && !slave) {
      throw new FailedPreconditionException(
          "mount at "
              + dest
              + ": host-to-container propagation needs host path "
              + source
              + " on a shared or slave mount, but "
              + holder.mountPoint()
              + " is private");
    }
  }

  /** A pod file (hosts, resolv.conf, hostname, shm) bind-mounted private. */
  static Mount podFile(Path source, String dest, boolean readonly) {
    return Mount.bind(source.toString(), dest, List.of("rprivate", readonly ? "ro" : "rw"));
  }

  static String containerPath(String p) {
    if (!p.startsWith("/")) {
      throw new InvalidArgumentException("mount container path '" + p + "' must be absolute");
    }
    String n = Path.of(p).normalize().toString();
    if (n.equals("/")) {
      throw new InvalidArgumentException("mount container path '" + p + "' must not be /");
    }
    return n;
  }

  /**
   * Stable sort by depth, so a mount comes after the mounts of its parents whatever order they were
   * given in, and mounts of equal depth keep their order.
   */
  static List<Mount> sorted(List<Mount> mounts) {
    List<Mount> out = new ArrayList<>(mounts);
    out.sort(Comparator.comparingInt(m -> Path.of(m.destination()).normalize().getNameCount()));
    return out;
  }

  static boolean sameDestination(Mount a, String dest) {
    return Path.of(a.destination()).normalize().equals(Path.of(dest).normalize());
  }
}
