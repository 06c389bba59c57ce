package dev.cachet.bench;

import org.HdrHistogram.Histogram;

/**
 * What one phase measured.
 *
 * @param calls iterations completed (a get-many of 100 keys, or 100 single gets, is one)
 * @param failures iterations whose write was refused or whose call threw
 * @param reads keys read
 * @param hits keys read that were found
 * @param elapsedNanos the phase's wall-clock length
 * @param latency the latency of every iteration, in nanoseconds; at a fixed rate, from its intended start
 * @param iterations iterations per client, from which {@link Workload#readCounts} replays the phase's keys
 * @param serverCommands commands the server counted during the phase, or -1 when not known
 * @param firstTierHits reads a first tier answered during the phase, or -1 for a contender without one
 */
record Measurement(long calls, long failures, long reads, long hits, long elapsedNanos, Histogram latency, long[] iterations,
        long serverCommands, long firstTierHits) {
    double throughput() {
        return calls * 1e9 / elapsedNanos;
    }

    double p50Micros() {
        return latency.getValueAtPercentile(50) / 1e3;
    }

    double p99Micros() {
        return latency.getValueAtPercentile(99) / 1e3;
    }

    double p999Micros() {
        return latency.getValueAtPercentile(99.9) / 1e3;
    }

    long misses() {
        return reads - hits;
    }

    /** Hits over keys read; NaN for a phase that read nothing. */
    double hitRatio() {
        return reads == 0 ? Double.NaN : (double) hits / reads;
    }

    /** Server commands per iteration; NaN when the server's count is not known. */
    double commandsPerCall() {
        return serverCommands < 0 || calls == 0 ? Double.NaN : (double) serverCommands / calls;
    }

    /** First-tier hits over keys read; NaN for a contender without a first tier. */
    double firstTierHitRatio() {
        return firstTierHits < 0 || reads == 0 ? Double.NaN : (double) firstTierHits / reads;
    }

    /** This measurement with the server's command count and the first tier's hits added. */
    Measurement with(long serverCommands, long firstTierHits) {
        return new Measurement(calls, failures, reads, hits, elapsedNanos, latency, iterations, serverCommands, firstTierHits);
    }
}
