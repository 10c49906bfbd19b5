package io.tessera.sandbox.model;

/**
 * The state of a container, in CRI's four values.
 *
 * <pre>
 *  CreateContainer
 *        |
 *        v
 *   +---------+ StartContainer +---------+ exit, StopContainer +--------+ RemoveContainer
 *   | CREATED |--------------->| RUNNING |-------------------->| EXITED |----------------> (gone)
 *   +---------+                +---------+                     +--------+
 *     |  |                          |                            ^  ^
 *     |  +------ start failed, or stopped before it started -----+  |
 *     |                             |                               |
 *     | recovery cannot tell        | recovery cannot tell          |
 *     v                             v                               |
 *   +-------------------------------------+  found exited, or Stop  |
 *   |               UNKNOWN               |-------------------------+
 *   +-------------------------------------+
 *     a later probe finds it created or running after all: back to CREATED / RUNNING
 * </pre>
 *
 * <p>EXITED is final. UNKNOWN is set only when the truth cannot be told (the monitor is gone and
 * left no exit file, the runtime's state is unreadable); it is left as soon as a later probe or
 * StopContainer learns the truth. All four states are stable and persisted: UNKNOWN is written too,
 * so that a restart re-probes it rather than trusting an older RUNNING. Work in progress (starting,
 * removing) is the transient {@link PendingOperation}, never written to disk.
 */
public enum ContainerState {
  CREATED,
  RUNNING,
  EXITED,
  UNKNOWN;

  /** Whether a container in this state may move to {@code next}; staying in place is not a move. */
  public boolean canTransitionTo(ContainerState next) {
    return switch (this) {
      case CREATED -> next == RUNNING || next == EXITED || next == UNKNOWN;
      case RUNNING -> next == EXITED || next == UNKNOWN;
      case EXITED -> false;
      case UNKNOWN -> next == CREATED || next == RUNNING || next == EXITED;
    };
  }
}
