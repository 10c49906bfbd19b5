package io.tessera.sandbox.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class PodSandboxTest {

  @Test
  void idMustBe64LowercaseHex() {
    assertThatThrownBy(() -> Fixtures.minimalPod("abc"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("64 lowercase hex");
    assertThatThrownBy(() -> Fixtures.minimalPod("A".repeat(64)))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void builderDefaultsToReadyWithNoFacts() {
    PodSandbox p = Fixtures.minimalPod(Fixtures.POD_ID);
    assertThat(p.state()).isEqualTo(PodSandboxState.READY);
    assertThat(p.facts()).isEqualTo(PodSandboxRuntimeFacts.NONE);
    assertThat(p.facts().namespacePath(NamespaceType.NETWORK)).isEmpty();
  }

  @Test
  void withStatusKeepsTheFixedPart() {
    PodSandbox p = Fixtures.pod();
    PodSandbox stopped = p.withStatus(p.status().withState(PodSandboxState.NOTREADY));
    assertThat(stopped.state()).isEqualTo(PodSandboxState.NOTREADY);
    assertThat(stopped.withStatus(p.status())).isEqualTo(p);
    assertThat(stopped.metadata()).isEqualTo(p.metadata());
    assertThat(stopped.labels()).isEqualTo(p.config().labels());
  }

  @Test
  void handlerAndCreationTimeAreRequired() {
    assertThatThrownBy(
            () ->
                PodSandbox.builder()
                    .id(Fixtures.POD_ID)
                    .config(Fixtures.podConfig("x"))
                    .runtimeHandler("")
                    .createdAt(1)
                    .build())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(
            () ->
                PodSandbox.builder()
                    .id(Fixtures.POD_ID)
                    .config(Fixtures.podConfig("x"))
                    .runtimeHandler("runc")
                    .build())
        .isInstanceOf(InvalidArgumentException.class);
  }
}
