package dev.cachet.bench;

import org.HdrHistogram.Histogram;

/**
 * What one phase measured.
 *
 * @param calls calls completed
 * @param failures calls that missed, were refused or threw
 * @param elapsedNanos the phase's wall-clock length
 * @param latency the latency of every call, in nanoseconds
 */
record Measurement(long calls, long failures, long elapsedNanos, Histogram latency) {
    double throughput() {
        return calls * 1e9 / elapsedNanos;
    }

    double p50Micros() {
        return latency.getValueAtPercentile(50) / 1e3;
    }

    double p99Micros() {
        return latency.getValueAtPercentile(99) / 1e3;
    }
}
