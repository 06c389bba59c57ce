package dev.cachet.store;

import java.util.Objects;

/**
 * A stored value with its remaining time to live and a compare-and-set token: what {@link Store#getVersioned}
 * answers, and what {@link Store#compareAndSet} checks before it writes.
 *
 * @param value the stored bytes, exactly as stored (a lease placeholder or a stale-stamped envelope included)
 * @param ttlMillis remaining milliseconds, or {@link Store#FOREVER}
 * @param cas a token that changes whenever the key is written with other bytes (Memcached's CAS unique, a
 *     counter, a digest of the value); only {@link Store#compareAndSet} on the same store interprets it
 */
public record Versioned(byte[] value, long ttlMillis, long cas) {
    /** Checks the fields. */
    public Versioned {
        Objects.requireNonNull(value, "value");
        if (ttlMillis <= 0 && ttlMillis != Store.FOREVER) {
            throw new IllegalArgumentException("remaining TTL must be positive or FOREVER, was " + ttlMillis);
        }
    }
}
