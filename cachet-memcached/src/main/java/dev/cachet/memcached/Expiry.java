package dev.cachet.memcached;

import dev.cachet.store.Store;

/**
 * Cachet's millisecond TTLs as memcached's expiration times and back. Memcached counts whole seconds, and
 * reads a number over 30 days as an absolute Unix time; it keeps that time in a signed 32-bit int.
 */
final class Expiry {
    /** The longest relative expiration memcached takes (REALTIME_MAXDELTA); above it, a Unix time. */
    static final long THIRTY_DAYS_SECONDS = 30L * 24 * 60 * 60;

    private Expiry() {
    }

    /**
     * The expiration time to send for {@code ttlMillis}: 0 for {@link Store#FOREVER}; whole seconds rounded
     * up, so that no value lives shorter than asked by more than memcached's one-second clock tick; above 30
     * days, the Unix time of the expiry, at most 2038-01-19 (the latest time memcached can hold: a value
     * meant to outlive it expires then, early rather than never).
     *
     * @param nowMillis the current wall-clock time, for expirations sent as Unix times
     */
    static long of(long ttlMillis, long nowMillis) {
        if (ttlMillis == Store.FOREVER) {
            return 0;
        }
        long seconds = Math.ceilDiv(ttlMillis, 1_000);
        if (seconds <= THIRTY_DAYS_SECONDS) {
            return seconds;
        }
        long at = Math.floorDiv(nowMillis, 1_000) + seconds;
        return Math.min(at, Integer.MAX_VALUE);
    }

    /**
     * The remaining TTL in milliseconds for what the meta protocol's {@code t} flag answers: -1 (no expiry) is
     * {@link Store#FOREVER}; a number of seconds is that many thousand milliseconds. Memcached's clock ticks
     * once a second, so the value may go up to a second sooner; sent back through {@link #of}, it gives the
     * same expiry.
     */
    static long remainingMillis(long seconds) {
        return seconds < 0 ? Store.FOREVER : Math.max(1, seconds) * 1_000;
    }
}
