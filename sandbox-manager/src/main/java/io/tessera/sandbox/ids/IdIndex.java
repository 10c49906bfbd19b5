package io.tessera.sandbox.ids;

import io.tessera.kernel.errors.AlreadyExistsException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The ids of one kind of object (pod sandboxes or containers), looked up by full id or by any
 * prefix that names exactly one of them, as containerd's truncindex and {@code crictl} prefixes do.
 *
 * <p>An ambiguous prefix is refused with {@link InvalidArgumentException}: the request does not
 * name one object, and the caller can fix it by giving more digits (containerd also fails the call,
 * with its own ambiguity error). Not found is {@link NotFoundException}.
 *
 * <p>Thread-safe. Hand-written because neither the JDK nor the project's libraries offer a prefix
 * index; a sorted set makes a lookup two O(log n) probes.
 */
public final class IdIndex {
  private final String kind;
  private final NavigableSet<String> ids = new TreeSet<>();
  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  /**
   * @param kind what the ids name, for messages ("pod sandbox", "container")
   */
  public IdIndex(String kind) {
    this.kind = kind;
  }

  /**
   * Adds a full id.
   *
   * @throws InvalidArgumentException if {@code id} is not 64 lowercase hex digits
   * @throws AlreadyExistsException if it is there already
   */
  public void add(String id) {
    if (!Ids.isValid(id)) {
      throw new InvalidArgumentException(kind + " id '" + id + "' is not 64 lowercase hex digits");
    }
    lock.writeLock().lock();
    try {
      if (!ids.add(id)) {
        throw new AlreadyExistsException(kind + " id " + id + " is already in use");
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Removes a full id; idempotent. Returns whether it was there. */
  public boolean remove(String id) {
    lock.writeLock().lock();
    try {
      return ids.remove(id);
    } finally {
      lock.writeLock().unlock();
    }
  }

  public boolean contains(String id) {
    lock.readLock().lock();
    try {
      return ids.contains(id);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The one full id that is or starts with {@code idOrPrefix}.
   *
   * @throws InvalidArgumentException if {@code idOrPrefix} is empty or names more than one id
   * @throws NotFoundException if it names none
   */
  public String resolve(String idOrPrefix) {
    if (idOrPrefix == null || idOrPrefix.isEmpty()) {
      throw new InvalidArgumentException(kind + " id must not be empty");
    }
    lock.readLock().lock();
    try {
      String first = ids.ceiling(idOrPrefix);
      if (first == null || !first.startsWith(idOrPrefix)) {
        throw new NotFoundException(kind + " " + idOrPrefix + " not found");
      }
      String second = ids.higher(first);
      if (second != null && second.startsWith(idOrPrefix)) {
        throw new InvalidArgumentException(
            kind
                + " id prefix "
                + idOrPrefix
                + " is ambiguous: it names "
                + first
                + ", "
                + second
                + " and maybe more");
      }
      return first;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Like {@link #resolve} but empty where that would throw: for list filters, where a prefix that
   * names no single object simply matches nothing.
   */
  public Optional<String> tryResolve(String idOrPrefix) {
    try {
      return Optional.of(resolve(idOrPrefix));
    } catch (NotFoundException | InvalidArgumentException e) {
      return Optional.empty();
    }
  }

  public int size() {
    lock.readLock().lock();
    try {
      return ids.size();
    } finally {
      lock.readLock().unlock();
    }
  }
}
