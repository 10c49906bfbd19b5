package io.tessera.storage.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {

  private static final String EMPTY_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @Test
  void parsesSha256AndPrintsItBack() {
    Digest d = Digest.parse("sha256:" + EMPTY_SHA256);
    assertThat(d.algorithm()).isEqualTo("sha256");
    assertThat(d.hex()).isEqualTo(EMPTY_SHA256);
    assertThat(d).hasToString("sha256:" + EMPTY_SHA256);
  }

  @Test
  void parsesSha512() {
    String hex = "a".repeat(128);
    assertThat(Digest.parse("sha512:" + hex).hex()).isEqualTo(hex);
  }

  @Test
  void computesSha256OfKnownVectors() {
    assertThat(Digest.sha256Of(new byte[0])).hasToString("sha256:" + EMPTY_SHA256);
    assertThat(Digest.sha256Of("abc".getBytes(StandardCharsets.US_ASCII)).hex())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void recomputesWithItsOwnAlgorithm() {
    byte[] content = "abc".getBytes(StandardCharsets.US_ASCII);
    Digest sha512 =
        Digest.parse(
            "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    assertThat(sha512.recompute(content)).isEqualTo(sha512);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "sha256",
        ":abc",
        "sha256:",
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550",
        "sha256:g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        "SHA256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
      })
  void rejectsMalformedDigests(String text) {
    assertThatThrownBy(() -> Digest.parse(text))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("digest");
  }

  @Test
  void explainsWhatIsWrong() {
    assertThatThrownBy(() -> Digest.parse("md5:d41d8cd98f00b204e9800998ecf8427e"))
        .hasMessageContaining("unsupported algorithm");
    assertThatThrownBy(() -> Digest.parse("sha256:abc"))
        .hasMessageContaining("needs exactly 64 lowercase hex characters");
  }
}
