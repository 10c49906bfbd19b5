package io.tessera.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.sandbox.streaming.StreamOptions;
import io.tessera.server.config.TesseraConfig;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streaming server over TLS, with a self-signed certificate made by the JDK's keytool. */
class TlsStreamingServerIT {
  @TempDir Path dir;

  @Test
  void servesHttpsAndWssWithTheConfiguredCertificate() throws Exception {
    char[] pass = "changeit".toCharArray();
    Path store = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "stream",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(out).isZero();

    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, pass);
    }
    Certificate cert = ks.getCertificate("stream");
    PrivateKey key = (PrivateKey) ks.getKey("stream", pass);
    Path certPem = dir.resolve("stream.crt");
    Path keyPem = dir.resolve("stream.key");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));

    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("stream", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    HttpClient http = HttpClient.newBuilder().sslContext(ssl).build();

    try (HostProcessBackend backend = new HostProcessBackend();
        StreamingServer server =
            StreamingServer.start(
                new TesseraConfig.Streaming(
                    "127.0.0.1",
                    0,
                    Optional.of(new TesseraConfig.Streaming.Tls(certPem, keyPem)),
                    Duration.ofMinutes(1),
                    Duration.ofHours(4),
                    Duration.ofSeconds(30)),
                backend)) {
      assertThat(server.baseUrl()).startsWith("https://127.0.0.1:");
      assertThat(
              http.send(
                      HttpRequest.newBuilder(URI.create(server.baseUrl() + "/exec/unknown"))
                          .build(),
                      BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(404);

      String url =
          server.url(
              new StreamRequest.Exec(
                  "c1", List.of("echo", "secure"), new StreamOptions(false, true, false, false)));
      StringBuilder got = new StringBuilder();
      java.util.concurrent.CompletableFuture<Integer> closed =
          new java.util.concurrent.CompletableFuture<>();
      http.newWebSocketBuilder()
          .subprotocols("v4.channel.k8s.io")
          .buildAsync(
              URI.create(url.replaceFirst("^https", "wss")),
              new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onBinary(
                    WebSocket ws, java.nio.ByteBuffer data, boolean last) {
                  byte[] b = new byte[data.remaining()];
                  data.get(b);
                  if (b.length > 0 && b[0] == 1) {
                    got.append(new String(b, 1, b.length - 1, StandardCharsets.UTF_8));
                  }
                  ws.request(1);
                  return null;
                }

                @Override
                public java.util.concurrent.CompletionStage<?> onClose(
                    WebSocket ws, int code, String reason) {
                  closed.complete(code);
                  return null;
                }
              })
          .get(60, TimeUnit.SECONDS);
      assertThat(closed.get(60, TimeUnit.SECONDS)).isEqualTo(1000);
      assertThat(got.toString()).isEqualTo("secure\n");
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
