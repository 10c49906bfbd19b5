package io.tessera.sandbox.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.sandbox.ids.IdIndex;
import io.tessera.sandbox.model.Fixtures;
import io.tessera.sandbox.model.PodSandbox;
import io.tessera.sandbox.model.PodSandboxState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodSandboxFilterTest {
  private static final String ID_A = "aa01" + "0".repeat(60);
  private static final String ID_B = "aa02" + "0".repeat(60);
  private static final String ID_C = "bb" + "0".repeat(62);

  private final PodSandbox web = Fixtures.pod(ID_A, "web", 1); // labels app=web, tier=web
  private final PodSandbox db = Fixtures.pod(ID_B, "db", 2); // app=db, tier=web
  private final PodSandbox stopped = stop(Fixtures.pod(ID_C, "old", 3));
  private final List<PodSandbox> all = List.of(web, db, stopped);
  private final IdIndex index = new IdIndex("pod sandbox");

  PodSandboxFilterTest() {
    all.forEach(p -> index.add(p.id()));
  }

  private static PodSandbox stop(PodSandbox p) {
    return p.withStatus(p.status().withState(PodSandboxState.NOTREADY));
  }

  private List<PodSandbox> select(PodSandboxFilter f) {
    return f.resolveId(index::tryResolve).apply(all);
  }

  @Test
  void emptyFilterMatchesAllInOrder() {
    assertThat(select(PodSandboxFilter.ALL)).containsExactly(web, db, stopped);
  }

  @Test
  void fullIdAndUniquePrefixMatchOne() {
    assertThat(select(new PodSandboxFilter(Optional.of(ID_B), Optional.empty(), Map.of())))
        .containsExactly(db);
    assertThat(select(new PodSandboxFilter(Optional.of("b"), Optional.empty(), Map.of())))
        .containsExactly(stopped);
    assertThat(select(new PodSandboxFilter(Optional.of("aa01"), Optional.empty(), Map.of())))
        .containsExactly(web);
  }

  @Test
  void ambiguousOrUnknownPrefixMatchesNothing() {
    assertThat(select(new PodSandboxFilter(Optional.of("aa"), Optional.empty(), Map.of())))
        .isEmpty();
    assertThat(select(new PodSandboxFilter(Optional.of("ff"), Optional.empty(), Map.of())))
        .isEmpty();
  }

  @Test
  void unresolvedPrefixDoesNotMatchByItself() {
    assertThat(new PodSandboxFilter(Optional.of("aa01"), Optional.empty(), Map.of()).matches(web))
        .isFalse();
  }

  @Test
  void stateMatches() {
    assertThat(
            select(
                new PodSandboxFilter(
                    Optional.empty(), Optional.of(PodSandboxState.READY), Map.of())))
        .containsExactly(web, db);
    assertThat(
            select(
                new PodSandboxFilter(
                    Optional.empty(), Optional.of(PodSandboxState.NOTREADY), Map.of())))
        .containsExactly(stopped);
  }

  @Test
  void everySelectorLabelMustMatch() {
    assertThat(
            select(new PodSandboxFilter(Optional.empty(), Optional.empty(), Map.of("tier", "web"))))
        .containsExactly(web, db, stopped);
    assertThat(
            select(
                new PodSandboxFilter(
                    Optional.empty(), Optional.empty(), Map.of("tier", "web", "app", "db"))))
        .containsExactly(db);
    assertThat(
            select(
                new PodSandboxFilter(
                    Optional.empty(), Optional.empty(), Map.of("tier", "web", "nope", ""))))
        .isEmpty();
    assertThat(
            select(new PodSandboxFilter(Optional.empty(), Optional.empty(), Map.of("app", "WEB"))))
        .isEmpty();
  }

  @Test
  void fieldsCombineWithAnd() {
    assertThat(
            select(
                new PodSandboxFilter(
                    Optional.of(ID_A), Optional.of(PodSandboxState.NOTREADY), Map.of())))
        .isEmpty();
    assertThat(
            select(
                new PodSandboxFilter(
                    Optional.of("aa01"), Optional.of(PodSandboxState.READY), Map.of("app", "web"))))
        .containsExactly(web);
  }

  @Test
  void emptyIdIsRefusedUseAbsent() {
    assertThatThrownBy(() -> new PodSandboxFilter(Optional.of(""), Optional.empty(), Map.of()))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
