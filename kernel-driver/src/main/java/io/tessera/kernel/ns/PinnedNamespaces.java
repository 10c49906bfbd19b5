package io.tessera.kernel.ns;

import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Namespaces kept alive by bind mounts of their nsfs files, one file per type in {@code dir} (named
 * after {@link NsType#procName()}), so that a pod's containers can join them by path and no process
 * has to hold them.
 *
 * <p>The value can be rebuilt from the directory alone ({@link #inDirectory}), which is how an
 * owner recovers it after a restart.
 */
public record PinnedNamespaces(Path dir, Map<NsType, Path> paths) {

  public PinnedNamespaces {
    if (!dir.isAbsolute()) {
      throw new IllegalArgumentException("pin directory must be absolute: " + dir);
    }
    EnumMap<NsType, Path> copy = new EnumMap<>(NsType.class);
    copy.putAll(paths);
    paths = Collections.unmodifiableMap(copy);
  }

  /** The value describing pins of {@code types} in {@code dir}, whether or not they exist. */
  public static PinnedNamespaces inDirectory(Path dir, Set<NsType> types) {
    EnumMap<NsType, Path> paths = new EnumMap<>(NsType.class);
    for (NsType type : types) {
      paths.put(type, dir.resolve(type.procName()));
    }
    return new PinnedNamespaces(dir, paths);
  }

  /** The pinned file of {@code type}, to put into the OCI spec's namespace path. */
  public Optional<Path> path(NsType type) {
    return Optional.ofNullable(paths.get(type));
  }

  public Set<NsType> types() {
    return paths.keySet();
  }
}
