package io.tessera.storage.content;

import static io.tessera.storage.testing.RegistryHttpDouble.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.NotFoundException;
import io.tessera.storage.ref.Digest;
import io.tessera.storage.ref.ImageReference;
import io.tessera.storage.registry.Credentials;
import io.tessera.storage.registry.Descriptor;
import io.tessera.storage.registry.MediaTypes;
import io.tessera.storage.registry.Platform;
import io.tessera.storage.registry.RegistriesConf;
import io.tessera.storage.registry.RegistryClient;
import io.tessera.storage.registry.RetryPolicy;
import io.tessera.storage.testing.RegistryHttpDouble;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetcher's own logic (ordering, dedup, parallelism, failure) against an in-JVM double. */
class ImageFetcherTest {

  @TempDir Path root;

  private final RegistryHttpDouble server = RegistryHttpDouble.start();
  private final RegistryClient client =
      RegistryClient.builder()
          .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2)))
          .build();
  private final byte[] config = bytes("{\"os\":\"linux\",\"architecture\":\"amd64\"}");

  @AfterEach
  void stop() {
    server.close();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String descriptor(String mediaType, byte[] content) {
    return "{\"mediaType\":\""
        + mediaType
        + "\",\"digest\":\""
        + Digest.sha256Of(content)
        + "\",\"size\":"
        + content.length
        + "}";
  }

  /** Serves an image with these layers (in this order) under {@code repo:1}. */
  private byte[] serveImage(String repo, List<byte[]> layers, boolean serveBlobs) {
    List<String> layerJson = new ArrayList<>();
    for (byte[] l : layers) {
      layerJson.add(descriptor(MediaTypes.OCI_LAYER_GZIP, l));
      if (serveBlobs) {
        server.route(
            "/v2/" + repo + "/blobs/" + Digest.sha256Of(l),
            (ex, hit) -> respond(ex, 200, Map.of(), l));
      }
    }
    byte[] manifest =
        bytes(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"config\":"
                + descriptor(MediaTypes.OCI_CONFIG, config)
                + ",\"layers\":["
                + String.join(",", layerJson)
                + "]}");
    server.route(
        "/v2/" + repo + "/manifests/1",
        (ex, hit) -> respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest));
    server.route(
        "/v2/" + repo + "/blobs/" + Digest.sha256Of(config),
        (ex, hit) -> respond(ex, 200, Map.of(), config));
    return manifest;
  }

  @Test
  void aMissingLayerFailsThePullAndNoManifestIsStored() {
    byte[] present = bytes("layer one");
    byte[] missing = bytes("layer two");
    byte[] manifest = serveImage("team/app", List.of(present, missing), false);
    server.route(
        "/v2/team/app/blobs/" + Digest.sha256Of(present),
        (ex, hit) -> respond(ex, 200, Map.of(), present));
    ContentStore store = ContentStore.open(root);
    ImageFetcher fetcher = new ImageFetcher(store, client, RegistriesConf.empty());

    assertThatThrownBy(
            () ->
                fetcher.fetch(
                    ImageReference.parse(server.host() + "/team/app:1"),
                    Credentials.anonymous(),
                    Platform.parse("linux/amd64")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageStartingWith("pull " + server.host() + "/team/app:1: ")
        .hasMessageContaining(Digest.sha256Of(missing).toString());
    assertThat(store.has(Digest.sha256Of(manifest))).isFalse();
    assertThat(store.has(Digest.sha256Of(missing))).isFalse();
    assertThat(store.ingestFiles()).isEmpty();
  }

  @Test
  void repeatedLayersAreFetchedOnceAndKeptInOrder() {
    byte[] a = bytes("layer a");
    byte[] b = bytes("layer b");
    serveImage("team/app", List.of(a, b, a), true);
    ContentStore store = ContentStore.open(root);

    FetchedImage image =
        new ImageFetcher(store, client, RegistriesConf.empty())
            .fetch(
                ImageReference.parse(server.host() + "/team/app:1"),
                Credentials.anonymous(),
                Platform.parse("linux/amd64"));

    assertThat(image.layers())
        .extracting(Descriptor::digest)
        .containsExactly(Digest.sha256Of(a), Digest.sha256Of(b), Digest.sha256Of(a));
    assertThat(server.hits("/v2/team/app/blobs/" + Digest.sha256Of(a))).isEqualTo(1);
    assertThat(store.list()).hasSize(4); // manifest, config, a, b
  }

  @Test
  void downloadsLayersInParallel() {
    List<byte[]> layers = List.of(bytes("p1"), bytes("p2"), bytes("p3"));
    serveImage("team/par", layers, false);
    // Each layer answers only once all three are being downloaded at the same time.
    CountDownLatch together = new CountDownLatch(3);
    for (byte[] l : layers) {
      server.route(
          "/v2/team/par/blobs/" + Digest.sha256Of(l),
          (ex, hit) -> {
            together.countDown();
            boolean all;
            try {
              all = together.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              all = false;
            }
            respond(ex, all ? 200 : 400, Map.of(), all ? l : new byte[0]);
          });
    }
    ContentStore store = ContentStore.open(root);
    FetchedImage image =
        new ImageFetcher(store, client, RegistriesConf.empty(), 3)
            .fetch(
                ImageReference.parse(server.host() + "/team/par:1"),
                Credentials.anonymous(),
                Platform.parse("linux/amd64"));
    assertThat(image.layers()).hasSize(3);
  }

  @Test
  void pullsThroughAMirrorFromRegistriesConf() {
    byte[] layer = bytes("mirrored");
    byte[] manifest = serveImage("cache/library/app", List.of(layer), true);
    // The image's own registry (port 1) is never reachable: the mirror must serve everything.
    RegistriesConf conf =
        RegistriesConf.parse(
            "[[registry]]\nlocation = \"127.0.0.1:1\"\n"
                + "[[registry.mirror]]\nlocation = \""
                + server.host()
                + "/cache\"\n",
            "test");
    ContentStore store = ContentStore.open(root);
    ImageReference ref = ImageReference.parse("127.0.0.1:1/library/app:1");

    FetchedImage image =
        new ImageFetcher(store, client, conf)
            .fetch(ref, Credentials.anonymous(), Platform.parse("linux/amd64"));

    assertThat(image.reference()).isEqualTo(ref);
    assertThat(image.repoDigestReference())
        .hasToString("127.0.0.1:1/library/app@" + Digest.sha256Of(manifest));
    assertThat(store.has(Digest.sha256Of(layer))).isTrue();
  }
}
