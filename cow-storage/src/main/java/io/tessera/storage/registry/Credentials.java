package io.tessera.storage.registry;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * What a registry pull authenticates with, following the CRI {@code AuthConfig}.
 *
 * <ul>
 *   <li>{@code username}/{@code password}: HTTP basic auth, or the basic credentials sent to a
 *       Bearer token realm;
 *   <li>{@code identityToken}: an OAuth2 refresh token, exchanged at the token realm with a {@code
 *       grant_type=refresh_token} POST; against a Basic challenge it is used as the password;
 *   <li>{@code registryToken}: a Bearer token sent as it is, with no token exchange.
 * </ul>
 *
 * <p>{@link #toString()} never shows a secret.
 */
public record Credentials(
    Optional<String> username,
    Optional<String> password,
    Optional<String> identityToken,
    Optional<String> registryToken) {

  private static final Credentials ANONYMOUS =
      new Credentials(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  /** Blank strings count as absent. */
  public Credentials {
    username = nonBlank(username);
    password = nonBlank(password);
    identityToken = nonBlank(identityToken);
    registryToken = nonBlank(registryToken);
  }

  /** No credentials: anonymous pulls. */
  public static Credentials anonymous() {
    return ANONYMOUS;
  }

  /** A user name and password. */
  public static Credentials basic(String username, String password) {
    return new Credentials(
        Optional.of(username), Optional.of(password), Optional.empty(), Optional.empty());
  }

  /**
   * From the fields of a CRI {@code AuthConfig}; any may be null or empty. An explicit username
   * wins over {@code auth} (base64 of {@code user:password}), as in containerd.
   *
   * @throws InvalidArgumentException when {@code auth} is not base64 of {@code user:password}
   */
  public static Credentials fromAuthConfig(
      String username, String password, String auth, String identityToken, String registryToken) {
    String user = username;
    String pass = password;
    if ((user == null || user.isEmpty()) && auth != null && !auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException("auth config: \"auth\" is not valid base64", e);
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new InvalidArgumentException(
            "auth config: \"auth\" does not decode to user:password");
      }
      user = decoded.substring(0, colon);
      pass = decoded.substring(colon + 1);
    }
    return new Credentials(
        Optional.ofNullable(user),
        Optional.ofNullable(pass),
        Optional.ofNullable(identityToken),
        Optional.ofNullable(registryToken));
  }

  /** True when nothing is set. */
  public boolean isAnonymous() {
    return username.isEmpty()
        && password.isEmpty()
        && identityToken.isEmpty()
        && registryToken.isEmpty();
  }

  /**
   * The {@code Authorization} value for HTTP basic auth, if these credentials can produce one: the
   * username with the password, or with the identity token in its place.
   */
  Optional<String> basicAuthorization() {
    Optional<String> secret = password.or(() -> identityToken);
    if (username.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    String pair = username.get() + ":" + secret.get();
    return Optional.of(
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public String toString() {
    if (isAnonymous()) {
      return "Credentials[anonymous]";
    }
    return "Credentials[username="
        + username.orElse("")
        + (password.isPresent() ? ", password=***" : "")
        + (identityToken.isPresent() ? ", identityToken=***" : "")
        + (registryToken.isPresent() ? ", registryToken=***" : "")
        + "]";
  }

  private static Optional<String> nonBlank(Optional<String> value) {
    return value == null ? Optional.empty() : value.filter(v -> !v.isBlank());
  }
}
