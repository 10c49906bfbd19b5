package io.tessera.kernel.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class ConmonControlTest {

  @Test
  void resizeIsTypeOneThenHeightThenWidth() {
    assertThat(ConmonControl.resizeMessage(24, 80)).isEqualTo("1 24 80\n");
  }

  @Test
  void sizesBeyondWhatConmonAcceptsAreClamped() {
    assertThat(ConmonControl.resizeMessage(5000, 1200)).isEqualTo("1 1000 1000\n");
  }

  @Test
  void emptyTerminalsAreRefused() {
    assertThatThrownBy(() -> ConmonControl.resizeMessage(0, 80))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void reopenLogIsTypeTwo() {
    assertThat(ConmonControl.reopenLogMessage()).isEqualTo("2 0 0\n");
  }
}
