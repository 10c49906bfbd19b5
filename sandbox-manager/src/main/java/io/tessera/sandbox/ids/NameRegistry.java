package io.tessera.sandbox.ids;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Reserves unique names (see {@link Names}) for the objects of one kind, so that two concurrent
 * RunPodSandbox / CreateContainer calls for the same pod or container cannot both go ahead.
 *
 * <p>Reserve before creating anything; release when creation fails or the object is removed. After
 * a restart the service reserves the names of the loaded objects again. Thread-safe: each call is
 * atomic; reserving the same name for the same id again is a no-op, which makes retries idempotent.
 */
public final class NameRegistry {
  private final String kind;
  private final ConcurrentMap<String, String> idByName = new ConcurrentHashMap<>();

  /**
   * @param kind what the names name, for messages ("pod sandbox", "container")
   */
  public NameRegistry(String kind) {
    this.kind = kind;
  }

  /**
   * Reserves {@code name} for {@code id}.
   *
   * @throws AlreadyExistsException if the name is reserved for another id; the message names it
   */
  public void reserve(String name, String id) {
    if (name == null || name.isEmpty()) {
      throw new InvalidArgumentException(kind + " name must not be empty");
    }
    Objects.requireNonNull(id, "id");
    String holder = idByName.putIfAbsent(name, id);
    if (holder != null && !holder.equals(id)) {
      throw new AlreadyExistsException(
          kind + " name " + name + " is reserved for " + holder + ", refusing it for " + id);
    }
  }

  /** Releases {@code name} whoever holds it; idempotent. */
  public void release(String name) {
    idByName.remove(name);
  }

  /** Releases {@code name} only if {@code id} holds it; returns whether it did. */
  public boolean release(String name, String id) {
    return idByName.remove(name, id);
  }

  /** The id holding {@code name}, if any. */
  public Optional<String> holder(String name) {
    return Optional.ofNullable(idByName.get(name));
  }
}
