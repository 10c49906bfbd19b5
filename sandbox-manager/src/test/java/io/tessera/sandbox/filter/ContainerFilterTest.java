package io.tessera.sandbox.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.ids.IdIndex;
import io.tessera.sandbox.model.Container;
import io.tessera.sandbox.model.ContainerState;
import io.tessera.sandbox.model.ContainerStatus;
import io.tessera.sandbox.model.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerFilterTest {
  private static final String POD_1 = "11" + "0".repeat(62);
  private static final String POD_2 = "12" + "0".repeat(62);
  private static final String C_A = "ca" + "0".repeat(62);
  private static final String C_B = "cb" + "0".repeat(62);
  private static final String C_C = "dd" + "0".repeat(62);

  private final Container exitedApp = Fixtures.container(C_A, POD_1, "app", 10); // EXITED
  private final Container createdSide = Fixtures.minimalContainer(C_B, POD_1);
  private final Container runningOther = running(Fixtures.container(C_C, POD_2, "other", 30));
  private final List<Container> all = List.of(exitedApp, createdSide, runningOther);
  private final IdIndex containers = new IdIndex("container");
  private final IdIndex pods = new IdIndex("pod sandbox");

  ContainerFilterTest() {
    all.forEach(c -> containers.add(c.id()));
    pods.add(POD_1);
    pods.add(POD_2);
  }

  private static Container running(Container c) {
    return c.withStatus(
        ContainerStatus.created(c.createdAt(), Optional.empty())
            .withStarted(c.createdAt() + 1, 99));
  }

  private List<Container> select(ContainerFilter f) {
    return f.resolveIds(containers::tryResolve, pods::tryResolve).apply(all);
  }

  private static ContainerFilter filter(
      String id, ContainerState state, String pod, Map<String, String> labels) {
    return new ContainerFilter(
        Optional.ofNullable(id), Optional.ofNullable(state), Optional.ofNullable(pod), labels);
  }

  @Test
  void emptyFilterMatchesAll() {
    assertThat(select(ContainerFilter.ALL)).containsExactly(exitedApp, createdSide, runningOther);
  }

  @Test
  void idByFullIdOrUniquePrefix() {
    assertThat(select(filter(C_B, null, null, Map.of()))).containsExactly(createdSide);
    assertThat(select(filter("d", null, null, Map.of()))).containsExactly(runningOther);
    assertThat(select(filter("c", null, null, Map.of()))).isEmpty(); // ambiguous
    assertThat(select(filter("e", null, null, Map.of()))).isEmpty(); // unknown
  }

  @Test
  void podSandboxIdByFullIdOrUniquePrefix() {
    assertThat(select(filter(null, null, POD_1, Map.of()))).containsExactly(exitedApp, createdSide);
    assertThat(select(filter(null, null, "12", Map.of()))).containsExactly(runningOther);
    assertThat(select(filter(null, null, "1", Map.of()))).isEmpty(); // ambiguous
  }

  @Test
  void stateMatches() {
    assertThat(select(filter(null, ContainerState.EXITED, null, Map.of())))
        .containsExactly(exitedApp);
    assertThat(select(filter(null, ContainerState.CREATED, null, Map.of())))
        .containsExactly(createdSide);
    assertThat(select(filter(null, ContainerState.RUNNING, null, Map.of())))
        .containsExactly(runningOther);
    assertThat(select(filter(null, ContainerState.UNKNOWN, null, Map.of()))).isEmpty();
  }

  @Test
  void labelsAllMustMatch() {
    assertThat(select(filter(null, null, null, Map.of("io.kubernetes.container.name", "app"))))
        .containsExactly(exitedApp);
    assertThat(
            select(
                filter(
                    null,
                    null,
                    null,
                    Map.of("io.kubernetes.container.name", "app", "missing", "x"))))
        .isEmpty();
  }

  @Test
  void fieldsCombineWithAnd() {
    assertThat(select(filter("ca", ContainerState.EXITED, "11", Map.of())))
        .containsExactly(exitedApp);
    assertThat(select(filter("ca", ContainerState.EXITED, "12", Map.of()))).isEmpty();
    assertThat(select(filter(null, ContainerState.RUNNING, POD_1, Map.of()))).isEmpty();
  }

  @Test
  void emptyIdsAreRefused() {
    assertThatThrownBy(() -> filter("", null, null, Map.of()))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> filter(null, null, "", Map.of()))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
