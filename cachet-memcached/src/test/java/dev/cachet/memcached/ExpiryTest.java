package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.store.Store;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExpiryTest {
    private static final long NOW = Instant.parse("2026-12-03T10:00:00.400Z").toEpochMilli();

    @Test
    void foreverIsZero() {
        assertThat(Expiry.of(Store.FOREVER, NOW)).isZero();
    }

    @Test
    void millisecondsRoundUpToWholeSeconds() {
        assertThat(Expiry.of(1, NOW)).isEqualTo(1);
        assertThat(Expiry.of(200, NOW)).isEqualTo(1);
        assertThat(Expiry.of(1_000, NOW)).isEqualTo(1);
        assertThat(Expiry.of(1_001, NOW)).isEqualTo(2);
        assertThat(Expiry.of(300_000, NOW)).isEqualTo(300);
    }

    @Test
    void upToThirtyDaysIsRelativeBeyondIsAUnixTime() {
        long thirtyDays = Duration.ofDays(30).toMillis();
        assertThat(Expiry.of(thirtyDays, NOW)).isEqualTo(Expiry.THIRTY_DAYS_SECONDS);
        long beyond = Expiry.of(thirtyDays + 1, NOW);
        assertThat(beyond).isEqualTo(NOW / 1_000 + Expiry.THIRTY_DAYS_SECONDS + 1);
        assertThat(Instant.ofEpochSecond(Expiry.of(Duration.ofDays(365).toMillis(), NOW)))
                .isEqualTo(Instant.parse("2027-12-03T10:00:00Z"));
    }

    @Test
    void anExpiryPastWhatMemcachedCanHoldIsItsLastSecond() {
        assertThat(Expiry.of(Duration.ofDays(36_525).toMillis(), NOW)).isEqualTo(Integer.MAX_VALUE);
        assertThat(Expiry.of(Long.MAX_VALUE, NOW)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void theRemainingTtlComesBackInMilliseconds() {
        assertThat(Expiry.remainingMillis(-1)).isEqualTo(Store.FOREVER);
        assertThat(Expiry.remainingMillis(300)).isEqualTo(300_000);
        assertThat(Expiry.remainingMillis(0)).as("an item in its last second is still there").isEqualTo(1_000);
        assertThat(Expiry.of(Expiry.remainingMillis(42), NOW)).as("a remaining TTL sent back keeps the expiry").isEqualTo(42);
    }
}
