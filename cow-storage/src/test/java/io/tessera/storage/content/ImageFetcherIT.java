package io.tessera.storage.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.storage.ref.Digest;
import io.tessera.storage.ref.ImageReference;
import io.tessera.storage.registry.Credentials;
import io.tessera.storage.registry.Descriptor;
import io.tessera.storage.registry.MediaTypes;
import io.tessera.storage.registry.Platform;
import io.tessera.storage.registry.RegistriesConf;
import io.tessera.storage.registry.RegistryClient;
import io.tessera.storage.registry.RetryPolicy;
import io.tessera.storage.testing.RegistryOciLayout;
import io.tessera.storage.testing.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real docker-registry into a real content store. */
class ImageFetcherIT {

  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");

  @TempDir Path temp;

  private final RegistryClient client =
      RegistryClient.builder()
          .retryPolicy(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200)))
          .build();

  /** A two-layer single-platform image tagged "1.0". */
  private record Image(Path layout, Descriptor manifest, List<RegistryOciLayout.Layer> layers) {}

  private Image twoLayerImage(String name) {
    RegistryOciLayout layout = RegistryOciLayout.create(temp.resolve(name));
    var base = layout.addLayer(Map.of("etc/os-release", RegistryOciLayout.text("ID=test\n")));
    var app = layout.addLayer(Map.of("app/hello.txt", RegistryOciLayout.text("hello " + name)));
    Descriptor manifest = layout.addImage(Platform.host(), List.of(base, app));
    layout.tag("1.0", manifest).write();
    return new Image(layout.dir(), manifest, List.of(base, app));
  }

  private ImageFetcher fetcher(ContentStore store) {
    return new ImageFetcher(store, client, RegistriesConf.empty());
  }

  private static void assertStoredAndVerified(ContentStore store, Digest digest) throws Exception {
    Path p = store.path(digest).orElseThrow(() -> new AssertionError(digest + " not stored"));
    assertThat(digest.recompute(Files.readAllBytes(p))).isEqualTo(digest);
  }

  @Test
  void pullsByTagThenByDigestIntoTheStore() throws Exception {
    Image image = twoLayerImage("app");
    try (TestRegistry registry = TestRegistry.start()) {
      registry.push(image.layout(), "demo/app:1.0");
      ContentStore store = ContentStore.open(temp.resolve("root"));

      FetchedImage byTag =
          fetcher(store)
              .fetch(registry.reference("demo/app:1.0"), Credentials.anonymous(), Platform.host());

      assertThat(byTag.manifestDigest()).isEqualTo(image.manifest().digest());
      assertThat(byTag.repoDigest()).isEqualTo(image.manifest().digest());
      assertThat(byTag.index()).isEmpty();
      assertThat(byTag.manifest().mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
      assertThat(byTag.layers())
          .extracting(Descriptor::digest)
          .containsExactly(
              image.layers().get(0).descriptor().digest(),
              image.layers().get(1).descriptor().digest());
      assertThat(byTag.repoDigestReference().toString())
          .isEqualTo(registry.host() + "/demo/app@" + image.manifest().digest());
      assertStoredAndVerified(store, byTag.manifestDigest());
      assertStoredAndVerified(store, byTag.configDigest());
      for (Descriptor layer : byTag.layers()) {
        assertStoredAndVerified(store, layer.digest());
      }
      assertThat(store.list()).hasSize(4);
      assertThat(store.ingestFiles()).isEmpty();

      ImageReference pinned = registry.reference("demo/app@" + image.manifest().digest());
      FetchedImage byDigest =
          fetcher(store).fetch(pinned, Credentials.anonymous(), Platform.host());
      assertThat(byDigest.manifestBytes()).isEqualTo(byTag.manifestBytes());
      assertThat(byDigest.configDigest()).isEqualTo(byTag.configDigest());
    }
  }

  @Test
  void pullsADockerSchema2Image() throws Exception {
    Image image = twoLayerImage("docker");
    try (TestRegistry registry = TestRegistry.start()) {
      registry.pushDockerSchema2(image.layout(), "1.0", "demo/docker:1.0");
      ContentStore store = ContentStore.open(temp.resolve("root"));

      FetchedImage fetched =
          fetcher(store)
              .fetch(
                  registry.reference("demo/docker:1.0"), Credentials.anonymous(), Platform.host());

      assertThat(fetched.manifest().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
      assertThat(fetched.config().mediaType()).isEqualTo(MediaTypes.DOCKER_CONFIG);
      assertThat(fetched.layers())
          .extracting(Descriptor::mediaType)
          .containsOnly(MediaTypes.DOCKER_LAYER_GZIP);
      assertStoredAndVerified(store, fetched.manifestDigest());
      for (Descriptor layer : fetched.layers()) {
        assertStoredAndVerified(store, layer.digest());
      }
    }
  }

  @Test
  void mirrorsAreTriedFirstAndThePrimaryServesWhatTheyLack() throws Exception {
    Image image = twoLayerImage("mirrored");
    try (TestRegistry mirror = TestRegistry.start();
        TestRegistry primary = TestRegistry.start()) {
      primary.push(image.layout(), "demo/mirrored:1.0");
      RegistriesConf conf =
          RegistriesConf.parse(
              "[[registry]]\nlocation = \""
                  + primary.host()
                  + "\"\n[[registry.mirror]]\nlocation = \""
                  + mirror.host()
                  + "\"\n",
              "test");
      ImageReference ref = primary.reference("demo/mirrored:1.0");

      ContentStore store = ContentStore.open(temp.resolve("a"));
      FetchedImage viaPrimary =
          new ImageFetcher(store, client, conf)
              .fetch(ref, Credentials.anonymous(), Platform.host());
      assertThat(viaPrimary.manifestDigest()).isEqualTo(image.manifest().digest());
      mirror.syncLog();
      assertThat(mirror.requests())
          .anyMatch(r -> r.path().equals("/v2/demo/mirrored/manifests/1.0") && r.status() == 404);

      // Once the mirror has the image, the primary is not needed at all.
      mirror.push(image.layout(), "demo/mirrored:1.0");
      primary.stop();
      ContentStore second = ContentStore.open(temp.resolve("b"));
      FetchedImage viaMirror =
          new ImageFetcher(second, client, conf)
              .fetch(ref, Credentials.anonymous(), Platform.host());
      assertThat(viaMirror.reference()).isEqualTo(ref);
      for (Descriptor layer : viaMirror.layers()) {
        assertStoredAndVerified(second, layer.digest());
      }
    }
  }

  @Test
  void unknownTagIsNotFound() throws Exception {
    try (TestRegistry registry = TestRegistry.start()) {
      ContentStore store = ContentStore.open(temp.resolve("root"));
      assertThatThrownBy(
              () ->
                  fetcher(store)
                      .fetch(registry.reference("nothing/here:1"), Credentials.anonymous(), AMD64))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("MANIFEST_UNKNOWN")
          .hasMessageContaining("nothing/here");
      assertThat(store.list()).isEmpty();
    }
  }

  @Test
  void basicAuthRegistryNeedsTheRightCredentials() throws Exception {
    Image image = twoLayerImage("private");
    try (TestRegistry registry = TestRegistry.builder().basicAuth("alice", "s3cret").start()) {
      registry.push(image.layout(), "team/private:1.0");
      ContentStore store = ContentStore.open(temp.resolve("root"));
      ImageReference ref = registry.reference("team/private:1.0");

      assertThatThrownBy(() -> fetcher(store).fetch(ref, Credentials.anonymous(), Platform.host()))
          .isInstanceOf(FailedPreconditionException.class)
          .hasMessageContaining("requires authentication (Basic)")
          .hasMessageContaining("no username/password was given");
      assertThatThrownBy(
              () -> fetcher(store).fetch(ref, Credentials.basic("alice", "wrong"), Platform.host()))
          .isInstanceOf(FailedPreconditionException.class)
          .hasMessageContaining("unauthorized")
          .hasMessageContaining("refused the credentials")
          .hasMessageNotContaining("wrong");
      assertThat(store.list()).isEmpty();

      FetchedImage fetched =
          fetcher(store).fetch(ref, Credentials.basic("alice", "s3cret"), Platform.host());
      assertThat(fetched.manifestDigest()).isEqualTo(image.manifest().digest());
      for (Descriptor layer : fetched.layers()) {
        assertStoredAndVerified(store, layer.digest());
      }
    }
  }

  @Test
  void tokenAuthRegistryBearerFlow() throws Exception {
    Image image = twoLayerImage("tokened");
    try (TestRegistry registry =
        TestRegistry.builder().tokenAuth("bob", "hunter2", "refresh-me").start()) {
      registry.push(image.layout(), "team/tokened:1.0");
      ImageReference ref = registry.reference("team/tokened:1.0");
      var tokens = registry.tokenServer().orElseThrow();

      ContentStore anonymousStore = ContentStore.open(temp.resolve("anon"));
      assertThatThrownBy(
              () -> fetcher(anonymousStore).fetch(ref, Credentials.anonymous(), Platform.host()))
          .isInstanceOf(FailedPreconditionException.class)
          .hasMessageContaining("token server refused (401)");

      ContentStore store = ContentStore.open(temp.resolve("basic"));
      int before = tokens.tokensIssued();
      FetchedImage fetched =
          fetcher(store).fetch(ref, Credentials.basic("bob", "hunter2"), Platform.host());
      assertThat(fetched.manifestDigest()).isEqualTo(image.manifest().digest());
      for (Descriptor layer : fetched.layers()) {
        assertStoredAndVerified(store, layer.digest());
      }
      // One token for the repository's pull scope, reused for the manifest and the three blobs.
      assertThat(tokens.tokensIssued() - before).isEqualTo(1);

      ContentStore oauthStore = ContentStore.open(temp.resolve("oauth"));
      Credentials identity = Credentials.fromAuthConfig(null, null, null, "refresh-me", null);
      FetchedImage viaRefreshToken = fetcher(oauthStore).fetch(ref, identity, Platform.host());
      assertThat(viaRefreshToken.configDigest()).isEqualTo(fetched.configDigest());

      Credentials badIdentity = Credentials.fromAuthConfig(null, null, null, "stale", null);
      assertThatThrownBy(
              () ->
                  fetcher(ContentStore.open(temp.resolve("bad")))
                      .fetch(ref, badIdentity, Platform.host()))
          .isInstanceOf(FailedPreconditionException.class)
          .hasMessageContaining("token server refused");
    }
  }

  @Test
  void multiPlatformIndexSelectsTheRequestedPlatform() throws Exception {
    RegistryOciLayout layout = RegistryOciLayout.create(temp.resolve("multi"));
    var amdLayer = layout.addLayer(Map.of("arch", RegistryOciLayout.text("amd64")));
    var armLayer = layout.addLayer(Map.of("arch", RegistryOciLayout.text("arm64")));
    Descriptor amd = layout.addImage(AMD64, List.of(amdLayer));
    Descriptor arm = layout.addImage(ARM64, List.of(armLayer));
    Descriptor index = layout.addIndex(List.of(amd, arm));
    layout.tag("multi", index).write();

    try (TestRegistry registry = TestRegistry.start()) {
      registry.push(layout.dir(), "demo/multi:multi");
      ImageReference ref = registry.reference("demo/multi:multi");

      ContentStore store = ContentStore.open(temp.resolve("root"));
      FetchedImage host = fetcher(store).fetch(ref, Credentials.anonymous(), Platform.host());
      Descriptor expectedForHost =
          Platform.host().equals(ARM64) ? arm : amd; // the build machines are amd64
      assertThat(host.manifestDigest()).isEqualTo(expectedForHost.digest());
      assertThat(host.repoDigest()).isEqualTo(index.digest());
      assertThat(host.index()).map(Descriptor::digest).contains(index.digest());
      assertStoredAndVerified(store, index.digest());

      FetchedImage forArm = fetcher(store).fetch(ref, Credentials.anonymous(), ARM64);
      assertThat(forArm.manifestDigest()).isEqualTo(arm.digest());
      assertThat(forArm.layers())
          .extracting(Descriptor::digest)
          .containsExactly(armLayer.descriptor().digest());

      assertThatThrownBy(
              () ->
                  fetcher(store).fetch(ref, Credentials.anonymous(), Platform.parse("linux/s390x")))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("no manifest for platform linux/s390x")
          .hasMessageContaining("available: linux/amd64, linux/arm64");
    }
  }

  @Test
  void concurrentFetchesOfOneImageDownloadEachBlobOnce() throws Exception {
    RegistryOciLayout layout = RegistryOciLayout.create(temp.resolve("shared"));
    var big = layout.addRandomLayer("data/blob.bin", 4 << 20, 7);
    var small = layout.addLayer(Map.of("a.txt", RegistryOciLayout.text("a")));
    var other = layout.addLayer(Map.of("b.txt", RegistryOciLayout.text("b")));
    Descriptor manifest = layout.addImage(Platform.host(), List.of(big, small, other));
    layout.tag("1", manifest).write();

    try (TestRegistry registry = TestRegistry.builder().throttle(16 << 20).start()) {
      registry.push(layout.dir(), "demo/shared:1");
      ContentStore store = ContentStore.open(temp.resolve("root"));
      ImageFetcher fetcher = fetcher(store);
      ImageReference ref = registry.reference("demo/shared:1");

      int pulls = 8;
      ExecutorService pool = Executors.newFixedThreadPool(pulls);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<FetchedImage>> results = new ArrayList<>();
        for (int i = 0; i < pulls; i++) {
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return fetcher.fetch(ref, Credentials.anonymous(), Platform.host());
                  }));
        }
        go.countDown();
        for (Future<FetchedImage> f : results) {
          assertThat(f.get(2, TimeUnit.MINUTES).manifestDigest()).isEqualTo(manifest.digest());
        }
      } finally {
        pool.shutdownNow();
      }

      registry.syncLog();
      Digest config =
          store.list().stream()
              .filter(d -> !d.equals(manifest.digest()))
              .filter(
                  d ->
                      !List.of(big, small, other).stream()
                          .anyMatch(l -> l.descriptor().digest().equals(d)))
              .findFirst()
              .orElseThrow();
      for (Digest blob :
          List.of(
              big.descriptor().digest(),
              small.descriptor().digest(),
              other.descriptor().digest(),
              config)) {
        assertThat(registry.blobGets(blob)).as("GETs of %s", blob).isEqualTo(1);
        assertStoredAndVerified(store, blob);
      }
    }
  }

  @Test
  void registryKilledMidBlobLeavesNothingPartialAndARetrySucceeds() throws Exception {
    RegistryOciLayout layout = RegistryOciLayout.create(temp.resolve("big"));
    var big = layout.addRandomLayer("data/big.bin", 24 << 20, 42);
    Descriptor manifest = layout.addImage(Platform.host(), List.of(big));
    layout.tag("1", manifest).write();
    Digest bigDigest = big.descriptor().digest();

    // 4 MiB/s: the 24 MiB layer takes ~6 s, so it is surely in flight when the registry dies.
    try (TestRegistry registry = TestRegistry.builder().throttle(4 << 20).start()) {
      registry.push(layout.dir(), "demo/big:1");
      ContentStore store = ContentStore.open(temp.resolve("root"));
      ImageFetcher fetcher = fetcher(store);
      ImageReference ref = registry.reference("demo/big:1");

      CompletableFuture<FetchedImage> pull =
          CompletableFuture.supplyAsync(
              () -> fetcher.fetch(ref, Credentials.anonymous(), Platform.host()));
      await().atMost(Duration.ofSeconds(60)).until(() -> ingestBytes(store) > (1 << 20));
      registry.stop();

      assertThat(pull)
          .failsWithin(Duration.ofMinutes(1))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(UnavailableException.class)
          .withMessageContaining(bigDigest.toString());
      assertThat(store.has(bigDigest)).isFalse();
      assertThat(store.has(manifest.digest())).isFalse();
      assertThat(store.ingestFiles()).isEmpty();

      registry.restart();
      FetchedImage fetched = fetcher.fetch(ref, Credentials.anonymous(), Platform.host());
      assertThat(fetched.manifestDigest()).isEqualTo(manifest.digest());
      assertStoredAndVerified(store, bigDigest);
      assertThat(store.ingestFiles()).isEmpty();
    }
  }

  private static long ingestBytes(ContentStore store) {
    long total = 0;
    for (Path p : store.ingestFiles()) {
      try {
        total += Files.size(p);
      } catch (IOException e) {
        // finished meanwhile
      }
    }
    return total;
  }
}
