package dev.cachet;

import dev.cachet.resilience.ResilienceOptions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Options of a {@link Cache}: keys, TTL rules, values and failure handling.
 *
 * @param name how the cache is named in logs and statistics
 * @param keyPrefix the first part of every stored key; a deploy can put its release id here so that old
 *     entries are never read again; {@link Cache#clear()} deletes everything under it
 * @param version the default version, the second part of every stored key
 * @param keyFunction makes stored keys from prefix, version and key
 * @param defaultTtl the TTL of writes that do not give one; {@link Ttl#FOREVER} allowed, not
 *     {@link Ttl#DEFAULT} or {@link Ttl#NONE}
 * @param maxTtl the longest TTL stored; longer ones, {@link Ttl#FOREVER} included, are cut to it;
 *     {@link Ttl#FOREVER} here means no cap
 * @param codec turns values into bytes and back
 * @param compressionThreshold serialized values of at least this many bytes are compressed with LZ4
 * @param maxValueBytes the largest serialized value (before compression); larger values are refused
 * @param maxKeyBytes the longest stored key, in UTF-8 bytes; longer keys are refused
 * @param resilience what backend failures do
 * @param leaseTtl how long a lease given to a {@code getOrCompute} loader lasts, at most
 * @param leaseWait how long {@code getOrCompute} waits for a value that another caller (on any instance)
 *     holds the lease for, before it loads the value itself (without storing it)
 * @param staleWhileRevalidate how long after its TTL a value that {@code getOrCompute} stored is still
 *     served while one caller refreshes it; zero for never (see {@link ComputeOptions})
 * @param staleIfError how long after its TTL such a value is still served when its loader fails; zero for
 *     never
 * @param earlyRefresh the XFetch {@code beta} of probabilistic early refresh: above zero, a caller of
 *     {@code getOrCompute} refreshes a value before it expires with a probability that grows as expiry
 *     nears and with the time the value took to load ({@code 1.0} is the usual setting); zero for never
 * @param shareDecodedValues whether a hit in process (local store, tiered first tier) of an unchanged value of
 *     any type hands out the instance decoded before, for applications whose values no caller modifies.
 *     Without it (the default) only types that no caller can modify are shared that way (strings, numbers,
 *     {@code java.time} values, enums, and records made of these), and every other read decodes a value of
 *     the caller's own
 * @param clock the wall clock that values' expiry for stale serving and early refresh is measured by
 */
public record CacheOptions(
        String name,
        String keyPrefix,
        int version,
        KeyFunction keyFunction,
        Ttl defaultTtl,
        Ttl maxTtl,
        Codec codec,
        int compressionThreshold,
        int maxValueBytes,
        int maxKeyBytes,
        ResilienceOptions resilience,
        Duration leaseTtl,
        Duration leaseWait,
        Duration staleWhileRevalidate,
        Duration staleIfError,
        double earlyRefresh,
        boolean shareDecodedValues,
        InstantSource clock) {
    /** Default {@link #name()}: {@value}. */
    public static final String DEFAULT_NAME = "default";
    /** Default {@link #defaultTtl()}: 300 s, as Django. */
    public static final Ttl DEFAULT_TTL = Ttl.ofSeconds(300);
    /** Default {@link #compressionThreshold()}: {@value} bytes. */
    public static final int DEFAULT_COMPRESSION_THRESHOLD = 8 * 1024;
    /** Default {@link #maxValueBytes()}: {@value} bytes (1 MiB). */
    public static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
    /** Default {@link #maxKeyBytes()}: {@value} bytes. */
    public static final int DEFAULT_MAX_KEY_BYTES = 1024;
    /** Default {@link #leaseTtl()}: 10 s. */
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(10);
    /** Default {@link #leaseWait()}: 500 ms. */
    public static final Duration DEFAULT_LEASE_WAIT = Duration.ofMillis(500);
    /** All defaults: no prefix, version 1, 300 s TTL, no cap, JSON, fail-soft. */
    public static final CacheOptions DEFAULTS = builder().build();

    /** Checks the fields. */
    public CacheOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(keyFunction, "keyFunction");
        Objects.requireNonNull(defaultTtl, "defaultTtl");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(resilience, "resilience");
        Keys.checkNoControlCharacters("keyPrefix", keyPrefix);
        if (defaultTtl.isDefault() || defaultTtl.isNone()) {
            throw new IllegalArgumentException("defaultTtl must be a positive duration or FOREVER, was " + defaultTtl);
        }
        if (maxTtl.isDefault() || maxTtl.isNone()) {
            throw new IllegalArgumentException("maxTtl must be a positive duration or FOREVER, was " + maxTtl);
        }
        if (!maxTtl.isForever() && !defaultTtl.isForever() && defaultTtl.toMillis() > maxTtl.toMillis()) {
            throw new IllegalArgumentException("defaultTtl " + defaultTtl + " is longer than maxTtl " + maxTtl);
        }
        if (codec.format() < 1 || codec.format() > 7) {
            throw new IllegalArgumentException("codec format must be 1 to 7, was " + codec.format());
        }
        if (compressionThreshold < 1) {
            throw new IllegalArgumentException("compressionThreshold must be positive, was " + compressionThreshold);
        }
        if (maxValueBytes < 1) {
            throw new IllegalArgumentException("maxValueBytes must be positive, was " + maxValueBytes);
        }
        if (maxKeyBytes < 1) {
            throw new IllegalArgumentException("maxKeyBytes must be positive, was " + maxKeyBytes);
        }
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(leaseWait, "leaseWait");
        if (leaseTtl.toMillis() < 1) {
            throw new IllegalArgumentException("leaseTtl must be at least 1 ms, was " + leaseTtl);
        }
        if (leaseWait.isNegative()) {
            throw new IllegalArgumentException("leaseWait must not be negative, was " + leaseWait);
        }
        ComputeOptions.checkStale("staleWhileRevalidate", staleWhileRevalidate);
        ComputeOptions.checkStale("staleIfError", staleIfError);
        ComputeOptions.checkEarlyRefresh(earlyRefresh);
        Objects.requireNonNull(clock, "clock");
    }

    /** A builder with the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to derive a variant. */
    public Builder mutate() {
        return new Builder()
                .name(name)
                .keyPrefix(keyPrefix)
                .version(version)
                .keyFunction(keyFunction)
                .defaultTtl(defaultTtl)
                .maxTtl(maxTtl)
                .codec(codec)
                .compressionThreshold(compressionThreshold)
                .maxValueBytes(maxValueBytes)
                .maxKeyBytes(maxKeyBytes)
                .resilience(resilience)
                .leaseTtl(leaseTtl)
                .leaseWait(leaseWait)
                .staleWhileRevalidate(staleWhileRevalidate)
                .staleIfError(staleIfError)
                .earlyRefresh(earlyRefresh)
                .shareDecodedValues(shareDecodedValues)
                .clock(clock);
    }

    /** Builds {@link CacheOptions}; {@link #build()} checks the combination. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private String keyPrefix = "";
        private int version = 1;
        private KeyFunction keyFunction = KeyFunction.standard();
        private Ttl defaultTtl = DEFAULT_TTL;
        private Ttl maxTtl = Ttl.FOREVER;
        private Codec codec = Codec.json();
        private int compressionThreshold = DEFAULT_COMPRESSION_THRESHOLD;
        private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;
        private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
        private ResilienceOptions resilience = ResilienceOptions.DEFAULTS;
        private Duration leaseTtl = DEFAULT_LEASE_TTL;
        private Duration leaseWait = DEFAULT_LEASE_WAIT;
        private Duration staleWhileRevalidate = Duration.ZERO;
        private Duration staleIfError = Duration.ZERO;
        private double earlyRefresh;
        private boolean shareDecodedValues;
        private InstantSource clock = InstantSource.system();

        private Builder() {
        }

        /** See {@link CacheOptions#name()}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** See {@link CacheOptions#keyPrefix()}. */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** See {@link CacheOptions#version()}. */
        public Builder version(int version) {
            this.version = version;
            return this;
        }

        /** See {@link CacheOptions#keyFunction()}. */
        public Builder keyFunction(KeyFunction keyFunction) {
            this.keyFunction = keyFunction;
            return this;
        }

        /** See {@link CacheOptions#defaultTtl()}. */
        public Builder defaultTtl(Ttl defaultTtl) {
            this.defaultTtl = defaultTtl;
            return this;
        }

        /** See {@link CacheOptions#maxTtl()}. */
        public Builder maxTtl(Ttl maxTtl) {
            this.maxTtl = maxTtl;
            return this;
        }

        /** See {@link CacheOptions#codec()}. */
        public Builder codec(Codec codec) {
            this.codec = codec;
            return this;
        }

        /** See {@link CacheOptions#compressionThreshold()}. */
        public Builder compressionThreshold(int bytes) {
            this.compressionThreshold = bytes;
            return this;
        }

        /** See {@link CacheOptions#maxValueBytes()}. */
        public Builder maxValueBytes(int bytes) {
            this.maxValueBytes = bytes;
            return this;
        }

        /** See {@link CacheOptions#maxKeyBytes()}. */
        public Builder maxKeyBytes(int bytes) {
            this.maxKeyBytes = bytes;
            return this;
        }

        /** See {@link CacheOptions#resilience()}. */
        public Builder resilience(ResilienceOptions resilience) {
            this.resilience = resilience;
            return this;
        }

        /** See {@link CacheOptions#leaseTtl()}. */
        public Builder leaseTtl(Duration leaseTtl) {
            this.leaseTtl = leaseTtl;
            return this;
        }

        /** See {@link CacheOptions#leaseWait()}. */
        public Builder leaseWait(Duration leaseWait) {
            this.leaseWait = leaseWait;
            return this;
        }

        /** See {@link CacheOptions#staleWhileRevalidate()}. */
        public Builder staleWhileRevalidate(Duration window) {
            this.staleWhileRevalidate = window;
            return this;
        }

        /** See {@link CacheOptions#staleIfError()}. */
        public Builder staleIfError(Duration window) {
            this.staleIfError = window;
            return this;
        }

        /** See {@link CacheOptions#earlyRefresh()}. */
        public Builder earlyRefresh(double beta) {
            this.earlyRefresh = beta;
            return this;
        }

        /** See {@link CacheOptions#shareDecodedValues()}. */
        public Builder shareDecodedValues(boolean share) {
            this.shareDecodedValues = share;
            return this;
        }

        /** See {@link CacheOptions#clock()}. */
        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        /** The options; checks them. */
        public CacheOptions build() {
            return new CacheOptions(name, keyPrefix, version, keyFunction, defaultTtl, maxTtl, codec,
                    compressionThreshold, maxValueBytes, maxKeyBytes, resilience, leaseTtl, leaseWait,
                    staleWhileRevalidate, staleIfError, earlyRefresh, shareDecodedValues, clock);
        }
    }
}
