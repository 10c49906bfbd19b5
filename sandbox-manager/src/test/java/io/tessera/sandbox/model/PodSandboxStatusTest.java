package io.tessera.sandbox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodSandboxStatusTest {
  private final PodSandboxStatus ready = PodSandboxStatus.ready(Fixtures.podConfig("web").linux());

  @Test
  void readyStartsWithTheRequestedResources() {
    assertThat(ready.state()).isEqualTo(PodSandboxState.READY);
    assertThat(ready.overhead()).contains(Fixtures.resources(128));
    assertThat(ready.resources()).contains(Fixtures.resources(2048));
    assertThat(ready.pending()).isEqualTo(PendingOperation.NONE);
  }

  @Test
  void stopMakesItNotReadyForGood() {
    PodSandboxStatus stopped = ready.withState(PodSandboxState.NOTREADY);
    assertThat(stopped.state()).isEqualTo(PodSandboxState.NOTREADY);
    assertThat(stopped.resources()).isEqualTo(ready.resources());
    assertThatThrownBy(() -> stopped.withState(PodSandboxState.READY))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("NOTREADY to READY");
    assertThatThrownBy(() -> stopped.withState(PodSandboxState.NOTREADY))
        .isInstanceOf(FailedPreconditionException.class);
    assertThatThrownBy(() -> ready.withState(PodSandboxState.READY))
        .isInstanceOf(FailedPreconditionException.class);
  }

  @Test
  void aPodIsNeverStarting() {
    assertThatThrownBy(() -> ready.withPending(PendingOperation.STARTING))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void durableDropsThePendingOperation() {
    assertThat(ready.withPending(PendingOperation.REMOVING).durable()).isEqualTo(ready);
  }

  @Test
  void resourcesAreReplaced() {
    PodSandboxStatus s = ready.withResources(Optional.empty(), Optional.of(Fixtures.resources(1)));
    assertThat(s.overhead()).isEmpty();
    assertThat(s.resources()).contains(Fixtures.resources(1));
  }
}
