package dev.cachet;

import dev.cachet.resilience.GuardedStore;
import dev.cachet.store.Envelope;
import dev.cachet.store.HeldValue;
import dev.cachet.store.Store;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/** What every version view of one cache shares: the guarded store, key and value rules, counters. */
final class CacheCore {
    private static final System.Logger LOG = System.getLogger(Cache.class.getName());

    final CacheOptions options;
    final GuardedStore store;
    final GuardedStore strictStore;
    final Keys keys;
    final ValueFormat format;
    final GetOrCompute getOrCompute = new GetOrCompute(this);

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder staleHits = new LongAdder();
    final LongAdder sets = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
    final LongAdder loadNanos = new LongAdder();
    final LongAdder leaseWaits = new LongAdder();
    final LongAdder decodeFailures = new LongAdder();
    private final AtomicLong lastDecodeReport = new AtomicLong(Long.MIN_VALUE);
    private final long reportIntervalNanos;
    CacheCore(Store store, CacheOptions options) {
        this.options = options;
        this.store = store instanceof GuardedStore guarded ? guarded : GuardedStore.wrap(store, options.resilience());
        this.strictStore = this.store.strict();
        this.keys = new Keys(options);
        this.format = new ValueFormat(options.codec(), options.compressionThreshold(), options.maxValueBytes());
        this.reportIntervalNanos = options.resilience().errorLogInterval().toNanos();
    }

    /**
     * Decodes {@code body}, the value part of {@code stored}. A value the store {@code held} in process hands out
     * what it was decoded into before, when that can be shared: a value of a {@linkplain ImmutableTypes deeply
     * immutable} type, or of any type with {@link CacheOptions#shareDecodedValues()}.
     */
    private <T> T decodeBody(byte[] body, TypeRef<T> type, HeldValue held) {
        if (held == null || !shared(type)) {
            return format.decode(body, type);
        }
        @SuppressWarnings("unchecked")
        T kept = (T) held.decodedAs(type.type());
        if (kept != null) {
            return kept;
        }
        T value = format.decode(body, type);
        if (value != null) {
            held.keepDecoded(type.type(), value);
        }
        return value;
    }

    /** Whether a decoded value of {@code type} may be handed to every caller that reads it. */
    private boolean shared(TypeRef<?> type) {
        return options.shareDecodedValues() || ImmutableTypes.deeplyImmutable(type.type());
    }

    AsyncView async(int version) {
        return new AsyncView(this, version);
    }

    /** The TTL a store receives: milliseconds, {@link Store#FOREVER}, or 0 for "delete". */
    long ttlMillis(Ttl ttl) {
        Ttl effective = ttl.isDefault() ? options.defaultTtl() : ttl;
        if (effective.isNone()) {
            return 0;
        }
        Ttl max = options.maxTtl();
        if (effective.isForever()) {
            return max.isForever() ? Store.FOREVER : max.toMillis();
        }
        return max.isForever() ? effective.toMillis() : Math.min(effective.toMillis(), max.toMillis());
    }

    /** Wall-clock milliseconds, by which values stop being fresh. */
    long now() {
        return options.clock().millis();
    }

    /** How a get-or-compute call keeps its value, with the cache's settings filled in. */
    Policy policy(ComputeOptions compute) {
        return new Policy(ttlMillis(compute.ttl()),
                (compute.staleWhileRevalidate() != null ? compute.staleWhileRevalidate() : options.staleWhileRevalidate()).toMillis(),
                (compute.staleIfError() != null ? compute.staleIfError() : options.staleIfError()).toMillis(),
                compute.earlyRefresh() != null ? compute.earlyRefresh() : options.earlyRefresh(),
                compute.tags(), compute.valueTags());
    }

    /**
     * The stored form of a computed value: plain, or in an {@link Envelope} when the policy needs one, fresh
     * for its TTL from now.
     */
    byte[] encode(String key, Object value, Policy policy, Map<String, String> stamps, long loadMillis) {
        byte[] body = format.encode(key, value);
        if (!policy.enveloped()) {
            return body;
        }
        long freshUntil = policy.ttlMillis() == Store.FOREVER ? 0 : now() + policy.ttlMillis();
        return new Envelope(freshUntil, loadMillis, stamps, body).toBytes();
    }

    /** Whether stored bytes are fresh now, without decoding them; a malformed envelope is not (a read misses it). */
    boolean fresh(byte[] stored) {
        if (!Envelope.isEnvelope(stored)) {
            return true;
        }
        try {
            long freshUntil = Envelope.parse(stored).freshUntil();
            return freshUntil == 0 || now() < freshUntil;
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** Decodes a read, counting it; an undecodable value is a miss and is removed. */
    <T> T decode(String storedKey, byte[] stored, TypeRef<T> type) {
        return decode(storedKey, stored, null, type, true);
    }

    /**
     * Decodes a hit that the store holds in process. A plain value (no envelope: nothing but its body to check)
     * that was decoded before is handed out without reading its bytes.
     */
    <T> T decode(String storedKey, HeldValue held, TypeRef<T> type) {
        if (!held.enveloped()) {
            @SuppressWarnings("unchecked")
            T kept = (T) held.decodedAs(type.type());
            if (kept != null && shared(type)) {
                hits.increment();
                return kept;
            }
        }
        return decode(storedKey, held.bytes(), held, type, true);
    }

    <T> T decode(String storedKey, byte[] stored, TypeRef<T> type, boolean countRead) {
        return decode(storedKey, stored, null, type, countRead);
    }

    /** Decodes a read; {@code countRead} is false for a second look within one call already counted. */
    private <T> T decode(String storedKey, byte[] stored, HeldValue held, TypeRef<T> type, boolean countRead) {
        if (stored == null) {
            if (countRead) {
                misses.increment();
            }
            return null;
        }
        if (Envelope.isEnvelope(stored)) {
            Found<T> found = found(storedKey, stored, held, type);
            boolean fresh = found != null && found.freshAt(now());
            if (countRead) {
                (fresh ? hits : misses).increment();
            }
            return fresh ? found.value() : null;
        }
        try {
            T value = decodeBody(stored, type, held);
            if (countRead) {
                hits.increment();
            }
            return value;
        } catch (ValueFormat.Undecodable e) {
            if (countRead) {
                misses.increment();
            }
            undecodable(storedKey, stored, type, e);
            return null;
        }
    }

    /**
     * Decodes a read with what its envelope says, counting nothing but a decode failure; null when absent
     * or undecodable (which is removed).
     */
    <T> Found<T> found(String storedKey, byte[] stored, TypeRef<T> type) {
        return found(storedKey, stored, null, type);
    }

    /** {@link #found(String, byte[], TypeRef)} of a value the store holds in process. */
    <T> Found<T> found(String storedKey, HeldValue held, TypeRef<T> type) {
        return found(storedKey, held.bytes(), held, type);
    }

    private <T> Found<T> found(String storedKey, byte[] stored, HeldValue held, TypeRef<T> type) {
        if (stored == null) {
            return null;
        }
        try {
            if (!Envelope.isEnvelope(stored)) {
                return new Found<>(decodeBody(stored, type, held), stored, 0, 0);
            }
            Envelope envelope;
            try {
                envelope = Envelope.parse(stored);
            } catch (IllegalArgumentException malformed) {
                throw new ValueFormat.Undecodable(malformed.getMessage());
            }
            return new Found<>(decodeBody(envelope.body(), type, held), stored, envelope.freshUntil(), envelope.loadMillis());
        } catch (ValueFormat.Undecodable e) {
            undecodable(storedKey, stored, type, e);
            return null;
        }
    }

    /** Counts, reports and removes a value that could not be decoded. */
    private void undecodable(String storedKey, byte[] stored, TypeRef<?> type, ValueFormat.Undecodable e) {
        decodeFailures.increment();
        reportUndecodable(storedKey, type, e);
        // Only the bytes that failed: a writer may have replaced them since the read.
        store.deleteIfSame(storedKey, stored);
    }

    /**
     * A decoded value as stored, and when it stops being fresh.
     *
     * @param freshUntil epoch milliseconds, or 0 when only the store's TTL ends it
     * @param loadMillis how long it took to load, 0 when unknown
     */
    record Found<T>(T value, byte[] stored, long freshUntil, long loadMillis) {
        boolean freshAt(long nowMillis) {
            return freshUntil == 0 || nowMillis < freshUntil;
        }
    }

    /**
     * A get-or-compute policy in store terms.
     *
     * @param ttlMillis how long a value is fresh: milliseconds, {@link Store#FOREVER}, or 0 for "do not store"
     * @param valueTags the tags of a loaded value ({@link ComputeOptions#valueTags()}), or null for none
     */
    record Policy(long ttlMillis, long staleWhileRevalidateMillis, long staleIfErrorMillis, double earlyRefresh, Set<String> tags,
            Function<Object, Collection<String>> valueTags) {
        /** Whether values need an envelope: anything beyond the store's TTL is to be known of them. */
        boolean enveloped() {
            return ttlMillis != Store.FOREVER
                    && (staleWhileRevalidateMillis > 0 || staleIfErrorMillis > 0 || earlyRefresh > 0) || !tags.isEmpty()
                    || valueTags != null;
        }

        /**
         * The store's TTL: the fresh TTL and then the longer stale window, so a value is kept past
         * {@link CacheOptions#maxTtl()} (which bounds freshness) by at most that window; a sum past a century
         * is kept for ever.
         */
        long storedTtlMillis() {
            if (ttlMillis == Store.FOREVER) {
                return Store.FOREVER;
            }
            long window = Math.max(staleWhileRevalidateMillis, staleIfErrorMillis);
            return window > Ttl.LONGEST.toMillis() - ttlMillis ? Store.FOREVER : ttlMillis + window;
        }

        /**
         * XFetch: refresh a fresh value early when {@code now - loadMillis * beta * ln(random) >= freshUntil},
         * so the likelihood grows as expiry nears and with the load time, and one caller, not all, refreshes.
         */
        boolean refreshesEarly(Found<?> found, long now, double random) {
            return earlyRefresh > 0 && found.freshUntil() != 0
                    && now - found.loadMillis() * earlyRefresh * Math.log(random) >= found.freshUntil();
        }
    }

    private final AtomicLong lastTooLargeReport = new AtomicLong(Long.MIN_VALUE);

    /** Logs, at most once per interval, a loaded value that was too large to store. */
    void reportTooLarge(String storedKey, ValueTooLargeException e) {
        long now = options.resilience().ticker().read();
        long last = lastTooLargeReport.get();
        if ((last == Long.MIN_VALUE || now - last >= reportIntervalNanos) && lastTooLargeReport.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "cache {0}: loaded value not stored at key ''{1}'': {2}",
                    options.name(), Keys.show(storedKey), e.getMessage());
        }
    }

    private void reportUndecodable(String storedKey, TypeRef<?> type, ValueFormat.Undecodable e) {
        long now = options.resilience().ticker().read();
        long last = lastDecodeReport.get();
        if ((last == Long.MIN_VALUE || now - last >= reportIntervalNanos) && lastDecodeReport.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING,
                    "cache {0}: value at key ''{1}'' is not a {2} ({3}); treated as a miss and removed",
                    options.name(), Keys.show(storedKey), type.type().getTypeName(), e.getMessage());
        }
    }

    CacheStats stats() {
        return new CacheStats(options.name(), hits.sum(), misses.sum(), staleHits.sum(), sets.sum(), deletes.sum(), loads.sum(),
                loadFailures.sum(), loadNanos.sum(), leaseWaits.sum(), decodeFailures.sum(), store.errorsByCause(), store.breakerState(),
                store.pendingInvalidations(), store.droppedInvalidations());
    }
}
