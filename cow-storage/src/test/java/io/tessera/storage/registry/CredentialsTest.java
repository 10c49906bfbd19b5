package io.tessera.storage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CredentialsTest {

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decodesAuthIntoUserAndPassword() {
    Credentials c = Credentials.fromAuthConfig("", "", b64("alice:pa:ss"), "", "");
    assertThat(c.username()).contains("alice");
    assertThat(c.password()).contains("pa:ss");
    assertThat(c.basicAuthorization()).contains("Basic " + b64("alice:pa:ss"));
  }

  @Test
  void explicitUsernameWinsOverAuth() {
    Credentials c = Credentials.fromAuthConfig("bob", "pw", b64("alice:x"), null, null);
    assertThat(c.username()).contains("bob");
    assertThat(c.password()).contains("pw");
  }

  @Test
  void identityTokenStandsInForThePasswordInBasicAuth() {
    Credentials c = Credentials.fromAuthConfig("bob", null, null, "idt", null);
    assertThat(c.basicAuthorization()).contains("Basic " + b64("bob:idt"));
    assertThat(Credentials.fromAuthConfig(null, null, null, "idt", null).basicAuthorization())
        .isEmpty();
  }

  @Test
  void blankFieldsAreAbsent() {
    assertThat(Credentials.fromAuthConfig("", " ", null, "", null).isAnonymous()).isTrue();
    assertThat(Credentials.anonymous().basicAuthorization()).isEmpty();
  }

  @Test
  void badAuthIsRejected() {
    assertThatThrownBy(() -> Credentials.fromAuthConfig(null, null, "%%%", null, null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not valid base64");
    assertThatThrownBy(() -> Credentials.fromAuthConfig(null, null, b64("nocolon"), null, null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("user:password");
  }

  @Test
  void toStringHidesSecrets() {
    Credentials c = Credentials.fromAuthConfig("bob", "hunter2", null, "idtok", "regtok");
    assertThat(c.toString())
        .contains("bob")
        .doesNotContain("hunter2")
        .doesNotContain("idtok")
        .doesNotContain("regtok");
    assertThat(Credentials.anonymous()).hasToString("Credentials[anonymous]");
  }
}
