package io.tessera.storage.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Docker-registry token server for tests (distribution's "token authentication specification"):
 * the realm a {@code docker-registry} with {@code auth: token:} sends clients to.
 *
 * <p>It creates an RSA key and a self-signed certificate with the JDK's {@code keytool}, writes the
 * certificate as the registry's {@code rootcertbundle}, and issues RS256 JWTs whose header carries
 * the certificate in {@code x5c} (registry 2.8 verifies such a chain against its root bundle). It
 * grants every requested action to a client presenting the configured user's basic credentials
 * (GET), a {@code grant_type=password} or a {@code grant_type=refresh_token} with the configured
 * identity token (POST, OAuth2), and refuses anonymous requests. Runs in-JVM on 127.0.0.1; {@link
 * #close()} stops it.
 */
public final class TokenServer implements AutoCloseable {

  public static final String SERVICE = "tessera-test-registry";
  public static final String ISSUER = "tessera-test-token-issuer";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STORE_PASS = "tessera-test";

  private final HttpServer server;
  private final Path rootCertificate;
  private final PrivateKey key;
  private final String certificateBase64;
  private final String username;
  private final String password;
  private final String identityToken;
  private final AtomicInteger issued = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  private TokenServer(Path dir, String username, String password, String identityToken)
      throws Exception {
    this.username = username;
    this.password = password;
    this.identityToken = identityToken;
    Path keystore = dir.resolve("token.p12");
    this.rootCertificate = dir.resolve("token-root.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(
        keytool,
        "-genkeypair",
        "-alias",
        "token",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-sigalg",
        "SHA256withRSA",
        "-dname",
        "CN=tessera test token issuer",
        "-validity",
        "2",
        "-storetype",
        "PKCS12",
        "-keystore",
        keystore.toString(),
        "-storepass",
        STORE_PASS,
        "-keypass",
        STORE_PASS);
    run(
        keytool,
        "-exportcert",
        "-rfc",
        "-alias",
        "token",
        "-keystore",
        keystore.toString(),
        "-storepass",
        STORE_PASS,
        "-file",
        rootCertificate.toString());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keystore)) {
      ks.load(in, STORE_PASS.toCharArray());
    }
    this.key = (PrivateKey) ks.getKey("token", STORE_PASS.toCharArray());
    Certificate cert = ks.getCertificate("token");
    this.certificateBase64 = Base64.getEncoder().encodeToString(cert.getEncoded());

    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::handle);
    server.start();
  }

  /**
   * Starts a token server granting access to {@code username}/{@code password} and to the OAuth2
   * refresh token {@code identityToken}.
   */
  public static TokenServer start(
      Path dir, String username, String password, String identityToken) {
    try {
      return new TokenServer(dir, username, password, identityToken);
    } catch (Exception e) {
      throw new IllegalStateException("start token server: " + e, e);
    }
  }

  /** The realm URL for the registry config. */
  public String realm() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
  }

  /** The PEM certificate the registry must trust ({@code rootcertbundle}). */
  public Path rootCertificate() {
    return rootCertificate;
  }

  /** How many tokens were issued so far. */
  public int tokensIssued() {
    return issued.get();
  }

  /** How many token requests were refused so far. */
  public int refusals() {
    return refused.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> params;
      Optional<String> subject;
      if (exchange.getRequestMethod().equals("POST")) {
        params = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String grant = first(params, "grant_type");
        if ("refresh_token".equals(grant)) {
          subject =
              identityToken != null && identityToken.equals(first(params, "refresh_token"))
                  ? Optional.of(username)
                  : Optional.empty();
        } else if ("password".equals(grant)) {
          subject =
              username.equals(first(params, "username"))
                      && password.equals(first(params, "password"))
                  ? Optional.of(username)
                  : Optional.empty();
        } else {
          subject = Optional.empty();
        }
      } else {
        params = form(Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse(""));
        subject = basicUser(exchange.getRequestHeaders().getFirst("Authorization"));
      }
      if (subject.isEmpty()) {
        refused.incrementAndGet();
        byte[] body =
            "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad or missing credentials\"}]}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(401, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      String service = first(params, "service");
      List<String> scopes = params.getOrDefault("scope", List.of());
      String jwt = jwt(subject.get(), service == null ? SERVICE : service, scopes);
      issued.incrementAndGet();
      ObjectNode response = JSON.createObjectNode();
      response.put("token", jwt);
      response.put("access_token", jwt);
      response.put("expires_in", 300);
      response.put("issued_at", Instant.now().toString());
      byte[] body = JSON.writeValueAsBytes(response);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    } catch (Exception e) {
      throw new IOException("token server: " + e, e);
    }
  }

  private Optional<String> basicUser(String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return Optional.empty();
    }
    String pair =
        new String(
            Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
    return pair.equals(username + ":" + password) ? Optional.of(username) : Optional.empty();
  }

  private String jwt(String subject, String audience, List<String> scopes) throws Exception {
    ObjectNode header = JSON.createObjectNode();
    header.put("typ", "JWT");
    header.put("alg", "RS256");
    header.putArray("x5c").add(certificateBase64);
    long now = Instant.now().getEpochSecond();
    ObjectNode claims = JSON.createObjectNode();
    claims.put("iss", ISSUER);
    claims.put("sub", subject);
    claims.put("aud", audience);
    claims.put("exp", now + 300);
    claims.put("nbf", now - 30);
    claims.put("iat", now);
    claims.put("jti", UUID.randomUUID().toString());
    ArrayNode access = claims.putArray("access");
    for (String scope : scopes) {
      for (String one : scope.split(" ")) {
        // type:name:actions, where name may itself contain ':' (a registry port)
        int first = one.indexOf(':');
        int last = one.lastIndexOf(':');
        if (first < 0 || last == first) {
          continue;
        }
        ObjectNode entry = access.addObject();
        entry.put("type", one.substring(0, first));
        entry.put("name", one.substring(first + 1, last));
        ArrayNode actions = entry.putArray("actions");
        for (String action : one.substring(last + 1).split(",")) {
          actions.add(action);
        }
      }
    }
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        url.encodeToString(JSON.writeValueAsBytes(header))
            + "."
            + url.encodeToString(JSON.writeValueAsBytes(claims));
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key);
    rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + url.encodeToString(rsa.sign());
  }

  private static Map<String, List<String>> form(String encoded) {
    Map<String, List<String>> out = new HashMap<>();
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static String first(Map<String, List<String>> params, String key) {
    List<String> v = params.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}
