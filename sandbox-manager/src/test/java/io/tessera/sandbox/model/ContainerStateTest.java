package io.tessera.sandbox.model;

import static io.tessera.sandbox.model.ContainerState.CREATED;
import static io.tessera.sandbox.model.ContainerState.EXITED;
import static io.tessera.sandbox.model.ContainerState.RUNNING;
import static io.tessera.sandbox.model.ContainerState.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContainerStateTest {
  private static final Map<ContainerState, Set<ContainerState>> ALLOWED =
      Map.of(
          CREATED, Set.of(RUNNING, EXITED, UNKNOWN),
          RUNNING, Set.of(EXITED, UNKNOWN),
          EXITED, Set.of(),
          UNKNOWN, Set.of(CREATED, RUNNING, EXITED));

  static Stream<Arguments> everyPair() {
    return Stream.of(ContainerState.values())
        .flatMap(from -> Stream.of(ContainerState.values()).map(to -> Arguments.of(from, to)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("everyPair")
  void followsTheDiagram(ContainerState from, ContainerState to) {
    assertThat(from.canTransitionTo(to)).isEqualTo(ALLOWED.get(from).contains(to));
  }
}
