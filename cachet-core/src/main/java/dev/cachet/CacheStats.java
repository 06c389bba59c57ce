package dev.cachet;

import dev.cachet.resilience.CircuitBreaker;
import java.util.Map;

/**
 * A snapshot of a cache's counters since it was created.
 *
 * <p>Each read counts once. A hit is a key that was present and decoded, whatever its value; a miss is an
 * absent key, an undecodable value, a value past its TTL, or a read that failed in fail-soft mode; a stale
 * hit is a get-or-compute call answered with a value past its TTL within a stale window.
 *
 * @param name the cache's name
 * @param hits reads that found a value
 * @param misses reads that found none, or only a value that is no longer fresh
 * @param staleHits get-or-compute calls answered with a value past its TTL, within a stale window
 * @param sets values written (whether or not the backend took them)
 * @param deletes delete calls
 * @param loads loader calls from {@code getOrCompute}
 * @param loadFailures loader calls that threw
 * @param loadNanos time spent in loader calls, in nanoseconds, by the cache's ticker
 * @param leaseWaits get-or-compute calls that found another caller (on any instance) loading the key and
 *     waited for its value
 * @param decodeFailures stored values that could not be decoded (and were removed)
 * @param errorsByCause backend failures by cause
 * @param breaker the circuit breaker's state
 * @param pendingInvalidations keys and tags whose write, delete or invalidation failed, still to be invalidated
 *     before the backend is read again
 * @param droppedInvalidations failed invalidations that found too many pending to be remembered: their old
 *     values stay until they expire
 */
public record CacheStats(
        String name,
        long hits,
        long misses,
        long staleHits,
        long sets,
        long deletes,
        long loads,
        long loadFailures,
        long loadNanos,
        long leaseWaits,
        long decodeFailures,
        Map<String, Long> errorsByCause,
        CircuitBreaker.State breaker,
        int pendingInvalidations,
        long droppedInvalidations) {
    /** Copies the map. */
    public CacheStats {
        errorsByCause = Map.copyOf(errorsByCause);
    }

    /** Reads answered from the cache (hits and stale hits) over all reads, or 0 when there were none. */
    public double hitRatio() {
        long reads = hits + staleHits + misses;
        return reads == 0 ? 0 : (double) (hits + staleHits) / reads;
    }

    /** All backend failures. */
    public long errors() {
        return errorsByCause.values().stream().mapToLong(Long::longValue).sum();
    }
}
