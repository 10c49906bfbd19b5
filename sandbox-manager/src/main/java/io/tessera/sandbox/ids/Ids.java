package io.tessera.sandbox.ids;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Random object ids: 32 bytes from {@link SecureRandom} as 64 lowercase hex digits, the shape
 * containerd and CRI-O give pod sandboxes and containers. Thread-safe.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

  private Ids() {}

  /**
   * A fresh id. Collisions are left to chance (2^-128 for a billion ids); stores still refuse one.
   */
  public static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return HEX.formatHex(b);
  }

  /** Whether {@code s} has the shape of an id. */
  public static boolean isValid(String s) {
    return s != null && ID.matcher(s).matches();
  }
}
