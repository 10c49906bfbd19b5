package io.tessera.sandbox.store;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InternalException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The containers, persisted one {@code <root>/containers/<id>/container.json} each (see {@link
 * StoreLayout}) and held in memory.
 *
 * <p>Same contract as {@link PodSandboxStore}: {@link #load} once first, never fatal for one bad
 * file; disk before memory; only the status changes after {@link #add}, atomically per container
 * through {@link #update}; transient-only changes are not written; thread-safe. The store does not
 * check that a container's pod sandbox exists: that is the service's rule, also at recovery.
 */
public final class ContainerStore {
  private final JsonObjectStore<Container, ContainerStatus> store;

  public ContainerStore(StoreLayout layout) {
    this.store =
        new JsonObjectStore<>(
            new ObjectKind<>(
                "container",
                layout.containersDir(),
                StoreLayout.CONTAINER_FILE,
                JsonCodec.CONTAINER,
                Container::id,
                Container::status,
                Container::withStatus,
                ContainerStatus::durable,
                Comparator.comparingLong(Container::createdAt).thenComparing(Container::id)));
  }

  /**
   * Loads every stored container (with empty transient status parts), removes the store's own
   * leftovers and reports what did not load.
   *
   * @throws FailedPreconditionException if called twice or after {@link #add}
   * @throws InternalException if the containers directory itself cannot be made or listed
   */
  public LoadReport load() {
    return store.load();
  }

  /**
   * Stores a new container.
   *
   * @throws AlreadyExistsException if the id is taken
   * @throws InternalException if the write fails; nothing is then stored
   */
  public void add(Container container) {
    store.add(container);
  }

  /**
   * The container with this id or unique id prefix.
   *
   * @throws NotFoundException if none has it
   * @throws InvalidArgumentException if the prefix is empty or ambiguous
   */
  public Container get(String idOrPrefix) {
    return store.get(idOrPrefix);
  }

  /** The container with exactly this full id, if stored. */
  public Optional<Container> find(String id) {
    return store.find(id);
  }

  /** The full id for an id or unique prefix; empty if it names none or several (for filters). */
  public Optional<String> tryResolve(String idOrPrefix) {
    return store.tryResolve(idOrPrefix);
  }

  /** All containers, oldest first (ties by id). */
  public List<Container> list() {
    return store.list();
  }

  /** The containers of pod sandbox {@code podSandboxId} (a full id), oldest first. */
  public List<Container> listByPodSandbox(String podSandboxId) {
    return store.list().stream().filter(c -> c.podSandboxId().equals(podSandboxId)).toList();
  }

  /**
   * Replaces the status of container {@code id} (a full id) by {@code change} of it. An exception
   * thrown by {@code change} (e.g. a refused state transition) propagates and changes nothing.
   *
   * @return the container with its new status
   * @throws NotFoundException if there is no such container (or it was deleted meanwhile)
   * @throws InternalException if the write fails; the old status stays
   */
  public Container update(String id, UnaryOperator<ContainerStatus> change) {
    return store.update(id, change);
  }

  /**
   * Deletes container {@code id} (a full id) and its whole directory (OCI bundle included). The
   * rootfs must be unmounted first. Idempotent.
   *
   * @return false if there was no such container
   * @throws FailedPreconditionException if anything is still mounted inside its directory
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
