package io.tessera.sandbox.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Something under a store's directory that did not load as an object at start-up. Never fatal: the
 * object is left out, the entry is left on disk, and the caller decides. Typically it releases what
 * the object may still hold on the host (mounts, network namespace, cgroup, processes: found by id)
 * and then calls the store's {@code discard}.
 *
 * @param path the entry under {@code pods/} or {@code containers/}
 * @param id the object id the entry is about, where its name tells it
 * @param detail what was wrong, for logs and for the operator
 */
public record LoadProblem(Path path, Optional<String> id, Reason reason, String detail) {

  /** What was wrong. */
  public enum Reason {
    /** An object directory without its JSON file: a creation that crashed before it was stored. */
    MISSING,
    /** The JSON file is not valid: unparsable, fields missing or invalid, id not the dir's. */
    CORRUPT,
    /** The JSON file is of a format version this build does not read (a newer Tessera wrote it). */
    UNKNOWN_VERSION,
    /** The JSON file could not be read (I/O error). */
    UNREADABLE,
    /** An entry whose name is not an id and not the store's: someone else put it there. */
    FOREIGN,
    /** A deletion that could not be finished, e.g. because something is still mounted inside. */
    UNFINISHED_DELETE
  }

  public LoadProblem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}
