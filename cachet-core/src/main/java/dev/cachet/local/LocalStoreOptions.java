package dev.cachet.local;

import dev.cachet.Ticker;
import java.util.Objects;

/**
 * Options of the in-process store. Exactly one bound applies: a number of entries or a number of bytes.
 *
 * @param name how the store is named in logs and metrics
 * @param maximumEntries the most entries kept, or 0 when bounded by bytes
 * @param maximumBytes the most bytes of keys and values kept (approximately), or 0 when bounded by entries
 * @param ticker the time source for entry expiry
 */
public record LocalStoreOptions(String name, long maximumEntries, long maximumBytes, Ticker ticker) {
    /** Default name: {@value}. */
    public static final String DEFAULT_NAME = "local";
    /** Default bound when none is given: {@value} entries. */
    public static final long DEFAULT_MAXIMUM_ENTRIES = 10_000;
    /** Defaults: {@value #DEFAULT_MAXIMUM_ENTRIES} entries, the system ticker. */
    public static final LocalStoreOptions DEFAULTS = builder().build();

    /** Checks the fields. */
    public LocalStoreOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ticker, "ticker");
        if (maximumEntries < 0 || maximumBytes < 0) {
            throw new IllegalArgumentException("maximumEntries and maximumBytes must not be negative");
        }
        if ((maximumEntries > 0) == (maximumBytes > 0)) {
            throw new IllegalArgumentException(
                    "set exactly one of maximumEntries and maximumBytes, was " + maximumEntries + " and " + maximumBytes);
        }
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link LocalStoreOptions}; fails fast on a bound set twice. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private long maximumEntries;
        private long maximumBytes;
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /** See {@link LocalStoreOptions#name()}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Bounds the store by entries; cannot be combined with {@link #maximumBytes}. */
        public Builder maximumEntries(long entries) {
            if (maximumBytes > 0) {
                throw new IllegalStateException("maximumBytes is already set; a store has one bound");
            }
            if (entries <= 0) {
                throw new IllegalArgumentException("maximumEntries must be positive, was " + entries);
            }
            this.maximumEntries = entries;
            return this;
        }

        /** Bounds the store by the bytes of its keys and values; cannot be combined with entries. */
        public Builder maximumBytes(long bytes) {
            if (maximumEntries > 0) {
                throw new IllegalStateException("maximumEntries is already set; a store has one bound");
            }
            if (bytes <= 0) {
                throw new IllegalArgumentException("maximumBytes must be positive, was " + bytes);
            }
            this.maximumBytes = bytes;
            return this;
        }

        /** See {@link LocalStoreOptions#ticker()}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** The options. */
        public LocalStoreOptions build() {
            long entries = maximumEntries == 0 && maximumBytes == 0 ? DEFAULT_MAXIMUM_ENTRIES : maximumEntries;
            return new LocalStoreOptions(name, entries, maximumBytes, ticker);
        }
    }
}
