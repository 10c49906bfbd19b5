package io.tessera.sandbox.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodSandboxStateTest {

  static Stream<Arguments> everyPair() {
    return Stream.of(PodSandboxState.values())
        .flatMap(from -> Stream.of(PodSandboxState.values()).map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPair")
  void onlyReadyToNotReadyIsAllowed(PodSandboxState from, PodSandboxState to) {
    boolean expected = from == PodSandboxState.READY && to == PodSandboxState.NOTREADY;
    assertThat(from.canTransitionTo(to)).isEqualTo(expected);
  }
}
