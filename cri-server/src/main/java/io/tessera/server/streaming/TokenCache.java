package io.tessera.server.streaming;

import io.tessera.kernel.errors.ResourceExhaustedException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Single-use tokens naming pending stream requests, each valid for a fixed time.
 *
 * <p>Hand-written rather than Caffeine: the cache holds a few entries at most, needs an atomic
 * take-once and a bound that refuses new entries (Caffeine would evict old ones instead), and one
 * lock over a map and an age-ordered queue does all that with nothing running in the background.
 * Expired entries are swept on every insert and refused on take. Thread-safe.
 */
final class TokenCache<T> {
  /** The kubelet's streaming server refuses more pending requests than this, too. */
  static final int MAX_IN_FLIGHT = 1000;

  private static final int TOKEN_BYTES = 32;

  private record Entry<T>(String token, T value, Instant expires) {}

  private final Clock clock;
  private final Duration ttl;
  private final int maxInFlight;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry<T>> byToken = new HashMap<>();
  private final Deque<Entry<T>> byAge = new ArrayDeque<>();

  TokenCache(Clock clock, Duration ttl, int maxInFlight) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("token ttl must be positive: " + ttl);
    }
    this.clock = clock;
    this.ttl = ttl;
    this.maxInFlight = maxInFlight;
  }

  /** Remembers {@code value} and returns its new token (32 random bytes, base64url, unpadded). */
  synchronized String insert(T value) {
    Instant now = clock.instant();
    sweep(now);
    if (byToken.size() >= maxInFlight) {
      throw new ResourceExhaustedException(
          "maximum number of in-flight stream requests exceeded (" + maxInFlight + ")");
    }
    String token;
    do {
      byte[] raw = new byte[TOKEN_BYTES];
      random.nextBytes(raw);
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    } while (byToken.containsKey(token));
    Entry<T> e = new Entry<>(token, value, now.plus(ttl));
    byToken.put(token, e);
    byAge.addLast(e);
    return token;
  }

  /** Takes the value of {@code token} once; empty when unknown, already taken or expired. */
  synchronized Optional<T> consume(String token) {
    Entry<T> e = byToken.remove(token);
    if (e == null) {
      return Optional.empty();
    }
    byAge.remove(e);
    return clock.instant().isAfter(e.expires()) ? Optional.empty() : Optional.of(e.value());
  }

  synchronized int size() {
    return byToken.size();
  }

  private void sweep(Instant now) {
    while (!byAge.isEmpty() && now.isAfter(byAge.peekFirst().expires())) {
      byToken.remove(byAge.removeFirst().token());
    }
  }
}
