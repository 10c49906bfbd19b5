package io.tessera.storage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "linux/x86_64, linux/amd64",
    "linux/amd64/v1, linux/amd64",
    "linux/amd64/v3, linux/amd64/v3",
    "linux/aarch64, linux/arm64",
    "linux/arm64/v8, linux/arm64",
    "linux/arm64/8, linux/arm64",
    "linux/arm, linux/arm/v7",
    "linux/armhf/6, linux/arm/v6",
    "linux/i686, linux/386",
    "Linux/PPC64LE, linux/ppc64le",
    "linux/s390x, linux/s390x"
  })
  void normalisesLikeContainerd(String input, String normalised) {
    assertThat(Platform.parse(input)).hasToString(normalised);
  }

  @Test
  void hostIsLinuxOnTheJvmsArchitectureInGoarchWords() {
    Platform host = Platform.host();
    assertThat(host.os()).isEqualTo("linux");
    String expected =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64" -> "arm64";
          default -> host.architecture();
        };
    assertThat(host.architecture()).isEqualTo(expected);
  }

  @Test
  void compatibility() {
    Platform armV7 = Platform.parse("linux/arm/v7");
    assertThat(armV7.compatibility(Platform.parse("linux/arm/v7"))).isZero();
    assertThat(armV7.compatibility(Platform.parse("linux/arm/v6"))).isEqualTo(1);
    assertThat(armV7.compatibility(Platform.parse("linux/arm/v5"))).isEqualTo(2);
    assertThat(armV7.compatibility(Platform.parse("linux/arm/v8"))).isNegative();
    assertThat(armV7.compatibility(Platform.parse("linux/arm64"))).isNegative();
    Platform amd = Platform.parse("linux/amd64");
    assertThat(amd.compatibility(Platform.parse("linux/amd64/v1"))).isZero();
    assertThat(amd.compatibility(Platform.parse("linux/amd64/v3"))).isNegative();
    assertThat(amd.compatibility(Platform.parse("windows/amd64"))).isNegative();
    assertThat(amd.compatibility(Platform.parse("unknown/unknown"))).isNegative();
  }

  @Test
  void rejectsIncompleteText() {
    assertThatThrownBy(() -> Platform.parse("linux"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("os/architecture");
    assertThatThrownBy(() -> Platform.parse("linux/")).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Platform.parse("a/b/c/d"))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
