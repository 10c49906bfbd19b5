package io.tessera.sandbox.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class KubeQuantityTest {
  @Test
  void decimalSuffixes() {
    assertThat(KubeQuantity.valueRoundedUp("10M")).isEqualTo(10_000_000L);
    assertThat(KubeQuantity.valueRoundedUp("1M")).isEqualTo(1_000_000L);
    assertThat(KubeQuantity.valueRoundedUp("1k")).isEqualTo(1_000L);
    assertThat(KubeQuantity.valueRoundedUp("2G")).isEqualTo(2_000_000_000L);
    assertThat(KubeQuantity.valueRoundedUp("1T")).isEqualTo(1_000_000_000_000L);
    assertThat(KubeQuantity.valueRoundedUp("1P")).isEqualTo(1_000_000_000_000_000L);
    assertThat(KubeQuantity.valueRoundedUp("1E")).isEqualTo(1_000_000_000_000_000_000L);
    assertThat(KubeQuantity.valueRoundedUp("1500")).isEqualTo(1500L);
  }

  @Test
  void binarySuffixes() {
    assertThat(KubeQuantity.valueRoundedUp("1Ki")).isEqualTo(1024L);
    assertThat(KubeQuantity.valueRoundedUp("1Mi")).isEqualTo(1_048_576L);
    assertThat(KubeQuantity.valueRoundedUp("10Gi")).isEqualTo(10_737_418_240L);
  }

  @Test
  void fractionsAndExponents() {
    assertThat(KubeQuantity.valueRoundedUp("1.5M")).isEqualTo(1_500_000L);
    assertThat(KubeQuantity.valueRoundedUp(".5k")).isEqualTo(500L);
    assertThat(KubeQuantity.valueRoundedUp("1e3")).isEqualTo(1000L);
    assertThat(KubeQuantity.valueRoundedUp("12E6")).isEqualTo(12_000_000L);
    assertThat(KubeQuantity.valueRoundedUp("+5")).isEqualTo(5L);
    // Like apimachinery's Value(): fractions round up.
    assertThat(KubeQuantity.valueRoundedUp("100m")).isEqualTo(1L);
    assertThat(KubeQuantity.valueRoundedUp("1.0001k")).isEqualTo(1001L);
    assertThat(KubeQuantity.parse("250m")).isEqualByComparingTo(new BigDecimal("0.25"));
    assertThat(KubeQuantity.parse("-1k")).isEqualByComparingTo(new BigDecimal("-1000"));
  }

  @Test
  void refusesWhatKubernetesRefuses() {
    for (String bad : new String[] {"", "M", "10 M", "10MB", "1Kib", "ten", "1e", "1..0", "0x10"}) {
      assertThatThrownBy(() -> KubeQuantity.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> KubeQuantity.valueRoundedUp("1e30")).hasMessageContaining("too large");
    assertThatThrownBy(() -> KubeQuantity.parse("1e999999")).hasMessageContaining("exponent");
  }
}
