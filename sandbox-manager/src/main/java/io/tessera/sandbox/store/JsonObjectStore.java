package io.tessera.sandbox.store;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.persist.AtomicFiles;
import io.tessera.sandbox.ids.IdIndex;
import io.tessera.sandbox.ids.Ids;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of object kept as one versioned JSON file per object, mirrored in memory.
 *
 * <p>Every change reaches the disk first (temp file, fsync, rename, directory fsync) and memory
 * only after the write succeeded, so memory never shows what a crash would lose. Reads are
 * lock-free. A status update holds only its object's lock; adding and deleting hold a lock on the
 * kind (then the object's), so they cannot race each other.
 */
final class JsonObjectStore<T, S> {
  private static final Logger log = LoggerFactory.getLogger(JsonObjectStore.class);

  private final ObjectKind<T, S> kind;
  private final ConcurrentMap<String, Entry<T>> entries = new ConcurrentHashMap<>();
  private final IdIndex index;
  private final Object structure = new Object();
  private boolean loadedOrUsed;

  /** One object's current value; its monitor serialises changes to that object. */
  private static final class Entry<T> {
    volatile T value;
    boolean deleted;

    Entry(T value) {
      this.value = value;
    }
  }

  JsonObjectStore(ObjectKind<T, S> kind) {
    this.kind = kind;
    this.index = new IdIndex(kind.noun());
  }

  // --- start-up

  LoadReport load() {
    synchronized (structure) {
      if (loadedOrUsed) {
        throw new FailedPreconditionException(
            "load " + kind.noun() + " store: it must be loaded once, before any other use");
      }
      loadedOrUsed = true;
      List<LoadProblem> problems = new ArrayList<>();
      int loaded = 0;
      Path kindDir = kind.kindDir();
      try {
        Files.createDirectories(kindDir);
      } catch (IOException e) {
        throw new InternalException("load " + kind.noun() + " store: create " + kindDir, e);
      }
      List<Path> children = new ArrayList<>();
      try (DirectoryStream<Path> s = Files.newDirectoryStream(kindDir)) {
        s.forEach(children::add);
      } catch (IOException e) {
        throw new InternalException("load " + kind.noun() + " store: list " + kindDir, e);
      }
      children.sort(null);
      for (Path child : children) {
        Optional<LoadProblem> problem = loadEntry(child);
        if (problem.isPresent()) {
          LoadProblem p = problem.get();
          log.warn(
              "{} store: {} not loaded ({}): {}", kind.noun(), p.path(), p.reason(), p.detail());
          problems.add(p);
        } else if (entries.containsKey(child.getFileName().toString())) {
          loaded++;
        }
      }
      log.info("{} store: loaded {}, {} problem(s)", kind.noun(), loaded, problems.size());
      return new LoadReport(loaded, problems);
    }
  }

  /** Loads one entry of the kind directory; empty = loaded, or store-internal garbage removed. */
  private Optional<LoadProblem> loadEntry(Path child) {
    String name = child.getFileName().toString();
    if (StoreLayout.isBuilding(name)) {
      // Only the store writes there, and only the JSON file: nothing of the host can hang off it.
      try {
        Directories.deleteRecursively(child);
        log.info("{} store: removed unfinished directory {}", kind.noun(), child);
        return Optional.empty();
      } catch (IOException e) {
        return Optional.of(
            problem(
                child, StoreLayout.idOfInternal(name), LoadProblem.Reason.UNFINISHED_DELETE, e));
      }
    }
    if (StoreLayout.isTrash(name)) {
      try {
        Directories.requireNothingMounted(child, kind.noun() + " leftover " + name);
        Directories.deleteRecursively(child);
        log.info("{} store: finished deleting {}", kind.noun(), child);
        return Optional.empty();
      } catch (IOException | FailedPreconditionException e) {
        return Optional.of(
            problem(
                child, StoreLayout.idOfInternal(name), LoadProblem.Reason.UNFINISHED_DELETE, e));
      }
    }
    if (!Ids.isValid(name) || !Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(
          new LoadProblem(
              child,
              Optional.empty(),
              LoadProblem.Reason.FOREIGN,
              "not a " + kind.noun() + " directory (name is not an id, or not a directory)"));
    }
    Optional<String> id = Optional.of(name);
    removeTempFiles(child);
    Path file = child.resolve(kind.fileName());
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.of(
          new LoadProblem(
              child, id, LoadProblem.Reason.MISSING, "no " + kind.fileName() + " in " + child));
    } catch (IOException e) {
      return Optional.of(problem(child, id, LoadProblem.Reason.UNREADABLE, e));
    }
    T value;
    try {
      value = kind.codec().decode(bytes);
    } catch (RecordFormatException e) {
      LoadProblem.Reason reason =
          e.unknownVersion() ? LoadProblem.Reason.UNKNOWN_VERSION : LoadProblem.Reason.CORRUPT;
      return Optional.of(new LoadProblem(child, id, reason, file + ": " + e.getMessage()));
    }
    String fileId = kind.id().apply(value);
    if (!fileId.equals(name)) {
      return Optional.of(
          new LoadProblem(
              child,
              id,
              LoadProblem.Reason.CORRUPT,
              file + ": names " + kind.noun() + " " + fileId + ", not its directory's id"));
    }
    entries.put(name, new Entry<>(value));
    index.add(name);
    return Optional.empty();
  }

  /** Temp files a crash left beside the JSON file: never the real content, so they just go. */
  private void removeTempFiles(Path dir) {
    String ownPrefix = "." + kind.fileName();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (AtomicFiles.isTempFile(p) && p.getFileName().toString().startsWith(ownPrefix)) {
          Files.deleteIfExists(p);
          log.info("{} store: removed leftover temp file {}", kind.noun(), p);
        }
      }
    } catch (IOException e) {
      log.warn("{} store: cannot clear temp files in {}: {}", kind.noun(), dir, e.toString());
    }
  }

  private static LoadProblem problem(
      Path path, Optional<String> id, LoadProblem.Reason reason, Exception e) {
    return new LoadProblem(
        path, id, reason, e.getMessage() == null ? e.toString() : e.getMessage());
  }

  /**
   * Removes an entry a load reported, after the caller released what it held.
   *
   * @throws InvalidArgumentException if the problem is not about an entry of this store, or names
   *     an object that is loaded
   * @throws FailedPreconditionException if something is still mounted inside
   */
  void discard(LoadProblem problem) {
    synchronized (structure) {
      Path path = problem.path();
      if (!kind.kindDir().equals(path.getParent())) {
        throw new InvalidArgumentException(
            "discard " + path + ": not an entry of the " + kind.noun() + " store");
      }
      String name = path.getFileName().toString();
      if (entries.containsKey(name)) {
        throw new InvalidArgumentException(
            "discard " + path + ": " + kind.noun() + " " + name + " is loaded; delete it instead");
      }
      try {
        Directories.requireNothingMounted(path, kind.noun() + " leftover " + name);
        Directories.deleteRecursively(path);
        AtomicFiles.fsyncDirectory(kind.kindDir());
      } catch (IOException e) {
        throw new InternalException("discard " + kind.noun() + " leftover " + path, e);
      }
      log.info("{} store: discarded {}", kind.noun(), path);
    }
  }

  // --- reads

  T get(String idOrPrefix) {
    String id = index.resolve(idOrPrefix);
    Entry<T> e = entries.get(id);
    if (e == null) {
      throw new NotFoundException(kind.noun() + " " + idOrPrefix + " not found");
    }
    return e.value;
  }

  Optional<T> find(String id) {
    Entry<T> e = entries.get(id);
    return e == null ? Optional.empty() : Optional.of(e.value);
  }

  Optional<String> tryResolve(String idOrPrefix) {
    return index.tryResolve(idOrPrefix);
  }

  List<T> list() {
    List<T> all = new ArrayList<>(entries.size());
    for (Entry<T> e : entries.values()) {
      all.add(e.value);
    }
    all.sort(kind.order());
    return all;
  }

  // --- changes

  void add(T value) {
    String id = kind.id().apply(value);
    synchronized (structure) {
      loadedOrUsed = true;
      if (entries.containsKey(id)) {
        throw new AlreadyExistsException(kind.noun() + " " + id + " already exists");
      }
      Path dir = kind.kindDir().resolve(id);
      byte[] bytes = kind.codec().encode(value);
      try {
        Files.createDirectories(kind.kindDir());
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          AtomicFiles.write(dir.resolve(kind.fileName()), bytes);
        } else {
          createDirectoryWith(dir, id, bytes);
        }
      } catch (IOException e) {
        throw new InternalException("store " + kind.noun() + " " + id + " in " + dir, e);
      }
      entries.put(id, new Entry<>(value));
      index.add(id);
    }
  }

  /** Builds the object's directory under a temp name and renames it into place. */
  private void createDirectoryWith(Path dir, String id, byte[] bytes) throws IOException {
    Path building = StoreLayout.buildingDir(kind.kindDir(), id);
    try {
      Files.createDirectory(building);
      AtomicFiles.write(building.resolve(kind.fileName()), bytes);
      Files.move(building, dir, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Directories.deleteRecursively(building);
    }
    AtomicFiles.fsyncDirectory(kind.kindDir());
  }

  T update(String id, UnaryOperator<S> change) {
    Entry<T> e = entries.get(id);
    if (e == null) {
      throw new NotFoundException(kind.noun() + " " + id + " not found");
    }
    synchronized (e) {
      if (e.deleted) {
        throw new NotFoundException(kind.noun() + " " + id + " not found (deleted)");
      }
      T old = e.value;
      S oldStatus = kind.status().apply(old);
      S newStatus = Objects.requireNonNull(change.apply(oldStatus), "new status");
      T next = kind.withStatus().apply(old, newStatus);
      if (!kind.durable().apply(newStatus).equals(kind.durable().apply(oldStatus))) {
        Path file = kind.kindDir().resolve(id).resolve(kind.fileName());
        try {
          AtomicFiles.write(file, kind.codec().encode(next));
        } catch (IOException ex) {
          throw new InternalException("update " + kind.noun() + " " + id + ": write " + file, ex);
        }
      }
      e.value = next;
      return next;
    }
  }

  boolean delete(String id) {
    Path trash;
    synchronized (structure) {
      Entry<T> e = entries.get(id);
      if (e == null) {
        return false;
      }
      synchronized (e) {
        Path dir = kind.kindDir().resolve(id);
        trash = StoreLayout.trashDir(kind.kindDir(), id);
        try {
          if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Directories.requireNothingMounted(dir, kind.noun() + " " + id);
            Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.fsyncDirectory(kind.kindDir());
          }
        } catch (IOException ex) {
          throw new InternalException("delete " + kind.noun() + " " + id + ": move " + dir, ex);
        }
        e.deleted = true;
        index.remove(id);
        entries.remove(id);
      }
    }
    try {
      Directories.deleteRecursively(trash);
    } catch (IOException ex) {
      // The object is gone already; the next load finishes the removal.
      log.warn("delete {} {}: cannot remove {} yet: {}", kind.noun(), id, trash, ex.toString());
    }
    return true;
  }
}
