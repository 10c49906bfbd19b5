package io.tessera.kernel.ns;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Creates pod namespaces without a process to hold them, and runs code inside them.
 *
 * <p>Thread-safe: every operation runs on a fresh thread of its own that is discarded afterwards,
 * because a thread that unshared or joined a namespace must never return to a pool.
 */
public interface NamespacePinner {

  /**
   * Creates new namespaces of {@code types} (only {@link NsType#perThread()} kinds), sets the host
   * name in the new UTS namespace and brings loopback up in the new network namespace, then pins
   * each onto {@code dir/<procName>}.
   *
   * <p>{@code dir} is created if missing and must not already hold pins of these types. A failure
   * undoes everything done so far (unmounts, files, the directory if it was created).
   *
   * @param hostname required when {@code types} contains UTS, must be null otherwise
   * @throws io.tessera.kernel.errors.InvalidArgumentException bad types or hostname
   * @throws io.tessera.kernel.errors.AlreadyExistsException a pin file already exists
   * @throws io.tessera.kernel.errors.InternalException a system call failed
   */
  PinnedNamespaces pin(Path dir, Set<NsType> types, String hostname);

  /**
   * Unmounts (lazily, MNT_DETACH) and deletes every pin file, then the directory if it is empty.
   * Idempotent: pins already gone are fine. The namespaces die once nothing else uses them.
   */
  void unpin(PinnedNamespaces pins);

  /**
   * Runs {@code task} on a new thread that joined the namespace at {@code nsFile} (a pin or a
   * /proc/[pid]/ns file) of kind {@code type}, waits for it and returns its result. Sockets the
   * task creates stay in that namespace after it returns, which is how port-forwarding and network
   * statistics reach into a pod. The thread ends with the task.
   *
   * @throws io.tessera.kernel.errors.NotFoundException {@code nsFile} does not exist
   * @throws io.tessera.kernel.errors.InternalException joining failed, or the task threw (the cause
   *     is the task's exception)
   */
  <T> T callInNamespace(Path nsFile, NsType type, Callable<T> task);
}
