package io.tessera.sandbox.store;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.ids.Ids;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The one owner of where pod sandboxes and containers live under Tessera's persistent root:
 *
 * <pre>
 * &lt;root&gt;/pods/&lt;id&gt;/pod.json              one pod sandbox (plus whatever its service keeps there)
 * &lt;root&gt;/containers/&lt;id&gt;/container.json  one container (plus its OCI bundle and such)
 * &lt;root&gt;/{pods,containers}/.tmp-&lt;id&gt;-*     a directory being built by the store
 * &lt;root&gt;/{pods,containers}/.del-&lt;id&gt;-*     a directory being deleted by the store
 * </pre>
 *
 * <p>Names starting with '.' in the kind directories belong to the store. Services may put their
 * own files into an object's directory (before or after the store first writes the object); they
 * are deleted with it. Immutable and thread-safe.
 */
public final class StoreLayout {
  static final String POD_FILE = "pod.json";
  static final String CONTAINER_FILE = "container.json";
  private static final String BUILDING = ".tmp-";
  private static final String TRASH = ".del-";

  private final Path root;

  public StoreLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path podsDir() {
    return root.resolve("pods");
  }

  /**
   * @throws InvalidArgumentException if {@code id} is not an id (no path tricks through ids)
   */
  public Path podDir(String id) {
    return podsDir().resolve(checked(id));
  }

  public Path podFile(String id) {
    return podDir(id).resolve(POD_FILE);
  }

  public Path containersDir() {
    return root.resolve("containers");
  }

  /**
   * @throws InvalidArgumentException if {@code id} is not an id
   */
  public Path containerDir(String id) {
    return containersDir().resolve(checked(id));
  }

  public Path containerFile(String id) {
    return containerDir(id).resolve(CONTAINER_FILE);
  }

  private static String checked(String id) {
    if (!Ids.isValid(id)) {
      throw new InvalidArgumentException("'" + id + "' is not an id (64 lowercase hex digits)");
    }
    return id;
  }

  static Path buildingDir(Path kindDir, String id) {
    return kindDir.resolve(BUILDING + id + "-" + UUID.randomUUID());
  }

  static Path trashDir(Path kindDir, String id) {
    return kindDir.resolve(TRASH + id + "-" + UUID.randomUUID());
  }

  static boolean isBuilding(String name) {
    return name.startsWith(BUILDING);
  }

  static boolean isTrash(String name) {
    return name.startsWith(TRASH);
  }

  /** The id inside a building or trash directory's name, if it has one. */
  static Optional<String> idOfInternal(String name) {
    int start = name.indexOf('-') + 1;
    if (start <= 0 || name.length() < start + 64) {
      return Optional.empty();
    }
    String id = name.substring(start, start + 64);
    return Ids.isValid(id) ? Optional.of(id) : Optional.empty();
  }
}
