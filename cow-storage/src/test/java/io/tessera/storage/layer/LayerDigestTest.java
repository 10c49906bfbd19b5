package io.tessera.storage.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class LayerDigestTest {

  private static final String A =
      "sha256:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";

  @Test
  void acceptsLowercaseSha256() {
    LayerDigest d = LayerDigest.of(A);
    assertThat(d.hex()).hasSize(64).startsWith("ca9781");
    assertThat(d).hasToString(A);
  }

  @Test
  void refusesEverythingElse() {
    for (String bad :
        new String[] {
          A.toUpperCase(), "sha512:" + A.substring(7), A.substring(0, 70), A + "0", "", "sha256:"
        }) {
      assertThatThrownBy(() -> LayerDigest.of(bad))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("invalid layer digest");
    }
    assertThatThrownBy(() -> LayerDigest.of(null)).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void buildsFromRawBytes() {
    assertThat(LayerDigest.ofSha256(new byte[32]).hex()).isEqualTo("0".repeat(64));
    assertThatThrownBy(() -> LayerDigest.ofSha256(new byte[31]))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
