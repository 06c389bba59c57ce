package dev.cachet;

import dev.cachet.resilience.GuardedStore;
import dev.cachet.store.Store;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What every version view of one cache shares: the guarded store, key and value rules, counters. */
final class CacheCore {
    private static final System.Logger LOG = System.getLogger(Cache.class.getName());

    final CacheOptions options;
    final GuardedStore store;
    final GuardedStore strictStore;
    final Keys keys;
    final ValueFormat format;
    /** In-flight loads of {@code getOrCompute}, by stored key: one loader per key per process. */
    final ConcurrentHashMap<String, CompletableFuture<Object>> loading = new ConcurrentHashMap<>();

    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder sets = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder loads = new LongAdder();
    final LongAdder loadFailures = new LongAdder();
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

    /** Decodes a read, counting it; an undecodable value is a miss and is removed. */
    <T> T decode(String storedKey, byte[] stored, TypeRef<T> type) {
        return decode(storedKey, stored, type, true);
    }

    /** Decodes a read; {@code countRead} is false for a second look within one call already counted. */
    <T> T decode(String storedKey, byte[] stored, TypeRef<T> type, boolean countRead) {
        if (stored == null) {
            if (countRead) {
                misses.increment();
            }
            return null;
        }
        try {
            T value = format.decode(stored, type);
            if (countRead) {
                hits.increment();
            }
            return value;
        } catch (ValueFormat.Undecodable e) {
            if (countRead) {
                misses.increment();
            }
            decodeFailures.increment();
            reportUndecodable(storedKey, type, e);
            // Only the bytes that failed: a writer may have replaced them since the read.
            store.deleteIfSame(storedKey, stored);
            return null;
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
        return new CacheStats(options.name(), hits.sum(), misses.sum(), sets.sum(), deletes.sum(), loads.sum(),
                loadFailures.sum(), decodeFailures.sum(), store.errorsByCause(), store.breakerState());
    }
}
