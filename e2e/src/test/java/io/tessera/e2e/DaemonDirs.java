package io.tessera.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private set of daemon paths under one temporary base directory. */
public record DaemonDirs(Path base, Path root, Path state, Path socket, Path config) {

  public static DaemonDirs create() {
    try {
      // Short on purpose: conmon's attach socket (state/attach/<16-hex uuid>/attach) must fit in
      // the 107 bytes of a Unix socket path.
      Path base =
          Files.createDirectory(
              Path.of(
                  "/tmp",
                  "te-"
                      + Long.toHexString(
                          java.util.concurrent.ThreadLocalRandom.current().nextLong())));
      return new DaemonDirs(
          base,
          base.resolve("root"),
          base.resolve("state"),
          base.resolve("run/tessera.sock"),
          base.resolve("tessera.toml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Another daemon's dirs sharing this one's socket path. */
  public DaemonDirs withSharedSocket(DaemonDirs other) {
    return new DaemonDirs(base, root, state, other.socket(), config);
  }

  /**
   * These dirs with the persistent root elsewhere (e.g. on a file system a test mounted); the
   * caller removes that root, {@link #delete} only removes the base.
   */
  public DaemonDirs withRoot(Path otherRoot) {
    return new DaemonDirs(base, otherRoot, state, socket, config);
  }

  public void delete() {
    if (!Files.exists(base)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(base)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
