package io.tessera.storage.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

  @Test
  void parsesDockerHubBearerChallenge() {
    List<AuthChallenge> c =
        AuthChallenge.parse(
            "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                + "scope=\"repository:library/busybox:pull\"");
    assertThat(c).hasSize(1);
    assertThat(c.get(0).isBearer()).isTrue();
    assertThat(c.get(0).params())
        .isEqualTo(
            Map.of(
                "realm", "https://auth.docker.io/token",
                "service", "registry.docker.io",
                "scope", "repository:library/busybox:pull"));
  }

  @Test
  void schemeAndParameterNamesAreCaseInsensitive() {
    AuthChallenge c = AuthChallenge.parse("BEARER Realm=\"r\", SERVICE=s").get(0);
    assertThat(c.scheme()).isEqualTo("bearer");
    assertThat(c.param("realm")).isEqualTo("r");
    assertThat(c.param("Service")).isEqualTo("s");
  }

  @Test
  void quotedStringsKeepCommasEqualsAndEscapes() {
    AuthChallenge c =
        AuthChallenge.parse(
                "Bearer realm=\"https://a/t?x=1,y=2\", scope=\"repository:a:pull,push\","
                    + " error=\"say \\\"no\\\"\\\\\"")
            .get(0);
    assertThat(c.param("realm")).isEqualTo("https://a/t?x=1,y=2");
    assertThat(c.param("scope")).isEqualTo("repository:a:pull,push");
    assertThat(c.param("error")).isEqualTo("say \"no\"\\");
  }

  @Test
  void tolerantOfWhitespaceAroundEqualsAndEmptyListElements() {
    AuthChallenge c = AuthChallenge.parse("Bearer  realm = \"r\" ,, service= s ,").get(0);
    assertThat(c.params()).isEqualTo(Map.of("realm", "r", "service", "s"));
  }

  @Test
  void separatesSeveralChallengesInOneHeader() {
    List<AuthChallenge> c =
        AuthChallenge.parse("Basic realm=\"Registry Realm\", Bearer realm=\"https://t\",service=x");
    assertThat(c).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
    assertThat(c.get(0).param("realm")).isEqualTo("Registry Realm");
    assertThat(c.get(1).params()).isEqualTo(Map.of("realm", "https://t", "service", "x"));
  }

  @Test
  void schemeWithoutParametersFollowedByAnother() {
    List<AuthChallenge> c = AuthChallenge.parse("Negotiate, Basic realm=\"x\"");
    assertThat(c).extracting(AuthChallenge::scheme).containsExactly("negotiate", "basic");
    assertThat(c.get(0).params()).isEmpty();
  }

  @Test
  void token68Form() {
    List<AuthChallenge> c = AuthChallenge.parse("Negotiate abc+/==, Bearer realm=r");
    assertThat(c.get(0).param("")).isEqualTo("abc+/==");
    assertThat(c.get(1).param("realm")).isEqualTo("r");
  }

  @Test
  void readsEveryHeaderValue() {
    List<AuthChallenge> c = AuthChallenge.parse(List.of("Basic realm=\"a\"", "Bearer realm=\"b\""));
    assertThat(c).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer");
  }

  @Test
  void keepsWhatParsedBeforeAnUnterminatedQuote() {
    List<AuthChallenge> c = AuthChallenge.parse("Bearer realm=\"r\", service=\"unterminated");
    assertThat(c).hasSize(1);
    assertThat(c.get(0).param("realm")).isEqualTo("r");
    assertThat(c.get(0).param("service")).isNull();
  }

  @Test
  void emptyAndGarbageGiveNothingUseful() {
    assertThat(AuthChallenge.parse("")).isEmpty();
    assertThat(AuthChallenge.parse(" , ")).isEmpty();
    assertThat(AuthChallenge.parse("=\"x\"")).isEmpty();
  }
}
