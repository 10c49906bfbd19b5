package io.tessera.sandbox.model;

/**
 * The state of a pod sandbox, in CRI's two values.
 *
 * <pre>
 *   RunPodSandbox            start-up load, as stored (the service then turns READY into
 *   (all set up)             NOTREADY if the namespaces or the infra process are gone)
 *        |                      |                     |
 *        v                      v                     v
 *   +---------+   StopPodSandbox, or namespaces   +----------+
 *   |  READY  |---------------------------------->| NOTREADY |
 *   +---------+   or infra process lost           +----------+
 *                                                      |
 *                                                      | RemovePodSandbox
 *                                                      v
 *                                                    (gone)
 * </pre>
 *
 * <p>NOTREADY is final: CRI never restarts a stopped sandbox, the kubelet makes a new one with the
 * next attempt number. RemovePodSandbox on a READY sandbox stops it first, so removal always passes
 * through NOTREADY. NOTREADY only says the sandbox cannot run containers; StopPodSandbox must still
 * be honoured on it to release what is left (network, mounts, cgroup), so teardown is idempotent.
 *
 * <p>Both states are stable and persisted. A sandbox is only stored once RunPodSandbox has
 * finished, so there is no persisted "creating" state; removal in progress is the transient {@link
 * PendingOperation#REMOVING}, never written to disk.
 */
public enum PodSandboxState {
  READY,
  NOTREADY;

  /** Whether a sandbox in this state may move to {@code next}; staying in place is not a move. */
  public boolean canTransitionTo(PodSandboxState next) {
    return this == READY && next == NOTREADY;
  }
}
