package io.tessera.sandbox.model;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Objects;
import java.util.Optional;

/**
 * The changing part of a pod sandbox: replaced as a whole, never mutated.
 *
 * @param overhead the pod overhead currently applied (starts as the request's, changed by
 *     UpdatePodSandboxResources)
 * @param resources the pod's total resources currently applied, likewise
 * @param pending transient; never persisted (see {@link PendingOperation}); never STARTING
 */
public record PodSandboxStatus(
    PodSandboxState state,
    Optional<LinuxContainerResources> overhead,
    Optional<LinuxContainerResources> resources,
    PendingOperation pending) {

  public PodSandboxStatus {
    Objects.requireNonNull(state, "pod sandbox state");
    Objects.requireNonNull(overhead, "pod overhead");
    Objects.requireNonNull(resources, "pod resources");
    Objects.requireNonNull(pending, "pending operation");
    if (pending == PendingOperation.STARTING) {
      throw new InvalidArgumentException("a pod sandbox is never STARTING; containers are");
    }
  }

  /** The status of a sandbox RunPodSandbox has just finished: READY, resources as requested. */
  public static PodSandboxStatus ready(LinuxPodSandboxConfig linux) {
    return new PodSandboxStatus(
        PodSandboxState.READY, linux.overhead(), linux.resources(), PendingOperation.NONE);
  }

  /**
   * This status moved to {@code next}.
   *
   * @throws FailedPreconditionException if the state machine does not allow the move
   */
  public PodSandboxStatus withState(PodSandboxState next) {
    if (!state.canTransitionTo(next)) {
      throw new FailedPreconditionException("pod sandbox cannot go from " + state + " to " + next);
    }
    return new PodSandboxStatus(next, overhead, resources, pending);
  }

  public PodSandboxStatus withResources(
      Optional<LinuxContainerResources> overhead, Optional<LinuxContainerResources> resources) {
    return new PodSandboxStatus(state, overhead, resources, pending);
  }

  public PodSandboxStatus withPending(PendingOperation pending) {
    return new PodSandboxStatus(state, overhead, resources, pending);
  }

  /** This status without its transient parts: what is written to disk and what loads back. */
  public PodSandboxStatus durable() {
    return pending == PendingOperation.NONE ? this : withPending(PendingOperation.NONE);
  }
}
