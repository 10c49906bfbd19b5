package io.tessera.server.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.errors.ResourceExhaustedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-12-04T12:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final ManualClock clock = new ManualClock();
  private final TokenCache<String> cache = new TokenCache<>(clock, Duration.ofMinutes(1), 3);

  @Test
  void tokenIsThirtyTwoRandomBytesInBase64Url() {
    String t = cache.insert("a");
    assertThat(t).matches("[A-Za-z0-9_-]{43}");
    assertThat(Base64.getUrlDecoder().decode(t)).hasSize(32);
  }

  @Test
  void tokensDiffer() {
    TokenCache<String> big = new TokenCache<>(clock, Duration.ofMinutes(1), 1000);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      seen.add(big.insert("x"));
    }
    assertThat(seen).hasSize(500);
  }

  @Test
  void aTokenIsGoodOnce() {
    String t = cache.insert("exec");
    assertThat(cache.consume(t)).contains("exec");
    assertThat(cache.consume(t)).isEmpty();
  }

  @Test
  void unknownTokenFindsNothing() {
    cache.insert("exec");
    assertThat(cache.consume("nope")).isEmpty();
  }

  @Test
  void tokenExpiresAfterItsTtl() {
    String fresh = cache.insert("a");
    String stale = cache.insert("b");
    clock.advance(Duration.ofSeconds(60));
    assertThat(cache.consume(fresh)).contains("a"); // exactly at the TTL: still good
    clock.advance(Duration.ofMillis(1));
    assertThat(cache.consume(stale)).isEmpty();
  }

  @Test
  void tooManyPendingTokensAreRefusedUntilTheyExpire() {
    cache.insert("a");
    cache.insert("b");
    cache.insert("c");
    assertThatThrownBy(() -> cache.insert("d"))
        .isInstanceOf(ResourceExhaustedException.class)
        .hasMessageContaining("in-flight");
    clock.advance(Duration.ofMinutes(2));
    String t = cache.insert("d");
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.consume(t)).contains("d");
  }

  @Test
  void consumedTokensFreeTheirPlace() {
    String a = cache.insert("a");
    cache.insert("b");
    cache.insert("c");
    cache.consume(a);
    cache.insert("d");
    assertThat(cache.size()).isEqualTo(3);
  }
}
