package dev.cachet.jcache;

import dev.cachet.store.Store;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;

/**
 * A JCache expiry policy as store TTLs: milliseconds, {@link Store#FOREVER} for an eternal duration, and 0 for a
 * zero duration (the entry ends at once). A policy that throws leaves a new entry eternal and an existing one as
 * it was, as JCache says.
 */
final class ExpiryTtls {
    /** What {@link #update} and {@link #access} answer when the policy leaves the TTL as it is. */
    static final long UNCHANGED = -2;

    private final ExpiryPolicy policy;

    ExpiryTtls(ExpiryPolicy policy) {
        this.policy = policy;
    }

    ExpiryPolicy policy() {
        return policy;
    }

    /** The TTL of a new entry. */
    long creation() {
        try {
            Duration duration = policy.getExpiryForCreation();
            return duration == null ? Store.FOREVER : ttl(duration);
        } catch (RuntimeException e) {
            return Store.FOREVER;
        }
    }

    /** The TTL of an updated entry that has {@code remainingMillis} left (or {@link Store#FOREVER}). */
    long update(long remainingMillis) {
        try {
            Duration duration = policy.getExpiryForUpdate();
            return duration == null ? remainingMillis : ttl(duration);
        } catch (RuntimeException e) {
            return remainingMillis;
        }
    }

    /** The TTL of an entry just read, or {@link #UNCHANGED}. */
    long access() {
        try {
            Duration duration = policy.getExpiryForAccess();
            return duration == null ? UNCHANGED : ttl(duration);
        } catch (RuntimeException e) {
            return UNCHANGED;
        }
    }

    private static long ttl(Duration duration) {
        if (duration.isEternal()) {
            return Store.FOREVER;
        }
        if (duration.isZero()) {
            return 0;
        }
        return Math.max(1, duration.getTimeUnit().toMillis(duration.getDurationAmount()));
    }
}
