package io.tessera.sandbox.model;

/**
 * Work in progress on a pod sandbox or container that other requests must respect.
 *
 * <p>Transient by design: it lives in memory only and is dropped when the status is persisted, so
 * every object loads with {@link #NONE}. A crash mid-operation leaves the object in its last stable
 * state; the kubelet's retry (StartContainer, RemoveContainer, RemovePodSandbox) then runs the
 * operation again, which is why those operations are idempotent. Set it with the store's
 * compare-and-set style update, so that checking "nobody else is at it" and claiming the object are
 * one atomic step.
 */
public enum PendingOperation {
  NONE,
  /** StartContainer is running; containers only. */
  STARTING,
  /** RemoveContainer / RemovePodSandbox is running; new work on the object is refused. */
  REMOVING
}
