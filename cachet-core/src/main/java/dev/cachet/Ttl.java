package dev.cachet;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a cache entry lives, with millisecond precision.
 *
 * <p>Three meanings are explicit, as in Django's cache framework: {@link #DEFAULT} takes the cache's
 * configured default; {@link #FOREVER} keeps the entry until it is deleted or evicted, capped by the
 * cache's {@link CacheOptions#maxTtl() max TTL} when one is set; a zero TTL ({@link #NONE}) means "do not
 * keep": a set with it deletes the key. A positive duration shorter than a millisecond is rounded up to one
 * millisecond, so it never turns into a delete; one longer than {@link #LONGEST} is {@link #FOREVER}
 * (no backend can represent an expiry that far out). Instances are immutable and thread-safe.
 */
public final class Ttl {
    private static final long DEFAULT_MARK = -2;
    private static final long FOREVER_MARK = -1;

    /** The cache's configured default TTL. */
    public static final Ttl DEFAULT = new Ttl(DEFAULT_MARK);
    /** No expiry; still capped by the cache's max TTL when one is configured. */
    public static final Ttl FOREVER = new Ttl(FOREVER_MARK);
    /** Do not keep: setting a value with this TTL deletes the key. */
    public static final Ttl NONE = new Ttl(0);

    /** The longest finite TTL, 100 years; longer ones mean {@link #FOREVER}. */
    public static final Duration LONGEST = Duration.ofDays(36_525);

    private final long millis;

    private Ttl(long millis) {
        this.millis = millis;
    }

    /**
     * A TTL of the given duration.
     *
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public static Ttl of(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("TTL must not be negative: " + duration);
        }
        if (duration.isZero()) {
            return NONE;
        }
        if (duration.compareTo(LONGEST) > 0) {
            return FOREVER;
        }
        long ms = duration.toMillis();
        // A sub-millisecond remainder rounds up: a tiny positive TTL must not become a delete.
        if (duration.minusMillis(ms).isPositive()) {
            ms++;
        }
        return new Ttl(ms);
    }

    /** A TTL of {@code millis} milliseconds; see {@link #of(Duration)}. */
    public static Ttl ofMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("TTL must not be negative: " + millis + " ms");
        }
        return of(Duration.ofMillis(millis));
    }

    /** A TTL of {@code seconds} seconds; see {@link #of(Duration)}. */
    public static Ttl ofSeconds(long seconds) {
        if (seconds < 0) {
            throw new IllegalArgumentException("TTL must not be negative: " + seconds + " s");
        }
        return of(Duration.ofSeconds(seconds));
    }

    /** A TTL of {@code minutes} minutes; see {@link #of(Duration)}. */
    public static Ttl ofMinutes(long minutes) {
        if (minutes < 0) {
            throw new IllegalArgumentException("TTL must not be negative: " + minutes + " min");
        }
        return minutes > LONGEST.toMinutes() ? FOREVER : of(Duration.ofMinutes(minutes));
    }

    /** A TTL of {@code hours} hours; see {@link #of(Duration)}. */
    public static Ttl ofHours(long hours) {
        if (hours < 0) {
            throw new IllegalArgumentException("TTL must not be negative: " + hours + " h");
        }
        return hours > LONGEST.toHours() ? FOREVER : of(Duration.ofHours(hours));
    }

    /** Whether this is {@link #DEFAULT}. */
    public boolean isDefault() {
        return millis == DEFAULT_MARK;
    }

    /** Whether this is {@link #FOREVER}. */
    public boolean isForever() {
        return millis == FOREVER_MARK;
    }

    /** Whether this is the zero TTL, {@link #NONE}. */
    public boolean isNone() {
        return millis == 0;
    }

    /**
     * The duration in milliseconds.
     *
     * @throws IllegalStateException for {@link #DEFAULT} and {@link #FOREVER}, which have no duration
     */
    public long toMillis() {
        if (millis < 0) {
            throw new IllegalStateException(this + " has no duration");
        }
        return millis;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ttl other && other.millis == millis;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(millis);
    }

    @Override
    public String toString() {
        if (isDefault()) {
            return "Ttl[default]";
        }
        if (isForever()) {
            return "Ttl[forever]";
        }
        return "Ttl[" + Duration.ofMillis(millis) + "]";
    }
}
