package io.tessera.storage.ref;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest as the OCI image spec defines it: {@code algorithm ":" encoded}.
 *
 * <p>Only the registered algorithms are accepted: {@code sha256} (64 lowercase hex characters) and
 * {@code sha512} (128). Anything else is refused at parse time, so a {@code Digest} in hand is
 * always one Tessera can verify. Immutable and thread-safe.
 */
public record Digest(String algorithm, String hex) {

  /** The algorithm every image Tessera writes uses. */
  public static final String SHA256 = "sha256";

  /** The other algorithm the OCI image spec registers. */
  public static final String SHA512 = "sha512";

  private static final Pattern LOWER_HEX = Pattern.compile("[0-9a-f]+");

  /**
   * Validates both parts.
   *
   * @throws InvalidArgumentException for an unknown algorithm or an encoded part of the wrong
   *     length or alphabet
   */
  public Digest {
    if (algorithm == null || hex == null) {
      throw new InvalidArgumentException("digest: algorithm and hex must be present");
    }
    int length = hexLength(algorithm);
    if (length < 0) {
      throw new InvalidArgumentException(
          "digest " + algorithm + ":" + hex + ": unsupported algorithm (sha256, sha512)");
    }
    if (hex.length() != length || !LOWER_HEX.matcher(hex).matches()) {
      throw new InvalidArgumentException(
          "digest "
              + algorithm
              + ":"
              + hex
              + ": "
              + algorithm
              + " needs exactly "
              + length
              + " lowercase hex characters");
    }
  }

  /**
   * Parses {@code "sha256:<64 hex>"} or {@code "sha512:<128 hex>"}.
   *
   * @throws InvalidArgumentException when the text is not such a digest
   */
  public static Digest parse(String text) {
    if (text == null) {
      throw new InvalidArgumentException("digest: missing");
    }
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new InvalidArgumentException(
          "digest \"" + text + "\": expected algorithm:hex, e.g. sha256:<64 hex characters>");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The sha256 digest of {@code content}. */
  public static Digest sha256Of(byte[] content) {
    return new Digest(SHA256, HexFormat.of().formatHex(newMessageDigest(SHA256).digest(content)));
  }

  /** The digest of {@code content} with this digest's algorithm (to verify against it). */
  public Digest recompute(byte[] content) {
    return fromMessageDigest(algorithm, newMessageDigest().digest(content));
  }

  /** A fresh {@link MessageDigest} for this digest's algorithm. */
  public MessageDigest newMessageDigest() {
    return newMessageDigest(algorithm);
  }

  /** Wraps a finished hash value computed with {@code algorithm}. */
  public static Digest fromMessageDigest(String algorithm, byte[] hash) {
    return new Digest(algorithm, HexFormat.of().formatHex(hash));
  }

  /** {@code algorithm:hex}, the form used on the wire and in manifests. */
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  private static int hexLength(String algorithm) {
    return switch (algorithm) {
      case SHA256 -> 64;
      case SHA512 -> 128;
      default -> -1;
    };
  }

  private static MessageDigest newMessageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm.equals(SHA256) ? "SHA-256" : "SHA-512");
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide both (MessageDigest Javadoc); this cannot happen.
      throw new IllegalStateException("JDK lacks " + algorithm, e);
    }
  }
}
