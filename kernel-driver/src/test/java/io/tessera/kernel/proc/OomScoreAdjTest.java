package io.tessera.kernel.proc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OomScoreAdjTest {

  @Test
  void neverBelowTheCurrentValue() {
    assertThat(OomScoreAdj.restrict(-998, 0)).isZero();
    assertThat(OomScoreAdj.restrict(-998, -1000)).isEqualTo(-998);
    assertThat(OomScoreAdj.restrict(500, 0)).isEqualTo(500);
  }

  @Test
  void boundedToTheKernelRange() {
    assertThat(OomScoreAdj.restrict(5000, 0)).isEqualTo(1000);
    assertThat(OomScoreAdj.restrict(-5000, -1000)).isEqualTo(-1000);
  }

  @Test
  void readsThisProcess() {
    int current = OomScoreAdj.current();
    assertThat(current).isBetween(-1000, 1000);
    assertThat(OomScoreAdj.restrict(-1000)).isEqualTo(current);
  }
}
