package io.tessera.kernel.oci;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Finds OCI runtime and helper binaries (runc, crun, conmon, catatonit) on the host. */
public final class OciRuntimeLocator {

  /** Where Debian and upstream installs put these binaries, in the order searched. */
  public static final List<Path> DEFAULT_DIRS =
      List.of(
          Path.of("/usr/local/sbin"),
          Path.of("/usr/local/bin"),
          Path.of("/usr/sbin"),
          Path.of("/usr/bin"),
          Path.of("/sbin"),
          Path.of("/bin"),
          Path.of("/usr/libexec/podman"));

  private final List<Path> dirs;

  public OciRuntimeLocator(List<Path> dirs) {
    this.dirs = List.copyOf(dirs);
  }

  public static OciRuntimeLocator withDefaultDirs() {
    return new OciRuntimeLocator(DEFAULT_DIRS);
  }

  /** The first executable regular file called {@code name} in the search dirs. */
  public Optional<Path> find(String name) {
    for (Path dir : dirs) {
      Path candidate = dir.resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public List<Path> dirs() {
    return dirs;
  }
}
