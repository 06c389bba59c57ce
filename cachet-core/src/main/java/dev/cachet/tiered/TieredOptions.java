package dev.cachet.tiered;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a {@link TieredStore}.
 *
 * @param firstTierTtl the longest an entry stays in the first tier: a bound on staleness even if an
 *     invalidation is lost; an entry also never outlives its remaining TTL in the second tier
 */
public record TieredOptions(Duration firstTierTtl) {
    /** Default {@link #firstTierTtl()}: 30 s. */
    public static final Duration DEFAULT_FIRST_TIER_TTL = Duration.ofSeconds(30);
    /** The defaults. */
    public static final TieredOptions DEFAULTS = new TieredOptions(DEFAULT_FIRST_TIER_TTL);

    /** Checks the fields. */
    public TieredOptions {
        Objects.requireNonNull(firstTierTtl, "firstTierTtl");
        if (firstTierTtl.toMillis() < 1) {
            throw new IllegalArgumentException("firstTierTtl must be at least 1 ms, was " + firstTierTtl);
        }
    }
}
