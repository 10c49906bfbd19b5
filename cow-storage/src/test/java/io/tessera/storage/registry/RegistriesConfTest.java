package io.tessera.storage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.storage.ref.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistriesConfTest {

  private static final String SAMPLE =
      """
      # as shipped by distributions, plus local rules
      unqualified-search-registries = ["docker.io", "quay.io"]
      short-name-mode = "enforcing"

      [aliases]
      "fedora" = "registry.fedoraproject.org/fedora"

      [[registry]]
      prefix = "docker.io"
      location = "docker.io"

      [[registry.mirror]]
      location = "mirror.local:5000/dockerhub"
      insecure = true

      [[registry.mirror]]
      location = "pinned.mirror.example"
      pull-from-mirror = "digest-only"

      [[registry]]
      prefix = "docker.io/library/busybox"
      location = "internal.example.com/base/busybox"

      [[registry]]
      location = "quay.io"
      blocked = true

      [[registry]]
      prefix = "*.corp.example"
      insecure = true

      [[registry]]
      prefix = "localhost:6000"
      insecure = false

      [[registry]]
      location = "digests.example"
      mirror-by-digest-only = true

      [[registry.mirror]]
      location = "digests-mirror.example"
      """;

  private static final String DIGEST = "sha256:" + "b".repeat(64);

  private final RegistriesConf conf = RegistriesConf.parse(SAMPLE, "sample.conf");

  private List<String> endpoints(String ref) {
    return conf.endpoints(ImageReference.parse(ref)).stream()
        .map(e -> e.scheme() + "://" + e.reference())
        .toList();
  }

  @Test
  void mirrorsComeFirstThenThePrimary() {
    assertThat(endpoints("nginx:1.25"))
        .containsExactly(
            "http://mirror.local:5000/dockerhub/library/nginx:1.25",
            "https://docker.io/library/nginx:1.25");
  }

  @Test
  void digestOnlyMirrorsServeOnlyPullsByDigest() {
    assertThat(endpoints("nginx@" + DIGEST))
        .containsExactly(
            "http://mirror.local:5000/dockerhub/library/nginx@" + DIGEST,
            "https://pinned.mirror.example/library/nginx@" + DIGEST,
            "https://docker.io/library/nginx@" + DIGEST);
  }

  @Test
  void longestPrefixWinsAndLocationReplacesIt() {
    assertThat(endpoints("busybox:1.36"))
        .containsExactly("https://internal.example.com/base/busybox:1.36");
  }

  @Test
  void prefixMatchesOnlyAtAComponentBoundary() {
    // "docker.io/library/busybox" must not capture "docker.io/library/busyboxplus".
    assertThat(endpoints("busyboxplus"))
        .containsExactly(
            "http://mirror.local:5000/dockerhub/library/busyboxplus:latest",
            "https://docker.io/library/busyboxplus:latest");
  }

  @Test
  void blockedRegistryFailsWithoutTryingAnything() {
    assertThatThrownBy(() -> conf.endpoints(ImageReference.parse("quay.io/coreos/etcd:v3")))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("blocked")
        .hasMessageContaining("quay.io/coreos/etcd:v3");
  }

  @Test
  void wildcardPrefixMatchesSubdomainsOnly() {
    assertThat(endpoints("build.corp.example/team/app:1"))
        .containsExactly("http://build.corp.example/team/app:1");
    assertThat(endpoints("a.b.corp.example/x:1")).containsExactly("http://a.b.corp.example/x:1");
    assertThat(endpoints("corp.example/x:1")).containsExactly("https://corp.example/x:1");
  }

  @Test
  void loopbackIsInsecureByDefaultUnlessARuleSaysOtherwise() {
    assertThat(endpoints("localhost:5000/x:1")).containsExactly("http://localhost:5000/x:1");
    assertThat(endpoints("127.0.0.1:5000/x:1")).containsExactly("http://127.0.0.1:5000/x:1");
    assertThat(endpoints("127.8.9.10/x:1")).containsExactly("http://127.8.9.10/x:1");
    assertThat(endpoints("[::1]:5000/x:1")).containsExactly("http://[::1]:5000/x:1");
    assertThat(endpoints("localhost:6000/x:1")).containsExactly("https://localhost:6000/x:1");
    assertThat(endpoints("128.0.0.1:5000/x:1")).containsExactly("https://128.0.0.1:5000/x:1");
    assertThat(endpoints("localhost.example/x:1")).containsExactly("https://localhost.example/x:1");
  }

  @Test
  void mirrorByDigestOnlyHidesMirrorsForTagPulls() {
    assertThat(endpoints("digests.example/a:1")).containsExactly("https://digests.example/a:1");
    assertThat(endpoints("digests.example/a@" + DIGEST))
        .containsExactly(
            "https://digests-mirror.example/a@" + DIGEST, "https://digests.example/a@" + DIGEST);
  }

  @Test
  void endpointsKnowDockerHubsApiHost() {
    RegistryEndpoint hub = conf.endpoints(ImageReference.parse("nginx")).get(1);
    assertThat(hub.apiHost()).isEqualTo("registry-1.docker.io");
    assertThat(hub.mirror()).isFalse();
    assertThat(conf.endpoints(ImageReference.parse("nginx")).get(0).mirror()).isTrue();
  }

  @Test
  void emptyConfigPullsDirectly() {
    List<RegistryEndpoint> e =
        RegistriesConf.empty().endpoints(ImageReference.parse("quay.io/a/b:1"));
    assertThat(e).containsExactly(RegistryEndpoint.direct(ImageReference.parse("quay.io/a/b:1")));
    assertThat(e.get(0).insecure()).isFalse();
  }

  @Test
  void missingFileIsEmptyConfig(@TempDir Path dir) throws Exception {
    assertThat(
            RegistriesConf.load(dir.resolve("none.conf"))
                .endpoints(ImageReference.parse("quay.io/a:1")))
        .hasSize(1);
    Path file = dir.resolve("registries.conf");
    Files.writeString(file, SAMPLE);
    assertThat(RegistriesConf.load(file).endpoints(ImageReference.parse("nginx"))).hasSize(2);
  }

  @Test
  void rejectsVersionOneFiles() {
    assertThatThrownBy(
            () ->
                RegistriesConf.parse(
                    "[registries.search]\nregistries = ['docker.io']\n", "old.conf"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("old.conf")
        .hasMessageContaining("version 1");
  }

  @Test
  void rejectsBrokenTomlAndBadRules() {
    assertThatThrownBy(() -> RegistriesConf.parse("[[registry]\nprefix=", "bad.conf"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("bad.conf");
    assertThatThrownBy(() -> RegistriesConf.parse("[[registry]]\ninsecure = true\n", "c"))
        .hasMessageContaining("needs a prefix or a location");
    assertThatThrownBy(
            () -> RegistriesConf.parse("[[registry]]\nprefix='*.a.b'\nlocation='x.io'\n", "c"))
        .hasMessageContaining("wildcard prefix");
    assertThatThrownBy(
            () ->
                RegistriesConf.parse(
                    "[[registry]]\nlocation='a.io'\n[[registry]]\nprefix='a.io'\n", "c"))
        .hasMessageContaining("defined twice");
    assertThatThrownBy(
            () ->
                RegistriesConf.parse(
                    "[[registry]]\nlocation='a.io'\n[[registry.mirror]]\nlocation='m.io'\n"
                        + "pull-from-mirror='sometimes'\n",
                    "c"))
        .hasMessageContaining("pull-from-mirror");
    assertThatThrownBy(
            () ->
                RegistriesConf.parse(
                    "[[registry]]\nlocation='a.io'\n[[registry.mirror]]\ninsecure=true\n", "c"))
        .hasMessageContaining("missing location");
  }

  @Test
  void loopbackDetection() {
    assertThat(RegistriesConf.isLoopback("localhost")).isTrue();
    assertThat(RegistriesConf.isLoopback("127.0.0.1:5000")).isTrue();
    assertThat(RegistriesConf.isLoopback("[::1]")).isTrue();
    assertThat(RegistriesConf.isLoopback("[0:0:0:0:0:0:0:1]:80")).isTrue();
    assertThat(RegistriesConf.isLoopback("[::2]")).isFalse();
    assertThat(RegistriesConf.isLoopback("10.0.0.1:5000")).isFalse();
    assertThat(RegistriesConf.isLoopback("docker.io")).isFalse();
  }
}
