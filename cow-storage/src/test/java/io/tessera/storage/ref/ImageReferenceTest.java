package io.tessera.storage.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {

  private static final String DIGEST =
      "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "busybox, docker.io/library/busybox:latest",
    "busybox:1.36, docker.io/library/busybox:1.36",
    "library/busybox, docker.io/library/busybox:latest",
    "foo/bar, docker.io/foo/bar:latest",
    "foo/bar/baz:v1, docker.io/foo/bar/baz:v1",
    "docker.io/busybox, docker.io/library/busybox:latest",
    "index.docker.io/busybox, docker.io/library/busybox:latest",
    "docker.io/foo/bar:tag, docker.io/foo/bar:tag",
    "localhost/foo, localhost/foo:latest",
    "localhost:5000/x, localhost:5000/x:latest",
    "127.0.0.1:5000/x:tag, 127.0.0.1:5000/x:tag",
    "quay.io/coreos/etcd:v3.5.0, quay.io/coreos/etcd:v3.5.0",
    "registry.k8s.io/pause:3.9, registry.k8s.io/pause:3.9",
    "Example/foo, Example/foo:latest",
    "[::1]:5000/foo:1, [::1]:5000/foo:1",
    "a.b/c__d/e-f--g.h_i:T_1.x-y, a.b/c__d/e-f--g.h_i:T_1.x-y",
    "busybox@" + DIGEST + ", docker.io/library/busybox@" + DIGEST,
    "127.0.0.1:5000/x:tag@" + DIGEST + ", 127.0.0.1:5000/x:tag@" + DIGEST
  })
  void normalisesTheDockerWay(String input, String canonical) {
    assertThat(ImageReference.parse(input)).hasToString(canonical);
  }

  @Test
  void splitsTheParts() {
    ImageReference r = ImageReference.parse("127.0.0.1:5000/team/app:tag@" + DIGEST);
    assertThat(r.registry()).isEqualTo("127.0.0.1:5000");
    assertThat(r.repository()).isEqualTo("team/app");
    assertThat(r.tag()).contains("tag");
    assertThat(r.digest()).contains(Digest.parse(DIGEST));
    assertThat(r.name()).isEqualTo("127.0.0.1:5000/team/app");
    assertThat(r.tagOrDigest()).isEqualTo(DIGEST);
  }

  @Test
  void addsLatestOnlyWithoutADigest() {
    assertThat(ImageReference.parse("busybox").tag()).contains("latest");
    ImageReference pinned = ImageReference.parse("busybox@" + DIGEST);
    assertThat(pinned.tag()).isEmpty();
    assertThat(pinned.tagOrDigest()).isEqualTo(DIGEST);
  }

  @Test
  void familiarFormDropsDockerHubDefaults() {
    assertThat(ImageReference.parse("busybox:1.36").familiar()).isEqualTo("busybox:1.36");
    assertThat(ImageReference.parse("foo/bar").familiar()).isEqualTo("foo/bar:latest");
    assertThat(ImageReference.parse("library/a/b").familiar()).isEqualTo("library/a/b:latest");
    assertThat(ImageReference.parse("quay.io/a/b:1").familiar()).isEqualTo("quay.io/a/b:1");
  }

  @Test
  void helpersReplaceTagAndDigest() {
    ImageReference r = ImageReference.parse("quay.io/a/b:1");
    Digest d = Digest.parse(DIGEST);
    assertThat(r.withTag("2")).hasToString("quay.io/a/b:2");
    assertThat(r.withDigest(d)).hasToString("quay.io/a/b:1@" + DIGEST);
    assertThat(r.byDigest(d)).hasToString("quay.io/a/b@" + DIGEST);
    assertThat(r.relocate("mirror:5000", "x/b")).hasToString("mirror:5000/x/b:1");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''| empty",
        "' busybox'| whitespace",
        "Busybox| must be lowercase",
        "docker.io/Foo/bar| must be lowercase",
        "foo/Bar| must be lowercase",
        "busybox:| bad tag",
        "busybox:-x| bad tag",
        "busybox:.x| bad tag",
        "busybox:a/b| bad registry port",
        "busybox@sha256:abc| bad digest",
        "busybox@md5:d41d8cd98f00b204e9800998ecf8427e| bad digest",
        "foo//bar| bad repository path component",
        "foo/bar/| bad repository path component",
        "-foo| bad repository path component",
        "foo-/bar| bad repository path component",
        "foo..bar/x| bad registry host",
        "a_b.com/x| bad registry host",
        "localhost:99999/x| bad registry port",
        "localhost:abc/x| bad registry port",
        ":tag| missing name",
        "@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa| missing name",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa| image id"
      })
  void rejectsMalformedReferencesSayingWhy(String input, String reason) {
    assertThatThrownBy(() -> ImageReference.parse(input))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void rejectsOverlongTagsAndNames() {
    assertThatThrownBy(() -> ImageReference.parse("busybox:" + "t".repeat(129)))
        .hasMessageContaining("bad tag");
    assertThat(ImageReference.parse("busybox:" + "t".repeat(128)).tag()).isPresent();
    assertThatThrownBy(() -> ImageReference.parse("quay.io/" + "a".repeat(250)))
        .hasMessageContaining("longer than 255");
  }

  @Test
  void constructorAddsDockerHubsImpliedLibrary() {
    assertThat(ImageReference.of("docker.io", "busybox", "1"))
        .isEqualTo(ImageReference.parse("busybox:1"));
  }

  @Test
  void constructorNeedsATagOrADigest() {
    assertThatThrownBy(() -> new ImageReference("quay.io", "a", Optional.empty(), Optional.empty()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("needs a tag or a digest");
  }

  @Property(tries = 300)
  void parseOfToStringIsIdentity(@ForAll("references") ImageReference r) {
    assertThat(ImageReference.parse(r.toString())).isEqualTo(r);
    assertThat(ImageReference.parse(r.familiar())).isEqualTo(r);
  }

  @Provide
  Arbitrary<ImageReference> references() {
    Arbitrary<String> component =
        Combinators.combine(
                Arbitraries.strings().withChars("abcxyz0129").ofMinLength(1).ofMaxLength(6),
                Arbitraries.of("", ".", "_", "__", "-", "--"),
                Arbitraries.strings().withChars("abz09").ofMinLength(1).ofMaxLength(4))
            .as((a, sep, b) -> sep.isEmpty() ? a : a + sep + b);
    Arbitrary<String> repository =
        component.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("/", l));
    Arbitrary<String> registry =
        Arbitraries.of(
            "docker.io",
            "quay.io",
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "[::1]:5000",
            "my-registry.example.com:443",
            "Example.com");
    Arbitrary<Optional<String>> tag =
        Combinators.combine(
                Arbitraries.strings().withChars("aZ09_").ofLength(1),
                Arbitraries.strings().withChars("aZ09_.-").ofMaxLength(20))
            .as((first, rest) -> first + rest)
            .optional(0.7);
    Arbitrary<Optional<Digest>> digest =
        Arbitraries.strings()
            .withChars("0123456789abcdef")
            .ofLength(64)
            .map(h -> new Digest("sha256", h))
            .optional(0.4);
    return Combinators.combine(registry, repository, tag, digest)
        .filter((reg, repo, t, d) -> t.isPresent() || d.isPresent())
        .as(ImageReference::new);
  }
}
