package io.tessera.storage.registry;

import static io.tessera.storage.testing.RegistryHttpDouble.respond;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.NotFoundException;
import io.tessera.kernel.errors.UnavailableException;
import io.tessera.storage.ref.Digest;
import io.tessera.storage.ref.ImageReference;
import io.tessera.storage.testing.RegistryHttpDouble;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against an in-JVM double of the remote side that misbehaves on purpose. */
class RegistryClientTest {

  private static final String MANIFEST_PATH = "/v2/team/app/manifests/1";

  private final RegistryHttpDouble server = RegistryHttpDouble.start();
  private final RegistryHttpDouble other = RegistryHttpDouble.start();

  private final RegistryClient client =
      RegistryClient.builder()
          .retryPolicy(new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)))
          .idleTimeout(Duration.ofMillis(300))
          .build();

  private final byte[] layer = random(200_000, 1);
  private final Digest layerDigest = Digest.sha256Of(layer);
  private final byte[] config =
      "{\"os\":\"linux\",\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8);
  private final Digest configDigest = Digest.sha256Of(config);
  private final byte[] manifest =
      ("{\"schemaVersion\":2,\"mediaType\":\""
              + MediaTypes.OCI_MANIFEST
              + "\","
              + "\"config\":{\"mediaType\":\""
              + MediaTypes.OCI_CONFIG
              + "\",\"digest\":\""
              + configDigest
              + "\",\"size\":"
              + config.length
              + "},"
              + "\"layers\":[{\"mediaType\":\""
              + MediaTypes.OCI_LAYER_GZIP
              + "\",\"digest\":\""
              + layerDigest
              + "\",\"size\":"
              + layer.length
              + "}]}")
          .getBytes(StandardCharsets.UTF_8);

  @AfterEach
  void stop() {
    server.close();
    other.close();
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private RegistryEndpoint endpoint(RegistryHttpDouble at) {
    return new RegistryEndpoint(ImageReference.parse(at.host() + "/team/app:1"), true, false);
  }

  private String blobPath(Digest d) {
    return "/v2/team/app/blobs/" + d;
  }

  private void serveManifest(RegistryHttpDouble at) {
    at.route(
        MANIFEST_PATH,
        (ex, hit) -> respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest));
  }

  private void serveLayer(RegistryHttpDouble at) {
    at.route(blobPath(layerDigest), (ex, hit) -> respond(ex, 200, Map.of(), layer));
  }

  private byte[] fetchLayer(List<RegistryEndpoint> endpoints, Credentials credentials) {
    MemorySink sink = new MemorySink(layerDigest);
    client.fetchBlob(endpoints, layerDigest, layer.length, credentials, sink);
    return sink.content();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- authentication ----

  @Test
  void answersABearerChallengeAndReusesTheToken() {
    String challenge =
        "Bearer realm=\"http://"
            + server.host()
            + "/token\",service=\"svc\","
            + "scope=\"repository:team/app:pull\"";
    RegistryHttpDouble.Handler guarded =
        (ex, hit) -> {
          if ("Bearer tok-1".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            byte[] body = ex.getRequestURI().getPath().contains("/manifests/") ? manifest : layer;
            respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), body);
          } else {
            respond(
                ex,
                401,
                Map.of("WWW-Authenticate", challenge),
                bytes(
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"));
          }
        };
    server.route(MANIFEST_PATH, guarded).route(blobPath(layerDigest), guarded);
    server.route(
        "/token",
        (ex, hit) -> {
          String query =
              URLDecoder.decode(ex.getRequestURI().getRawQuery(), StandardCharsets.UTF_8);
          assertThat(query).contains("service=svc").contains("scope=repository:team/app:pull");
          respond(ex, 200, Map.of(), bytes("{\"token\":\"tok-1\",\"expires_in\":300}"));
        });

    ManifestResponse m = client.fetchManifest(endpoint(server), "1", Credentials.anonymous());
    assertThat(m.content()).isEqualTo(manifest);
    assertThat(fetchLayer(List.of(endpoint(server)), Credentials.anonymous())).isEqualTo(layer);

    assertThat(server.hits("/token")).isEqualTo(1);
    assertThat(server.hits(MANIFEST_PATH)).isEqualTo(2); // the 401, then the answer
    assertThat(server.hits(blobPath(layerDigest))).isEqualTo(1); // token sent up front
  }

  @Test
  void tokenRealmGetsBasicCredentialsOrAnOauthRefreshTokenPost() {
    String challenge = "Bearer realm=\"http://" + server.host() + "/token\",service=\"svc\"";
    server.route(
        MANIFEST_PATH,
        (ex, hit) -> {
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          if (auth != null && auth.startsWith("Bearer good-")) {
            respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest);
          } else {
            respond(ex, 401, Map.of("WWW-Authenticate", challenge), new byte[0]);
          }
        });
    server.route(
        "/token",
        (ex, hit) -> {
          if (ex.getRequestMethod().equals("POST")) {
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(form)
                .contains("grant_type=refresh_token")
                .contains("refresh_token=idt")
                .contains("service=svc")
                .contains("scope=repository%3Ateam%2Fapp%3Apull");
            respond(ex, 200, Map.of(), bytes("{\"access_token\":\"good-oauth\"}"));
          } else {
            String basic = "Basic " + Base64.getEncoder().encodeToString(bytes("alice:pw"));
            if (basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
              respond(ex, 200, Map.of(), bytes("{\"token\":\"good-basic\"}"));
            } else {
              respond(
                  ex,
                  401,
                  Map.of(),
                  bytes("{\"errors\":[{\"code\":\"DENIED\",\"message\":\"no\"}]}"));
            }
          }
        });

    client.fetchManifest(endpoint(server), "1", Credentials.basic("alice", "pw"));
    client.fetchManifest(
        endpoint(server), "1", Credentials.fromAuthConfig(null, null, null, "idt", null));
    assertThat(server.requests())
        .filteredOn(r -> r.path().equals(MANIFEST_PATH) && r.header("Authorization") != null)
        .extracting(r -> r.header("Authorization"))
        .containsExactly("Bearer good-basic", "Bearer good-oauth");

    assertThatThrownBy(
            () -> client.fetchManifest(endpoint(server), "1", Credentials.basic("alice", "bad")))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("token server refused (401)")
        .hasMessageContaining("DENIED");
  }

  @Test
  void answersABasicChallenge() {
    String expected = "Basic " + Base64.getEncoder().encodeToString(bytes("bob:pw"));
    server.route(
        MANIFEST_PATH,
        (ex, hit) -> {
          if (expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest);
          } else {
            respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=\"Registry\""), new byte[0]);
          }
        });
    assertThat(
            client.fetchManifest(endpoint(server), "1", Credentials.basic("bob", "pw")).content())
        .isEqualTo(manifest);
    assertThatThrownBy(() -> client.fetchManifest(endpoint(server), "1", Credentials.anonymous()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("requires authentication (Basic)");
    assertThatThrownBy(
            () -> client.fetchManifest(endpoint(server), "1", Credentials.basic("bob", "x")))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("refused the credentials");
  }

  @Test
  void registryTokenIsSentAsIs() {
    server.route(
        MANIFEST_PATH,
        (ex, hit) -> {
          assertThat(ex.getRequestHeaders().getFirst("Authorization")).isEqualTo("Bearer rt");
          respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest);
        });
    client.fetchManifest(
        endpoint(server), "1", Credentials.fromAuthConfig(null, null, null, null, "rt"));
    assertThat(server.hits(MANIFEST_PATH)).isEqualTo(1);
  }

  // ---- retries ----

  @Test
  void retries5xxAnd429ThenSucceeds() {
    server.route(
        MANIFEST_PATH,
        (ex, hit) -> {
          switch (hit) {
            case 1 -> respond(ex, 503, Map.of(), bytes("busy"));
            case 2 -> respond(ex, 429, Map.of("Retry-After", "0"), new byte[0]);
            default -> respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest);
          }
        });
    assertThat(client.fetchManifest(endpoint(server), "1", Credentials.anonymous()).content())
        .isEqualTo(manifest);
    assertThat(server.hits(MANIFEST_PATH)).isEqualTo(3);
  }

  @Test
  void givesUpAfterTheConfiguredAttempts() {
    server.route(MANIFEST_PATH, (ex, hit) -> respond(ex, 500, Map.of(), bytes("broken")));
    assertThatThrownBy(() -> client.fetchManifest(endpoint(server), "1", Credentials.anonymous()))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("failed after 4 attempts")
        .hasMessageContaining("HTTP 500");
    assertThat(server.hits(MANIFEST_PATH)).isEqualTo(4);
  }

  @Test
  void connectionRefusedIsUnavailable() {
    RegistryHttpDouble gone = RegistryHttpDouble.start();
    RegistryEndpoint e = endpoint(gone);
    gone.close();
    assertThatThrownBy(() -> client.fetchManifest(e, "1", Credentials.anonymous()))
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("ConnectException");
  }

  @Test
  void notFoundIsNotRetried() {
    server.route(
        blobPath(layerDigest),
        (ex, hit) ->
            respond(
                ex,
                404,
                Map.of(),
                bytes(
                    "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}")));
    assertThatThrownBy(() -> fetchLayer(List.of(endpoint(server)), Credentials.anonymous()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("BLOB_UNKNOWN: blob unknown to registry")
        .hasMessageContaining(layerDigest.toString());
    assertThat(server.hits(blobPath(layerDigest))).isEqualTo(1);
  }

  // ---- blobs: resume, restart, verification ----

  /** Sends the headers for the whole blob, then only {@code n} bytes, then drops the connection. */
  private void truncated(com.sun.net.httpserver.HttpExchange ex, int n) throws IOException {
    ex.sendResponseHeaders(200, layer.length);
    OutputStream out = ex.getResponseBody();
    out.write(layer, 0, n);
    out.flush();
    ex.getHttpContext().getServer(); // keep the exchange referenced until here
    try {
      out.close(); // fewer bytes than announced: the server closes the connection
    } catch (IOException expected) {
      // "insufficient bytes written to stream"
    }
  }

  @Test
  void resumesABrokenDownloadWithARangeRequest() {
    server.route(
        blobPath(layerDigest),
        (ex, hit) -> {
          if (hit == 1) {
            truncated(ex, 100_000);
            return;
          }
          String range = ex.getRequestHeaders().getFirst("Range");
          assertThat(range).startsWith("bytes=");
          int from = Integer.parseInt(range.substring(6, range.length() - 1));
          byte[] rest = Arrays.copyOfRange(layer, from, layer.length);
          respond(
              ex,
              206,
              Map.of(
                  "Content-Range", "bytes " + from + "-" + (layer.length - 1) + "/" + layer.length),
              rest);
        });
    assertThat(fetchLayer(List.of(endpoint(server)), Credentials.anonymous())).isEqualTo(layer);
    assertThat(server.hits(blobPath(layerDigest))).isEqualTo(2);
    String range = server.requests().get(1).header("Range");
    int from = Integer.parseInt(range.substring(6, range.length() - 1));
    assertThat(from).isPositive().isLessThanOrEqualTo(100_000);
  }

  @Test
  void restartsFromZeroWhenTheServerIgnoresRange() {
    MemorySink sink = new MemorySink(layerDigest);
    server.route(
        blobPath(layerDigest),
        (ex, hit) -> {
          if (hit == 1) {
            truncated(ex, 50_000);
          } else {
            respond(ex, 200, Map.of(), layer);
          }
        });
    client.fetchBlob(
        List.of(endpoint(server)), layerDigest, layer.length, Credentials.anonymous(), sink);
    assertThat(sink.content()).isEqualTo(layer);
    assertThat(sink.restarts).isEqualTo(1);
  }

  @Test
  void abandonsAStalledBodyAndResumes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    server.route(
        blobPath(layerDigest),
        (ex, hit) -> {
          if (hit == 1) {
            ex.sendResponseHeaders(200, layer.length);
            ex.getResponseBody().write(layer, 0, 64_000);
            ex.getResponseBody().flush();
            try {
              release.await(30, TimeUnit.SECONDS); // stall until the test is done
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return;
          }
          String range = ex.getRequestHeaders().getFirst("Range");
          int from = Integer.parseInt(range.substring(6, range.length() - 1));
          respond(
              ex,
              206,
              Map.of(
                  "Content-Range", "bytes " + from + "-" + (layer.length - 1) + "/" + layer.length),
              Arrays.copyOfRange(layer, from, layer.length));
        });
    try {
      assertThat(fetchLayer(List.of(endpoint(server)), Credentials.anonymous())).isEqualTo(layer);
    } finally {
      release.countDown();
    }
  }

  @Test
  void digestMismatchFailsThatEndpointAndFallsBackToTheNext() {
    byte[] corrupt = layer.clone();
    corrupt[1234] ^= 1;
    server.route(blobPath(layerDigest), (ex, hit) -> respond(ex, 200, Map.of(), corrupt));
    serveLayer(other);
    RegistryEndpoint mirror =
        new RegistryEndpoint(ImageReference.parse(server.host() + "/team/app:1"), true, true);

    assertThat(fetchLayer(List.of(mirror, endpoint(other)), Credentials.anonymous()))
        .isEqualTo(layer);

    assertThatThrownBy(() -> fetchLayer(List.of(mirror), Credentials.anonymous()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("content has digest " + Digest.sha256Of(corrupt))
        .hasMessageContaining("expected " + layerDigest);
  }

  @Test
  void refusesABodyLongerThanTheDescriptor() {
    byte[] longer = Arrays.copyOf(layer, layer.length + 10);
    server.route(blobPath(layerDigest), (ex, hit) -> respond(ex, 200, Map.of(), longer));
    assertThatThrownBy(() -> fetchLayer(List.of(endpoint(server)), Credentials.anonymous()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("more than the " + layer.length + " bytes");
  }

  @Test
  void followsRedirectsWithoutSendingCredentialsElsewhere() {
    server.route(
        blobPath(layerDigest),
        (ex, hit) -> {
          if (ex.getRequestHeaders().getFirst("Authorization") == null) {
            respond(ex, 401, Map.of("WWW-Authenticate", "Basic realm=r"), new byte[0]);
          } else {
            respond(
                ex,
                307,
                Map.of("Location", "http://" + other.host() + "/storage/blob?sig=x"),
                new byte[0]);
          }
        });
    other.route("/storage/blob", (ex, hit) -> respond(ex, 200, Map.of(), layer));

    assertThat(fetchLayer(List.of(endpoint(server)), Credentials.basic("u", "p"))).isEqualTo(layer);
    assertThat(other.requests()).hasSize(1);
    assertThat(other.requests().get(0).header("Authorization")).isNull();
  }

  // ---- manifests and resolution ----

  @Test
  void verifiesAManifestFetchedByDigest() {
    Digest wanted = Digest.sha256Of(manifest);
    byte[] tampered =
        new String(manifest, StandardCharsets.UTF_8)
            .replace("2", "2 ")
            .getBytes(StandardCharsets.UTF_8);
    server.route(
        "/v2/team/app/manifests/" + wanted,
        (ex, hit) -> respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), tampered));
    assertThatThrownBy(
            () ->
                client.fetchManifest(endpoint(server), wanted.toString(), Credentials.anonymous()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("not the requested " + wanted);
  }

  @Test
  void checksDockerContentDigestWhenPullingByTag() {
    server.route(
        MANIFEST_PATH,
        (ex, hit) ->
            respond(
                ex,
                200,
                Map.of(
                    "Content-Type",
                    MediaTypes.OCI_MANIFEST,
                    "Docker-Content-Digest",
                    "sha256:" + "0".repeat(64)),
                manifest));
    assertThatThrownBy(() -> client.fetchManifest(endpoint(server), "1", Credentials.anonymous()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("but the registry says sha256:000");
  }

  @Test
  void refusesHugeManifests() {
    server.route(
        MANIFEST_PATH,
        (ex, hit) ->
            respond(
                ex,
                200,
                Map.of("Content-Type", MediaTypes.OCI_MANIFEST),
                new byte[RegistryClient.MAX_MANIFEST_BYTES + 1]));
    assertThatThrownBy(() -> client.fetchManifest(endpoint(server), "1", Credentials.anonymous()))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("exceeds");
  }

  @Test
  void resolvesAnIndexToThePlatformManifestFallingBackFromAMirror() {
    Digest manifestDigest = Digest.sha256Of(manifest);
    byte[] index =
        bytes(
            "{\"schemaVersion\":2,\"mediaType\":\""
                + MediaTypes.OCI_INDEX
                + "\",\"manifests\":["
                + "{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"digest\":\"sha256:"
                + "9".repeat(64)
                + "\",\"size\":10,\"platform\":{\"os\":\"linux\",\"architecture\":\"s390x\"}},"
                + "{\"mediaType\":\""
                + MediaTypes.OCI_MANIFEST
                + "\",\"digest\":\""
                + manifestDigest
                + "\",\"size\":"
                + manifest.length
                + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}");
    other.route(
        MANIFEST_PATH,
        (ex, hit) -> respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_INDEX), index));
    other.route(
        "/v2/team/app/manifests/" + manifestDigest,
        (ex, hit) -> respond(ex, 200, Map.of("Content-Type", MediaTypes.OCI_MANIFEST), manifest));
    RegistryEndpoint mirror =
        new RegistryEndpoint(ImageReference.parse(server.host() + "/team/app:1"), true, true);
    RegistryEndpoint primary = endpoint(other);

    ResolvedImage r =
        client.resolve(
            List.of(mirror, primary), Credentials.anonymous(), Platform.parse("linux/amd64"));

    assertThat(r.endpoints()).containsExactly(primary, mirror);
    assertThat(r.repoDigest()).isEqualTo(Digest.sha256Of(index));
    assertThat(r.index()).map(ManifestResponse::digest).contains(Digest.sha256Of(index));
    assertThat(r.manifest().digest()).isEqualTo(manifestDigest);
    assertThat(r.parsed().layers()).extracting(Descriptor::digest).containsExactly(layerDigest);
    assertThat(server.hits(MANIFEST_PATH)).isEqualTo(1); // 404 is not retried

    assertThatThrownBy(
            () ->
                client.resolve(
                    List.of(mirror, primary),
                    Credentials.anonymous(),
                    Platform.parse("linux/arm64")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("every endpoint failed")
        .hasMessageContaining(mirror.toString())
        .hasMessageContaining("no manifest for platform linux/arm64");
  }

  @Test
  void resolveRefusesImagesWithUnsupportedLayers() {
    byte[] foreign =
        new String(manifest, StandardCharsets.UTF_8)
            .replace(MediaTypes.OCI_LAYER_GZIP, MediaTypes.DOCKER_FOREIGN_LAYER_GZIP)
            .replace(MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST)
            .replace(MediaTypes.OCI_CONFIG, MediaTypes.DOCKER_CONFIG)
            .getBytes(StandardCharsets.UTF_8);
    server.route(
        MANIFEST_PATH,
        (ex, hit) -> respond(ex, 200, Map.of("Content-Type", MediaTypes.DOCKER_MANIFEST), foreign));
    assertThatThrownBy(
            () ->
                client.resolve(
                    List.of(endpoint(server)),
                    Credentials.anonymous(),
                    Platform.parse("linux/amd64")))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("foreign/non-distributable");
  }

  @Test
  void sendsTheManifestAcceptHeader() {
    serveManifest(server);
    client.fetchManifest(endpoint(server), "1", Credentials.anonymous());
    assertThat(server.requests().get(0).header("Accept"))
        .contains(MediaTypes.OCI_INDEX)
        .contains(MediaTypes.OCI_MANIFEST)
        .contains(MediaTypes.DOCKER_MANIFEST_LIST)
        .contains(MediaTypes.DOCKER_MANIFEST);
  }
}
