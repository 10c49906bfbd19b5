package io.tessera.storage.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.errors.FailedPreconditionException;
import io.tessera.kernel.errors.UnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registry authentication (distribution spec "token authentication"): remembers which scheme each
 * registry host asked for, fetches Bearer tokens from the realm it names and caches them per (host,
 * scope, credentials) until shortly before they expire. Thread-safe.
 */
final class Authenticator {

  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MIN_TOKEN_LIFETIME = Duration.ofSeconds(60);
  private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);
  private static final int MAX_TOKEN_RESPONSE = 1 << 20;

  private final HttpClient http;
  private final RetryPolicy retry;
  private final Duration requestTimeout;
  private final String userAgent;
  private final Map<String, AuthChallenge> challengeByHost = new ConcurrentHashMap<>();
  private final Map<TokenKey, Token> tokens = new ConcurrentHashMap<>();

  /** Tokens are never shared between different credentials: that would leak access. */
  private record TokenKey(String host, String scope, Credentials credentials) {}

  private record Token(String value, Instant renewAfter) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class TokenResponseJson {
    public String token;

    @JsonProperty("access_token")
    public String accessToken;

    @JsonProperty("expires_in")
    public Long expiresIn;
  }

  Authenticator(HttpClient http, RetryPolicy retry, Duration requestTimeout, String userAgent) {
    this.http = http;
    this.retry = retry;
    this.requestTimeout = requestTimeout;
    this.userAgent = userAgent;
  }

  static String pullScope(RegistryEndpoint endpoint) {
    return "repository:" + endpoint.repository() + ":pull";
  }

  /**
   * The Authorization header to send before any challenge, from what this host asked for last time;
   * empty when it has not asked (or anonymous access worked).
   */
  Optional<String> preemptive(RegistryEndpoint endpoint, Credentials credentials)
      throws InterruptedException {
    if (credentials.registryToken().isPresent()) {
      return Optional.of("Bearer " + credentials.registryToken().get());
    }
    AuthChallenge known = challengeByHost.get(endpoint.apiHost());
    if (known == null) {
      return Optional.empty();
    }
    if (known.isBasic()) {
      return credentials.basicAuthorization();
    }
    return Optional.of("Bearer " + token(known, endpoint, credentials));
  }

  /**
   * The Authorization header answering the challenges of a 401.
   *
   * @throws FailedPreconditionException when no challenge can be answered with these credentials
   */
  String answer(RegistryEndpoint endpoint, Credentials credentials, List<AuthChallenge> challenges)
      throws InterruptedException {
    String where = endpoint.apiHost();
    if (credentials.registryToken().isPresent()) {
      throw new FailedPreconditionException(
          "registry " + where + " rejected the registry token (401 unauthorized)");
    }
    AuthChallenge bearer = null;
    AuthChallenge basic = null;
    for (AuthChallenge c : challenges) {
      if (c.isBearer() && bearer == null && c.param("realm") != null) {
        bearer = c;
      } else if (c.isBasic() && basic == null) {
        basic = c;
      }
    }
    if (bearer != null) {
      challengeByHost.put(where, bearer);
      tokens.remove(new TokenKey(where, pullScope(endpoint), credentials));
      return "Bearer " + token(bearer, endpoint, credentials);
    }
    if (basic != null) {
      challengeByHost.put(where, basic);
      return credentials
          .basicAuthorization()
          .orElseThrow(
              () ->
                  new FailedPreconditionException(
                      "registry "
                          + where
                          + " requires authentication (Basic) for "
                          + endpoint.repository()
                          + " and no username/password was given"));
    }
    throw new FailedPreconditionException(
        "registry "
            + where
            + " answered 401 without a Bearer or Basic challenge"
            + (challenges.isEmpty() ? "" : ": " + challenges));
  }

  /** Drops the cached token so that the next request fetches a new one. */
  void forget(RegistryEndpoint endpoint, Credentials credentials) {
    tokens.remove(new TokenKey(endpoint.apiHost(), pullScope(endpoint), credentials));
  }

  private String token(AuthChallenge challenge, RegistryEndpoint endpoint, Credentials credentials)
      throws InterruptedException {
    String scope = pullScope(endpoint);
    TokenKey key = new TokenKey(endpoint.apiHost(), scope, credentials);
    Token cached = tokens.get(key);
    if (cached != null && Instant.now().isBefore(cached.renewAfter())) {
      return cached.value();
    }
    Token fresh = fetchToken(challenge, endpoint, scope, credentials);
    tokens.put(key, fresh);
    return fresh.value();
  }

  private Token fetchToken(
      AuthChallenge challenge, RegistryEndpoint endpoint, String scope, Credentials credentials)
      throws InterruptedException {
    String realm = challenge.param("realm");
    String service = challenge.param("service");
    URI realmUri;
    try {
      realmUri = URI.create(realm);
    } catch (IllegalArgumentException e) {
      throw new FailedPreconditionException(
          "registry " + endpoint.apiHost() + ": bad token realm \"" + realm + "\"", e);
    }
    if (!"https".equals(realmUri.getScheme()) && !"http".equals(realmUri.getScheme())) {
      throw new FailedPreconditionException(
          "registry " + endpoint.apiHost() + ": token realm " + realm + " is not http(s)");
    }
    if ("http".equals(realmUri.getScheme()) && !endpoint.insecure() && !credentials.isAnonymous()) {
      throw new FailedPreconditionException(
          "registry "
              + endpoint.apiHost()
              + ": token realm "
              + realm
              + " is plain HTTP; refusing to send credentials over it");
    }
    String what = "token for " + scope + " from " + realm;
    if (credentials.identityToken().isPresent()) {
      StringJoiner form = new StringJoiner("&");
      form.add("grant_type=refresh_token");
      form.add("refresh_token=" + encode(credentials.identityToken().get()));
      form.add("client_id=tessera");
      if (service != null) {
        form.add("service=" + encode(service));
      }
      form.add("scope=" + encode(scope));
      HttpRequest post =
          base(realmUri)
              .header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
              .build();
      Optional<Token> t = exchange(what, post, true);
      if (t.isPresent()) {
        return t.get();
      }
      LOG.debug("{}: OAuth2 POST not supported, falling back to GET", what);
    }
    StringJoiner query = new StringJoiner("&");
    if (service != null) {
      query.add("service=" + encode(service));
    }
    query.add("scope=" + encode(scope));
    String sep = realmUri.getRawQuery() == null ? "?" : "&";
    HttpRequest.Builder get = base(URI.create(realm + sep + query)).GET();
    credentials.basicAuthorization().ifPresent(h -> get.header("Authorization", h));
    return exchange(what, get.build(), false).orElseThrow();
  }

  private HttpRequest.Builder base(URI uri) {
    return HttpRequest.newBuilder(uri)
        .timeout(requestTimeout)
        .header("User-Agent", userAgent)
        .header("Accept", "application/json");
  }

  /** Empty only when {@code oauthPost} and the realm does not support OAuth2 POST. */
  private Optional<Token> exchange(String what, HttpRequest request, boolean oauthPost)
      throws InterruptedException {
    IOException last = null;
    for (int attempt = 1; attempt <= retry.attempts(); attempt++) {
      try {
        HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        int status = r.statusCode();
        byte[] body;
        try (InputStream in = r.body()) {
          body = in.readNBytes(MAX_TOKEN_RESPONSE);
        }
        if (status == 200) {
          return Optional.of(parse(what, body));
        }
        if (oauthPost && (status == 404 || status == 405)) {
          return Optional.empty();
        }
        if (status == 401 || status == 403) {
          throw new FailedPreconditionException(
              what + ": token server refused (" + status + "): " + snippet(body));
        }
        if (status != 429 && status < 500) {
          throw new FailedPreconditionException(
              what + ": token server answered " + status + ": " + snippet(body));
        }
        last = new IOException("token server answered " + status);
      } catch (IOException e) {
        last = e;
      }
      if (attempt < retry.attempts()) {
        Thread.sleep(retry.backoff(attempt).toMillis());
      }
    }
    throw new UnavailableException(
        what + ": failed after " + retry.attempts() + " attempts: " + last, last);
  }

  private static Token parse(String what, byte[] body) {
    TokenResponseJson json;
    try {
      json = JSON.readValue(body, TokenResponseJson.class);
    } catch (IOException e) {
      throw new FailedPreconditionException(what + ": token response is not JSON", e);
    }
    String value = json == null ? null : (json.token != null ? json.token : json.accessToken);
    if (value == null || value.isEmpty()) {
      throw new FailedPreconditionException(what + ": token response has no token");
    }
    Duration lifetime =
        json.expiresIn == null ? MIN_TOKEN_LIFETIME : Duration.ofSeconds(json.expiresIn);
    if (lifetime.compareTo(MIN_TOKEN_LIFETIME) < 0) {
      lifetime = MIN_TOKEN_LIFETIME; // distribution spec: shorter values mean 60 s
    }
    return new Token(value, Instant.now().plus(lifetime).minus(EXPIRY_MARGIN));
  }

  private static String snippet(byte[] body) {
    String s = new String(body, StandardCharsets.UTF_8).strip();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
