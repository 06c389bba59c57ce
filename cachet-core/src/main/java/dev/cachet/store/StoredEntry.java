package dev.cachet.store;

import java.util.Objects;

/**
 * A stored value with its remaining time to live.
 *
 * @param value the stored bytes
 * @param ttlMillis remaining milliseconds, or {@link Store#FOREVER}
 */
public record StoredEntry(byte[] value, long ttlMillis) {
    /** Checks the fields. */
    public StoredEntry {
        Objects.requireNonNull(value, "value");
        if (ttlMillis <= 0 && ttlMillis != Store.FOREVER) {
            throw new IllegalArgumentException("remaining TTL must be positive or FOREVER, was " + ttlMillis);
        }
    }
}
