package io.tessera.sandbox.model;

import java.util.Objects;

/** One environment variable, kept in request order (CRI KeyValue). */
public record KeyValue(String key, String value) {
  public KeyValue {
    Checks.nonEmpty(key, "environment variable name");
    Objects.requireNonNull(value, "environment variable value");
  }
}
