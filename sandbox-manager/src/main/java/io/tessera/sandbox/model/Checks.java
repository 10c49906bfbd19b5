package io.tessera.sandbox.model;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validation helpers shared by the model's compact constructors. */
final class Checks {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
  private static final long UINT32_MAX = 0xFFFF_FFFFL;

  private Checks() {}

  static String id(String id, String what) {
    Objects.requireNonNull(id, what);
    if (!ID.matcher(id).matches()) {
      throw new InvalidArgumentException(what + " '" + id + "' is not 64 lowercase hex digits");
    }
    return id;
  }

  static String nonEmpty(String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.isEmpty()) {
      throw new InvalidArgumentException(what + " must not be empty");
    }
    return s;
  }

  static long uint32(long v, String what) {
    if (v < 0 || v > UINT32_MAX) {
      throw new InvalidArgumentException(what + " " + v + " is outside 0.." + UINT32_MAX);
    }
    return v;
  }

  static long nonNegative(long v, String what) {
    if (v < 0) {
      throw new InvalidArgumentException(what + " " + v + " must not be negative");
    }
    return v;
  }

  static long positive(long v, String what) {
    if (v <= 0) {
      throw new InvalidArgumentException(what + " " + v + " must be positive");
    }
    return v;
  }

  static Path absolute(Path p, String what) {
    Objects.requireNonNull(p, what);
    if (!p.isAbsolute()) {
      throw new InvalidArgumentException(what + " '" + p + "' must be an absolute path");
    }
    return p;
  }

  static int port(int port, String what) {
    if (port < 0 || port > 65535) {
      throw new InvalidArgumentException(what + " " + port + " is outside 0..65535");
    }
    return port;
  }
}
