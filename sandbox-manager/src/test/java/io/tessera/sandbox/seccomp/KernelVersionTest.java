package io.tessera.sandbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KernelVersionTest {

  @Test
  void parsesReleaseStringsAndIgnoresTheirSuffix() {
    assertThat(KernelVersion.parse("5.10.0-23-amd64")).isEqualTo(new KernelVersion(5, 10, 0));
    assertThat(KernelVersion.parse("6.18.44-fc-v1252")).isEqualTo(new KernelVersion(6, 18, 44));
    assertThat(KernelVersion.parse("4.8")).isEqualTo(new KernelVersion(4, 8, 0));
    assertThat(KernelVersion.parse("3.10.0-1160.el7.x86_64"))
        .isEqualTo(new KernelVersion(3, 10, 0));
  }

  @Test
  void comparesNumericallyNotTextually() {
    assertThat(KernelVersion.parse("4.10").atLeast(KernelVersion.parse("4.8"))).isTrue();
    assertThat(KernelVersion.parse("4.7.99").atLeast(KernelVersion.parse("4.8"))).isFalse();
    assertThat(KernelVersion.parse("4.8.0").atLeast(KernelVersion.parse("4.8"))).isTrue();
  }

  @Test
  void refusesTextThatIsNoVersion() {
    assertThatThrownBy(() -> KernelVersion.parse("latest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'latest' is not a kernel version");
    assertThatThrownBy(() -> KernelVersion.parse("5")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void hostKernelParses() {
    assertThat(KernelVersion.host().major()).isGreaterThanOrEqualTo(3);
  }
}
