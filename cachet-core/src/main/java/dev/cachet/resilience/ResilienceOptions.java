package dev.cachet.resilience;

import dev.cachet.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * How a cache behaves when its backend fails.
 *
 * @param failSoft true (the default) to turn backend failures into misses and {@code false}; false to throw
 *     {@link dev.cachet.CacheBackendException} ("strict")
 * @param failureThreshold consecutive backend failures that open the circuit breaker
 * @param openDuration how long an open breaker refuses calls before it lets one probe through
 * @param retryReads whether a read that failed without timing out is tried once more
 * @param errorLogInterval the least time between two log lines about the same cause
 * @param maxPendingInvalidations how many keys and tags whose invalidation failed are remembered, to be
 *     invalidated before the backend is used again
 * @param ticker the time source of the breaker and the error log
 */
public record ResilienceOptions(
        boolean failSoft,
        int failureThreshold,
        Duration openDuration,
        boolean retryReads,
        Duration errorLogInterval,
        int maxPendingInvalidations,
        Ticker ticker) {
    /** Default {@link #failureThreshold()}: {@value}. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    /** Default {@link #openDuration()}: 1 s, so a recovered backend is used again within about a second. */
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofSeconds(1);
    /** Default {@link #errorLogInterval()}: 30 s. */
    public static final Duration DEFAULT_ERROR_LOG_INTERVAL = Duration.ofSeconds(30);
    /**
     * Default {@link #maxPendingInvalidations()}: {@value}, a few hundred kilobytes of keys, enough for the
     * writes of a minute-long outage of a busy service.
     */
    public static final int DEFAULT_MAX_PENDING_INVALIDATIONS = 10_000;
    /** Fail-soft with the defaults above. */
    public static final ResilienceOptions DEFAULTS = builder().build();

    /** Checks the fields. */
    public ResilienceOptions {
        Objects.requireNonNull(openDuration, "openDuration");
        Objects.requireNonNull(errorLogInterval, "errorLogInterval");
        Objects.requireNonNull(ticker, "ticker");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
        }
        if (!openDuration.isPositive()) {
            throw new IllegalArgumentException("openDuration must be positive, was " + openDuration);
        }
        if (errorLogInterval.isNegative()) {
            throw new IllegalArgumentException("errorLogInterval must not be negative, was " + errorLogInterval);
        }
        if (maxPendingInvalidations < 0) {
            throw new IllegalArgumentException("maxPendingInvalidations must not be negative, was " + maxPendingInvalidations);
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive a variant. */
    public Builder mutate() {
        Builder b = new Builder();
        b.failSoft = failSoft;
        b.failureThreshold = failureThreshold;
        b.openDuration = openDuration;
        b.retryReads = retryReads;
        b.errorLogInterval = errorLogInterval;
        b.maxPendingInvalidations = maxPendingInvalidations;
        b.ticker = ticker;
        return b;
    }

    /** Builds {@link ResilienceOptions}. */
    public static final class Builder {
        private boolean failSoft = true;
        private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
        private Duration openDuration = DEFAULT_OPEN_DURATION;
        private boolean retryReads = true;
        private Duration errorLogInterval = DEFAULT_ERROR_LOG_INTERVAL;
        private int maxPendingInvalidations = DEFAULT_MAX_PENDING_INVALIDATIONS;
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /** See {@link ResilienceOptions#failSoft()}. */
        public Builder failSoft(boolean failSoft) {
            this.failSoft = failSoft;
            return this;
        }

        /** See {@link ResilienceOptions#failureThreshold()}. */
        public Builder failureThreshold(int failureThreshold) {
            this.failureThreshold = failureThreshold;
            return this;
        }

        /** See {@link ResilienceOptions#openDuration()}. */
        public Builder openDuration(Duration openDuration) {
            this.openDuration = openDuration;
            return this;
        }

        /** See {@link ResilienceOptions#retryReads()}. */
        public Builder retryReads(boolean retryReads) {
            this.retryReads = retryReads;
            return this;
        }

        /** See {@link ResilienceOptions#errorLogInterval()}. */
        public Builder errorLogInterval(Duration errorLogInterval) {
            this.errorLogInterval = errorLogInterval;
            return this;
        }

        /** See {@link ResilienceOptions#maxPendingInvalidations()}; 0 forgets failed invalidations. */
        public Builder maxPendingInvalidations(int maxPendingInvalidations) {
            this.maxPendingInvalidations = maxPendingInvalidations;
            return this;
        }

        /** See {@link ResilienceOptions#ticker()}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = ticker;
            return this;
        }

        /** The options; checks them. */
        public ResilienceOptions build() {
            return new ResilienceOptions(failSoft, failureThreshold, openDuration, retryReads, errorLogInterval, maxPendingInvalidations, ticker);
        }
    }
}
