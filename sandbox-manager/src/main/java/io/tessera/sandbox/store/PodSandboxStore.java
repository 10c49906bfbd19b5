package io.tessera.sandbox.store;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The pod sandboxes, persisted one {@code <root>/pods/<id>/pod.json} each (see {@link StoreLayout})
 * and held in memory.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Call {@link #load} once at start-up, before anything else. It never fails because of one
 *       bad file: such entries are logged and reported, and stay on disk until {@link #discard}.
 *   <li>Every change is on disk (atomically, fsynced) before memory shows it; a failed write throws
 *       {@link InternalException} and leaves memory as it was.
 *   <li>Only the status changes after {@link #add}, through {@link #update}, which is atomic per
 *       sandbox: the function sees the current status and its result replaces it, with no other
 *       update of that sandbox in between (compare-and-set by lock). It runs under the sandbox's
 *       lock, so it must be quick and must not call the store. A status that differs from the old
 *       one only in transient parts ({@link PodSandboxStatus#durable}) is not written.
 *   <li>Thread-safe; reads are lock-free and see whole values.
 * </ul>
 */
public final class PodSandboxStore {
  private final JsonObjectStore<PodSandbox, PodSandboxStatus> store;

  public PodSandboxStore(StoreLayout layout) {
    this.store =
        new JsonObjectStore<>(
            new ObjectKind<>(
                "pod sandbox",
                layout.podsDir(),
                StoreLayout.POD_FILE,
                JsonCodec.POD_SANDBOX,
                PodSandbox::id,
                PodSandbox::status,
                PodSandbox::withStatus,
                PodSandboxStatus::durable,
                Comparator.comparingLong(PodSandbox::createdAt).thenComparing(PodSandbox::id)));
  }

  /**
   * Loads every stored sandbox (with empty transient status parts), removes the store's own
   * leftovers (temp files, half-built or half-deleted directories) and reports what did not load.
   *
   * @throws FailedPreconditionException if called twice or after {@link #add}
   * @throws InternalException if the pods directory itself cannot be made or listed
   */
  public LoadReport load() {
    return store.load();
  }

  /**
   * Stores a new sandbox: writes its pod.json (building its directory under a temp name if the
   * directory does not exist yet), then makes it visible.
   *
   * @throws AlreadyExistsException if the id is taken
   * @throws InternalException if the write fails; nothing is then stored
   */
  public void add(PodSandbox pod) {
    store.add(pod);
  }

  /**
   * The sandbox with this id or unique id prefix.
   *
   * @throws NotFoundException if none has it
   * @throws InvalidArgumentException if the prefix is empty or ambiguous
   */
  public PodSandbox get(String idOrPrefix) {
    return store.get(idOrPrefix);
  }

  /** The sandbox with exactly this full id, if stored. */
  public Optional<PodSandbox> find(String id) {
    return store.find(id);
  }

  /** The full id for an id or unique prefix; empty if it names none or several (for filters). */
  public Optional<String> tryResolve(String idOrPrefix) {
    return store.tryResolve(idOrPrefix);
  }

  /** All sandboxes, oldest first (ties by id). */
  public List<PodSandbox> list() {
    return store.list();
  }

  /**
   * Replaces the status of sandbox {@code id} (a full id) by {@code change} of it. An exception
   * thrown by {@code change} (e.g. a refused state transition) propagates and changes nothing.
   *
   * @return the sandbox with its new status
   * @throws NotFoundException if there is no such sandbox (or it was deleted meanwhile)
   * @throws InternalException if the write fails; the old status stays
   */
  public PodSandbox update(String id, UnaryOperator<PodSandboxStatus> change) {
    return store.update(id, change);
  }

  /**
   * Deletes sandbox {@code id} (a full id) and its whole directory: renamed away atomically first,
   * so it is gone at once, then removed. Idempotent.
   *
   * @return false if there was no such sandbox
   * @throws FailedPreconditionException if anything is still mounted inside its directory; nothing
   *     is deleted then
   */
  public boolean delete(String id) {
    return store.delete(id);
  }

  /**
   * Removes the entry of a {@link LoadProblem} from disk, once the caller released what it held.
   *
   * @throws FailedPreconditionException if anything is still mounted inside
   */
  public void discard(LoadProblem problem) {
    store.discard(problem);
  }
}
