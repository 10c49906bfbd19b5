package io.tessera.storage.snapshot;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.util.regex.Pattern;

/** Snapshot keys are directory names, so they are held to a safe, short alphabet. */
final class SnapshotKeys {
  private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

  private SnapshotKeys() {}

  static boolean isValid(String key) {
    // No leading dot: that rules out "." and "..", and leaves dot names for temp directories.
    return key != null && KEY.matcher(key).matches() && key.charAt(0) != '.';
  }

  static String check(String key) {
    if (!isValid(key)) {
      throw new InvalidArgumentException(
          "snapshot key '"
              + key
              + "' is invalid: it must match [a-zA-Z0-9_.-]{1,128} and not start with '.'");
    }
    return key;
  }
}
