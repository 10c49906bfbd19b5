package io.tessera.storage.layer;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A sha256 digest in its OCI form {@code sha256:<64 lowercase hex>}, as used for diff ids and chain
 * ids.
 *
 * <p>Local to the layer package until it is reconciled with the storage-wide digest type.
 */
public record LayerDigest(String value) {

  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  /**
   * @throws InvalidArgumentException unless {@code value} is {@code sha256:} and 64 lowercase hex
   */
  public LayerDigest {
    if (value == null || !SHA256.matcher(value).matches()) {
      throw new InvalidArgumentException(
          "invalid layer digest '" + value + "': want sha256:<64 lowercase hex digits>");
    }
  }

  /** Parses {@code sha256:<hex>}. */
  public static LayerDigest of(String value) {
    return new LayerDigest(value);
  }

  /** The digest of 32 raw sha256 bytes. */
  public static LayerDigest ofSha256(byte[] sha256) {
    if (sha256.length != 32) {
      throw new InvalidArgumentException("a sha256 digest has 32 bytes, not " + sha256.length);
    }
    return new LayerDigest("sha256:" + HexFormat.of().formatHex(sha256));
  }

  /** The 64 hex digits without the algorithm. */
  public String hex() {
    return value.substring("sha256:".length());
  }

  @Override
  public String toString() {
    return value;
  }
}
