package io.tessera.storage.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.InvalidArgumentException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.storage.ref.Digest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** ImageManifest, ImageIndex and MediaTypes on sample documents. */
class ManifestParsingTest {

  private static final String D1 = "sha256:" + "1".repeat(64);
  private static final String D2 = "sha256:" + "2".repeat(64);
  private static final String D3 = "sha256:" + "3".repeat(64);
  private static final String D4 = "sha256:" + "4".repeat(64);

  private static byte[] json(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static final String OCI_MANIFEST =
      """
      {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
          "mediaType": "application/vnd.oci.image.config.v1+json",
          "digest": "%s",
          "size": 1470
        },
        "layers": [
          {"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "%s",
           "size": 2479186, "annotations": {"a": "b"}},
          {"mediaType": "application/vnd.oci.image.layer.v1.tar+zstd", "digest": "%s",
           "size": 93, "urls": ["https://example.com/x"]}
        ],
        "annotations": {"org.opencontainers.image.created": "2024-01-01T00:00:00Z"},
        "somethingNew": {"ignored": true}
      }
      """
          .formatted(D1, D2, D3);

  private static final String DOCKER_MANIFEST =
      """
      {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json",
                   "size": 7023, "digest": "%s"},
        "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    "size": 32654, "digest": "%s"}]
      }
      """
          .formatted(D1, D2);

  private static final String DOCKER_LIST =
      """
      {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
        "manifests": [
          {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528,
           "digest": "%s", "platform": {"architecture": "arm", "os": "linux", "variant": "v6"}},
          {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528,
           "digest": "%s", "platform": {"architecture": "amd64", "os": "linux"}},
          {"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528,
           "digest": "%s", "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
          {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 566,
           "digest": "%s", "platform": {"architecture": "unknown", "os": "unknown"},
           "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}
        ]
      }
      """
          .formatted(D1, D2, D3, D4);

  @Test
  void parsesAnOciManifest() {
    ImageManifest m = ImageManifest.parse(json(OCI_MANIFEST), MediaTypes.OCI_MANIFEST);
    assertThat(m.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(m.config().digest()).isEqualTo(Digest.parse(D1));
    assertThat(m.config().size()).isEqualTo(1470);
    assertThat(m.layers()).hasSize(2);
    assertThat(m.layers().get(0).annotations()).containsEntry("a", "b");
    assertThat(m.layers().get(1).urls()).containsExactly("https://example.com/x");
    assertThat(m.annotations()).containsKey("org.opencontainers.image.created");
    m.requireRunnable();
  }

  @Test
  void parsesADockerSchema2ManifestEvenWithAGenericContentType() {
    ImageManifest m = ImageManifest.parse(json(DOCKER_MANIFEST), "application/json");
    assertThat(m.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
    assertThat(m.layers().get(0).mediaType()).isEqualTo(MediaTypes.DOCKER_LAYER_GZIP);
    m.requireRunnable();
  }

  @Test
  void mediaTypeMayBeOmittedInOciDocuments() {
    String noType =
        OCI_MANIFEST.replace("\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",", "");
    assertThat(ImageManifest.parse(json(noType), null).mediaType())
        .isEqualTo(MediaTypes.OCI_MANIFEST);
  }

  @Test
  void contentTypeAndDeclaredMediaTypeMustAgree() {
    assertThatThrownBy(() -> ImageManifest.parse(json(DOCKER_MANIFEST), MediaTypes.OCI_MANIFEST))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("served as " + MediaTypes.OCI_MANIFEST);
  }

  @Test
  void parsesAManifestListAndSelectsPlatforms() {
    ImageIndex index = ImageIndex.parse(json(DOCKER_LIST), MediaTypes.DOCKER_MANIFEST_LIST);
    assertThat(index.manifests()).hasSize(4);
    assertThat(index.select(Platform.parse("linux/amd64")).digest()).isEqualTo(Digest.parse(D2));
    assertThat(index.select(Platform.parse("linux/arm64")).digest()).isEqualTo(Digest.parse(D3));
    // No v7 entry: the v6 one runs on a v7 CPU.
    assertThat(index.select(Platform.parse("linux/arm/v7")).digest()).isEqualTo(Digest.parse(D1));
    assertThatThrownBy(() -> index.select(Platform.parse("linux/arm/v5")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("linux/arm/v5")
        .hasMessageContaining("available: linux/arm/v6, linux/amd64, linux/arm64, unknown/unknown");
  }

  @Test
  void prefersTheExactVariantAndTheFirstOfEquals() {
    String oci =
        """
        {"schemaVersion": 2, "manifests": [
          {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": "%s",
           "platform": {"architecture": "arm", "os": "linux", "variant": "v6"}},
          {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": "%s",
           "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}},
          {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": "%s",
           "platform": {"architecture": "arm", "os": "linux", "variant": "v7"}},
          {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1, "digest": "%s"}
        ]}
        """
            .formatted(D1, D2, D3, D4);
    ImageIndex index = ImageIndex.parse(json(oci), null);
    assertThat(index.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(index.select(Platform.parse("linux/arm/v7")).digest()).isEqualTo(Digest.parse(D2));
  }

  @Test
  void rejectsMalformedDocuments() {
    assertThatThrownBy(() -> ImageManifest.parse(json("{"), null))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(
            () ->
                ImageManifest.parse(
                    json(OCI_MANIFEST.replace("\"schemaVersion\": 2", "\"schemaVersion\": 1")),
                    null))
        .hasMessageContaining("schemaVersion 1");
    assertThatThrownBy(
            () -> ImageManifest.parse(json(OCI_MANIFEST.replace(D2, "sha256:short")), null))
        .hasMessageContaining("layers[0]")
        .hasMessageContaining("64 lowercase hex");
    assertThatThrownBy(
            () -> ImageManifest.parse(json(OCI_MANIFEST.replace("\"size\": 93,", "")), null))
        .hasMessageContaining("layers[1]: missing size");
    assertThatThrownBy(() -> ImageManifest.parse(json(DOCKER_LIST), null))
        .hasMessageContaining("is not an image manifest");
    assertThatThrownBy(() -> ImageIndex.parse(json(DOCKER_MANIFEST), null))
        .hasMessageContaining("is not an image index");
    assertThatThrownBy(() -> ImageManifest.parse(json("{\"schemaVersion\":2}"), null))
        .hasMessageContaining("neither config nor manifests");
  }

  @Test
  void rejectsDockerSchema1() {
    String schema1 = "{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"y\",\"fsLayers\":[]}";
    assertThatThrownBy(
            () -> ImageManifest.parse(json(schema1), MediaTypes.DOCKER_SCHEMA1_SIGNED_MANIFEST))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("schema 1");
  }

  @Test
  void layerMediaTypes() {
    assertThat(MediaTypes.layerCompression(MediaTypes.OCI_LAYER))
        .isEqualTo(io.tessera.storage.layer.Compression.NONE);
    assertThat(MediaTypes.layerCompression(MediaTypes.OCI_LAYER_GZIP))
        .isEqualTo(io.tessera.storage.layer.Compression.GZIP);
    assertThat(MediaTypes.layerCompression(MediaTypes.DOCKER_LAYER_GZIP))
        .isEqualTo(io.tessera.storage.layer.Compression.GZIP);
    assertThat(MediaTypes.layerCompression(MediaTypes.OCI_LAYER_ZSTD))
        .isEqualTo(io.tessera.storage.layer.Compression.ZSTD);
    assertThatThrownBy(() -> MediaTypes.layerCompression(MediaTypes.DOCKER_FOREIGN_LAYER_GZIP))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("foreign/non-distributable");
    assertThatThrownBy(
            () ->
                MediaTypes.layerCompression(
                    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"))
        .hasMessageContaining("foreign/non-distributable");
    assertThatThrownBy(
            () ->
                MediaTypes.layerCompression("application/vnd.cncf.helm.chart.content.v1.tar+gzip"))
        .hasMessageContaining("not a filesystem layer");
  }

  @Test
  void requireRunnableNamesTheOffendingBlob() {
    String foreign =
        DOCKER_MANIFEST.replace(MediaTypes.DOCKER_LAYER_GZIP, MediaTypes.DOCKER_FOREIGN_LAYER_GZIP);
    assertThatThrownBy(() -> ImageManifest.parse(json(foreign), null).requireRunnable())
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("layer " + D2)
        .hasMessageContaining("foreign");
    String artifact =
        OCI_MANIFEST.replace(MediaTypes.OCI_CONFIG, "application/vnd.cncf.helm.config.v1+json");
    assertThatThrownBy(() -> ImageManifest.parse(json(artifact), null).requireRunnable())
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("not a container image");
  }
}
