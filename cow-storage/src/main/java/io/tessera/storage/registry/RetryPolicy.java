package io.tessera.storage.registry;

import io.tessera.kernel.errors.InvalidArgumentException;
import java.time.Duration;

/**
 * How often and how patiently a registry request is retried after a transient failure (an I/O
 * error, a 5xx or a 429): up to {@code attempts} tries in all, waiting {@code initialBackoff}, then
 * twice that, and so on up to {@code maxBackoff}. Immutable.
 */
public record RetryPolicy(int attempts, Duration initialBackoff, Duration maxBackoff) {

  /** Four tries, 250 ms doubling up to 5 s. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(5));

  public RetryPolicy {
    if (attempts < 1) {
      throw new InvalidArgumentException("retry policy: attempts must be >= 1, got " + attempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new InvalidArgumentException(
          "retry policy: need 0 <= initialBackoff <= maxBackoff, got "
              + initialBackoff
              + ", "
              + maxBackoff);
    }
  }

  /** The wait before try number {@code attempt + 1}, where {@code attempt} counts from 1. */
  Duration backoff(int attempt) {
    Duration d = initialBackoff;
    for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
