package io.tessera.sandbox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerStatusTest {
  private final ContainerStatus created =
      ContainerStatus.created(100, Optional.of(Fixtures.resources(2)));
  private final ContainerStatus running = created.withStarted(200, 42);
  private final ContainerStatus exited = running.withExited(300, 0, "Completed", "");

  @Test
  void createdHasNoTimesButItsCreation() {
    assertThat(created.state()).isEqualTo(ContainerState.CREATED);
    assertThat(created.createdAt()).isEqualTo(100);
    assertThat(created.startedAt()).isZero();
    assertThat(created.finishedAt()).isZero();
    assertThat(created.pid()).isZero();
    assertThat(created.resources()).contains(Fixtures.resources(2));
    assertThat(created.pending()).isEqualTo(PendingOperation.NONE);
  }

  @Test
  void startRecordsTimeAndPid() {
    assertThat(running.state()).isEqualTo(ContainerState.RUNNING);
    assertThat(running.startedAt()).isEqualTo(200);
    assertThat(running.pid()).isEqualTo(42);
    assertThat(running.createdAt()).isEqualTo(100);
    assertThat(running.resources()).isEqualTo(created.resources());
  }

  @Test
  void exitRecordsCodeReasonAndKeepsStart() {
    ContainerStatus e = running.withExited(300, 137, "OOMKilled", "out of memory");
    assertThat(e.state()).isEqualTo(ContainerState.EXITED);
    assertThat(e.startedAt()).isEqualTo(200);
    assertThat(e.finishedAt()).isEqualTo(300);
    assertThat(e.exitCode()).isEqualTo(137);
    assertThat(e.reason()).isEqualTo("OOMKilled");
    assertThat(e.message()).isEqualTo("out of memory");
  }

  @Test
  void aFailedStartGoesFromCreatedToExitedWithoutStartTime() {
    ContainerStatus e = created.withExited(150, 128, ContainerStatus.REASON_START_ERROR, "no exec");
    assertThat(e.state()).isEqualTo(ContainerState.EXITED);
    assertThat(e.startedAt()).isZero();
  }

  @Test
  void exitedIsFinal() {
    assertThatThrownBy(() -> exited.withStarted(400, 1))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("EXITED to RUNNING");
    assertThatThrownBy(() -> exited.withExited(400, 1, "Error", ""))
        .isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> exited.withUnknown("lost"))
        .isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> exited.withRecovered(ContainerState.RUNNING))
        .isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void aRunningContainerCannotStartAgain() {
    assertThatThrownBy(() -> running.withStarted(250, 43))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("RUNNING to RUNNING");
  }

  @Test
  void unknownKeepsTheLastKnownTimesAndCanBeLeft() {
    ContainerStatus u = running.withUnknown("conmon gone, no exit file");
    assertThat(u.state()).isEqualTo(ContainerState.UNKNOWN);
    assertThat(u.startedAt()).isEqualTo(200);
    assertThat(u.reason()).isEqualTo(ContainerStatus.REASON_UNKNOWN);
    assertThat(u.withRecovered(ContainerState.RUNNING).state()).isEqualTo(ContainerState.RUNNING);
    assertThat(u.withRecovered(ContainerState.RUNNING).reason()).isEmpty();
    assertThat(u.withExited(300, 255, "Unknown", "").state()).isEqualTo(ContainerState.EXITED);
    assertThat(created.withUnknown("x").withRecovered(ContainerState.CREATED).state())
        .isEqualTo(ContainerState.CREATED);
    assertThatThrownBy(() -> u.withUnknown("again"))
        .isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void recoveringMustFitTheKnownTimes() {
    ContainerStatus neverStarted = created.withUnknown("?");
    assertThatThrownBy(() -> neverStarted.withRecovered(ContainerState.RUNNING))
        .isInstanceOf(InvalidArgumentException.class);
    ContainerStatus started = running.withUnknown("?");
    assertThatThrownBy(() -> started.withRecovered(ContainerState.CREATED))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> started.withRecovered(ContainerState.EXITED))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("withExited");
  }

  @Test
  void timesMustBePositive() {
    assertThatThrownBy(() -> created.withStarted(0, 1))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> running.withExited(0, 1, "", ""))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ContainerStatus.created(0, Optional.empty()))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void theStateMustFitTheTimes() {
    assertThatThrownBy(() -> ContainerStatus.builder(ContainerState.RUNNING, 1).build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> ContainerStatus.builder(ContainerState.EXITED, 1).startedAt(2).build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () -> ContainerStatus.builder(ContainerState.CREATED, 1).startedAt(2).build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                ContainerStatus.builder(ContainerState.RUNNING, 1)
                    .startedAt(2)
                    .finishedAt(3)
                    .build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(ContainerStatus.builder(ContainerState.UNKNOWN, 1).build().state())
        .isEqualTo(ContainerState.UNKNOWN);
  }

  @Test
  void exitReasons() {
    assertThat(ContainerStatus.exitReason(0, false)).isEqualTo("Completed");
    assertThat(ContainerStatus.exitReason(1, false)).isEqualTo("Error");
    assertThat(ContainerStatus.exitReason(137, true)).isEqualTo("OOMKilled");
    assertThat(ContainerStatus.exitReason(0, true)).isEqualTo("OOMKilled");
  }

  @Test
  void durableDropsOnlyThePendingOperation() {
    ContainerStatus removing = exited.withPending(PendingOperation.REMOVING);
    assertThat(removing).isNotEqualTo(exited);
    assertThat(removing.durable()).isEqualTo(exited);
    assertThat(exited.durable()).isSameAs(exited);
  }

  @Test
  void resourcesAreReplaced() {
    ContainerStatus updated = running.withResources(Optional.of(Fixtures.resources(9)));
    assertThat(updated.resources()).contains(Fixtures.resources(9));
    assertThat(updated.state()).isEqualTo(ContainerState.RUNNING);
  }
}
