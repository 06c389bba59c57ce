package dev.cachet.catalog.admin;

import dev.cachet.catalog.cache.RedisSummary;
import java.util.Map;

/**
 * The cache meters and the Redis probes at one moment, as the dashboard keeps them over time.
 *
 * @param at when, in epoch milliseconds
 * @param caches each cache's figures, by alias
 * @param redis each Redis' latest probe, by server; a server whose probe failed has a null summary
 */
record Sample(long at, Map<String, CacheFigures> caches, Map<String, Redis> redis) {
    /**
     * One cache's meters ({@code cachet.*{cache=alias}}); the counters count from the start of the process.
     *
     * @param store local, redis, tiered or memcached
     * @param hits reads that found a fresh value
     * @param misses reads that found none
     * @param stale get-or-compute calls answered with a value past its TTL
     * @param firstTier reads answered in process, for a tiered cache (else null)
     * @param secondTier reads that went on to Redis, for a tiered cache (else null)
     * @param loads loader calls
     * @param loadSeconds the time they took in all
     * @param loadFailures loader calls that threw
     * @param errors backend failures by cause (timeout, refused, circuit_open, other)
     * @param breaker the circuit breaker's state (CLOSED, OPEN, HALF_OPEN)
     * @param breakerOpen whether the breaker keeps calls from the backend ({@code cachet.breaker.open} is 1)
     * @param pendingInvalidations failed invalidations waiting for the backend
     * @param droppedInvalidations failed invalidations given up
     * @param localEntries entries held in process (null for a cache without an in-process store)
     */
    record CacheFigures(String store, long hits, long misses, long stale, Long firstTier, Long secondTier, long loads, double loadSeconds,
            long loadFailures, Map<String, Long> errors, String breaker, boolean breakerOpen, long pendingInvalidations,
            long droppedInvalidations, Long localEntries) {
        /** Every read: hits, misses and stale answers. */
        long gets() {
            return hits + misses + stale;
        }
    }

    /**
     * One Redis as the latest background probe saw it.
     *
     * @param summary what INFO said, or null when the probe failed
     * @param error why the probe failed, or null
     */
    record Redis(RedisSummary summary, String error) {}
}
