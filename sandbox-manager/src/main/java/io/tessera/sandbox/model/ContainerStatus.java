package io.tessera.sandbox.model;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Objects;
import java.util.Optional;

/**
 * The changing part of a container: replaced as a whole, never mutated. Times are nanoseconds since
 * the epoch, 0 meaning "not yet".
 *
 * <p>Invariants by state: CREATED has neither start nor finish time; RUNNING has a start time and
 * no finish time; EXITED has a finish time (a start time only if it ever ran: a failed start goes
 * from CREATED to EXITED); UNKNOWN keeps whatever was last known.
 *
 * @param exitCode meaningful only once {@code finishedAt != 0}
 * @param reason CamelCase, see the {@code REASON_} constants; empty when there is nothing to say
 * @param pid the container's init process as the host sees it; 0 = none known
 * @param resources resources currently applied (starts as the request's, changed by
 *     UpdateContainerResources)
 * @param pending transient; never persisted (see {@link PendingOperation})
 */
public record ContainerStatus(
    ContainerState state,
    long createdAt,
    long startedAt,
    long finishedAt,
    int exitCode,
    String reason,
    String message,
    long pid,
    Optional<LinuxContainerResources> resources,
    PendingOperation pending) {

  /** The process exited with 0. */
  public static final String REASON_COMPLETED = "Completed";

  /** The process exited with a non-zero code or a signal. */
  public static final String REASON_ERROR = "Error";

  /** The kernel's OOM killer ended the process (cgroup OOM kill counted). */
  public static final String REASON_OOM_KILLED = "OOMKilled";

  /** StartContainer failed; the container never ran. */
  public static final String REASON_START_ERROR = "StartError";

  /** The container's fate could not be learnt (monitor gone without an exit file). */
  public static final String REASON_UNKNOWN = "Unknown";

  public ContainerStatus {
    Objects.requireNonNull(state, "container state");
    Checks.positive(createdAt, "container created at");
    Checks.nonNegative(startedAt, "container started at");
    Checks.nonNegative(finishedAt, "container finished at");
    Objects.requireNonNull(reason, "container reason");
    Objects.requireNonNull(message, "container message");
    Checks.nonNegative(pid, "container pid");
    Objects.requireNonNull(resources, "container resources");
    Objects.requireNonNull(pending, "pending operation");
    boolean consistent =
        switch (state) {
          case CREATED -> startedAt == 0 && finishedAt == 0;
          case RUNNING -> startedAt > 0 && finishedAt == 0;
          case EXITED -> finishedAt > 0;
          case UNKNOWN -> true;
        };
    if (!consistent) {
      throw new InvalidArgumentException(
          "container status "
              + state
              + " does not fit started at "
              + startedAt
              + ", finished at "
              + finishedAt);
    }
  }

  /** A container CreateContainer has just made. */
  public static ContainerStatus created(
      long createdAt, Optional<LinuxContainerResources> resources) {
    return new ContainerStatus(
        ContainerState.CREATED, createdAt, 0, 0, 0, "", "", 0, resources, PendingOperation.NONE);
  }

  /** The reason for an exit: OOMKilled wins over the code, then Completed for 0, else Error. */
  public static String exitReason(int exitCode, boolean oomKilled) {
    if (oomKilled) {
      return REASON_OOM_KILLED;
    }
    return exitCode == 0 ? REASON_COMPLETED : REASON_ERROR;
  }

  /**
   * The container started.
   *
   * @throws FailedPreconditionException unless the state may move to RUNNING
   */
  public ContainerStatus withStarted(long startedAt, long pid) {
    requireMove(ContainerState.RUNNING);
    Checks.positive(startedAt, "container started at");
    return toBuilder()
        .state(ContainerState.RUNNING)
        .startedAt(startedAt)
        .finishedAt(0)
        .pid(pid)
        .reason("")
        .message("")
        .build();
  }

  /**
   * The container's process ended (or it was found dead, or its start failed).
   *
   * @throws FailedPreconditionException unless the state may move to EXITED
   */
  public ContainerStatus withExited(long finishedAt, int exitCode, String reason, String message) {
    requireMove(ContainerState.EXITED);
    Checks.positive(finishedAt, "container finished at");
    return toBuilder()
        .state(ContainerState.EXITED)
        .finishedAt(finishedAt)
        .exitCode(exitCode)
        .reason(reason)
        .message(message)
        .build();
  }

  /**
   * Start-up recovery could not tell the container's state; the last known times are kept.
   *
   * @throws FailedPreconditionException unless the state may move to UNKNOWN
   */
  public ContainerStatus withUnknown(String message) {
    requireMove(ContainerState.UNKNOWN);
    return toBuilder()
        .state(ContainerState.UNKNOWN)
        .reason(REASON_UNKNOWN)
        .message(message)
        .build();
  }

  /**
   * A probe told an UNKNOWN container's state after all: CREATED (needs no start time recorded) or
   * RUNNING (needs one); for EXITED use {@link #withExited}.
   *
   * @throws FailedPreconditionException unless the state may move to {@code next}
   */
  public ContainerStatus withRecovered(ContainerState next) {
    requireMove(next);
    if (next == ContainerState.EXITED) {
      throw new InvalidArgumentException("an exit is recorded with withExited, not withRecovered");
    }
    return toBuilder().state(next).reason("").message("").build();
  }

  public ContainerStatus withResources(Optional<LinuxContainerResources> resources) {
    return toBuilder().resources(resources).build();
  }

  public ContainerStatus withPending(PendingOperation pending) {
    return toBuilder().pending(pending).build();
  }

  /** This status without its transient parts: what is written to disk and what loads back. */
  public ContainerStatus durable() {
    return pending == PendingOperation.NONE ? this : withPending(PendingOperation.NONE);
  }

  private void requireMove(ContainerState next) {
    if (!state.canTransitionTo(next)) {
      throw new FailedPreconditionException("container cannot go from " + state + " to " + next);
    }
  }

  public static Builder builder(ContainerState state, long createdAt) {
    return new Builder(state, createdAt);
  }

  public Builder toBuilder() {
    return new Builder(state, createdAt)
        .startedAt(startedAt)
        .finishedAt(finishedAt)
        .exitCode(exitCode)
        .reason(reason)
        .message(message)
        .pid(pid)
        .resources(resources)
        .pending(pending);
  }

  /**
   * Collects the fields of a {@link ContainerStatus} without checking transitions (for loading and
   * tests); not thread-safe. Services move states with the {@code with*} methods instead.
   */
  public static final class Builder {
    private ContainerState state;
    private final long createdAt;
    private long startedAt;
    private long finishedAt;
    private int exitCode;
    private String reason = "";
    private String message = "";
    private long pid;
    private Optional<LinuxContainerResources> resources = Optional.empty();
    private PendingOperation pending = PendingOperation.NONE;

    private Builder(ContainerState state, long createdAt) {
      this.state = state;
      this.createdAt = createdAt;
    }

    private Builder state(ContainerState v) {
      this.state = v;
      return this;
    }

    public Builder startedAt(long v) {
      this.startedAt = v;
      return this;
    }

    public Builder finishedAt(long v) {
      this.finishedAt = v;
      return this;
    }

    public Builder exitCode(int v) {
      this.exitCode = v;
      return this;
    }

    public Builder reason(String v) {
      this.reason = v;
      return this;
    }

    public Builder message(String v) {
      this.message = v;
      return this;
    }

    public Builder pid(long v) {
      this.pid = v;
      return this;
    }

    public Builder resources(Optional<LinuxContainerResources> v) {
      this.resources = v;
      return this;
    }

    public Builder pending(PendingOperation v) {
      this.pending = v;
      return this;
    }

    public ContainerStatus build() {
      return new ContainerStatus(
          state,
          createdAt,
          startedAt,
          finishedAt,
          exitCode,
          reason,
          message,
          pid,
          resources,
          pending);
    }
  }
}
