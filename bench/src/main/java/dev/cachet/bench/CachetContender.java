package dev.cachet.bench;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.CacheStats;
import dev.cachet.Ttl;
import dev.cachet.local.LocalStore;
import dev.cachet.local.LocalStoreOptions;
import dev.cachet.memcached.MemcachedStore;
import dev.cachet.memcached.MemcachedStoreOptions;
import dev.cachet.redis.RedisInvalidations;
import dev.cachet.redis.RedisStore;
import dev.cachet.redis.RedisStoreOptions;
import dev.cachet.store.Store;
import dev.cachet.tiered.TieredOptions;
import dev.cachet.tiered.TieredStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Cachet {@link Cache} over one store, used exactly as an application would: by key, as {@code byte[]}, or
 * as a {@code String} of the same length for the contenders whose values must be of a type nobody can change.
 */
final class CachetContender implements Contender {
    /** How many keys, spread over the keyspace, must be seen in the first tier before a get phase. */
    private static final int FIRST_TIER_SAMPLE = 100;

    private final String name;
    private final Store store;
    private final Cache cache;
    private final String[] keys;
    private final Ttl ttl;
    /** How many entries the first tier of a tiered store holds; the keyspace for other stores. */
    private final int firstTierEntries;
    /** {@code byte[]}, or {@code String} for values kept as text. */
    private final Class<?> valueType;

    private CachetContender(String name, Store store, String keyPrefix, int keys, Ttl ttl) {
        this(name, store, keyPrefix, keys, ttl, keys, byte[].class);
    }

    private CachetContender(String name, Store store, String keyPrefix, int keys, Ttl ttl, int firstTierEntries, Class<?> valueType) {
        this.name = name;
        this.valueType = valueType;
        this.store = store;
        this.cache = Cache.create(store, CacheOptions.builder().name(name).keyPrefix(keyPrefix).defaultTtl(ttl).build());
        this.keys = new String[keys];
        for (int i = 0; i < keys; i++) {
            this.keys[i] = "k" + i;
        }
        this.ttl = ttl;
        this.firstTierEntries = firstTierEntries;
    }

    /** Cachet on the Redis store at {@code url}, with the store's default options. */
    static CachetContender redis(String url, int keys, Ttl ttl) {
        Store store = RedisStore.create(RedisStoreOptions.builder().url(url).build());
        return new CachetContender("cachet-redis", store, "bench-cachet", keys, ttl);
    }

    /**
     * Cachet on a tiered store: a local store bounded to the keyspace in front of the Redis store at
     * {@code url} (default options), kept coherent by Redis client tracking of the cache's keys.
     */
    static CachetContender tiered(String url, int keys, int firstTierEntries, Ttl ttl) {
        return tiered(url, keys, firstTierEntries, ttl, TieredOptions.DEFAULTS);
    }

    /** {@link #tiered(String, int, int, Ttl)} with a first tier of {@code options}. */
    static CachetContender tiered(String url, int keys, int firstTierEntries, Ttl ttl, TieredOptions options) {
        return tiered("cachet-tiered", "bench-cachet-tiered", url, keys, firstTierEntries, ttl, options, byte[].class);
    }

    /**
     * The same tiered store, for reads that its first tier answers. Entries stay in the first tier as long
     * as in Redis, rather than the default 30 s: with a long {@code --seconds} they would otherwise expire
     * mid-phase and the phase would measure Redis. How long an entry may stay does not change what a hit costs.
     */
    static CachetContender l1(String url, int keys, Ttl ttl) {
        TieredOptions options = new TieredOptions(Duration.ofMillis(ttl.toMillis()));
        return tiered("cachet-l1", "bench-cachet-l1", url, keys, keys, ttl, options, byte[].class);
    }

    /**
     * {@link #l1} with each value stored and read as a {@code String} (its bytes as ISO-8859-1 characters): a
     * type nobody can change, whose decoded instance the first tier keeps and hands out again.
     */
    static CachetContender l1Text(String url, int keys, Ttl ttl) {
        TieredOptions options = new TieredOptions(Duration.ofMillis(ttl.toMillis()));
        return tiered("cachet-l1-text", "bench-cachet-l1-text", url, keys, keys, ttl, options, String.class);
    }

    private static CachetContender tiered(String name, String prefix, String url, int keys, int firstTierEntries, Ttl ttl,
            TieredOptions options, Class<?> valueType) {
        RedisStoreOptions redis = RedisStoreOptions.builder().url(url).build();
        Store store = TieredStore.create(LocalStore.create(LocalStoreOptions.builder().maximumEntries(firstTierEntries).build()),
                RedisStore.create(redis), RedisInvalidations.create(redis, prefix + ":"), options);
        return new CachetContender(name, store, prefix, keys, ttl, firstTierEntries, valueType);
    }

    /** Cachet on the Memcached store at {@code url} (its servers), with the store's default options. */
    static CachetContender memcached(String url, int keys, Ttl ttl) {
        Store store = MemcachedStore.create(MemcachedStoreOptions.builder().url(url).build());
        return new CachetContender("cachet-memcached", store, "bench-cachet-memcached", keys, ttl);
    }

    /** Cachet on the local store, bounded to {@code maximumEntries}. */
    static CachetContender local(long maximumEntries, int keys, Ttl ttl) {
        Store store = LocalStore.create(LocalStoreOptions.builder().maximumEntries(maximumEntries).build());
        return new CachetContender("cachet-local", store, "bench-cachet-local", keys, ttl);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean get(int key) {
        return cache.get(keys[key], valueType) != null;
    }

    @Override
    public boolean set(int key, byte[] value) {
        return cache.set(keys[key], valueType == String.class ? new String(value, StandardCharsets.ISO_8859_1) : value, ttl);
    }

    @Override
    public int getMany(int[] keys) {
        List<String> names = new ArrayList<>(keys.length);
        for (int key : keys) {
            names.add(this.keys[key]);
        }
        return cache.getMany(names, valueType).size();
    }

    @Override
    public long firstTierHits() {
        return store instanceof TieredStore tiered ? tiered.firstTierHits() : -1;
    }

    /**
     * For a tiered store, reads every key so that the first tier holds it, then waits until a sample of
     * keys is seen there: writes are invalidated asynchronously, so the invalidation of an earlier write
     * can empty the first tier again after the read that filled it, and the tracking connection may not be
     * live yet (until it is, reads bypass the first tier). A first tier smaller than the keyspace cannot
     * hold every key: then the keys are read once and the warm-up rounds settle what it holds. Does nothing
     * for other stores.
     *
     * @return false when the sample was not all in the first tier within {@code bound}
     */
    boolean fillFirstTier(Duration bound) throws InterruptedException {
        if (!(store instanceof TieredStore tiered)) {
            return true;
        }
        long deadline = System.nanoTime() + bound.toNanos();
        for (String key : keys) {
            cache.get(key, valueType);
        }
        if (firstTierEntries < keys.length) {
            return true;
        }
        int step = Math.max(1, keys.length / FIRST_TIER_SAMPLE);
        for (int i = 0; i < keys.length; i += step) {
            while (!tiered.firstTier().contains(cache.makeKey(keys[i])).join()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                // Gives a pending invalidation the time to land before the read that fills the key again.
                Thread.sleep(1);
                cache.get(keys[i], valueType);
            }
        }
        return true;
    }

    @Override
    public long clear() {
        return cache.clear();
    }

    /** For a tiered store, which tier answered its reads over the whole run; empty for other stores. */
    Optional<String> firstTierReport() {
        if (!(store instanceof TieredStore tiered)) {
            return Optional.empty();
        }
        long hits = tiered.firstTierHits();
        long reads = hits + tiered.secondTierReads();
        return Optional.of(String.format(Locale.ROOT, "%s first tier (%,d entries for %,d keys): %,d of %,d reads answered,"
                + " hit ratio %.3f", name, firstTierEntries, keys.length, hits, reads, reads == 0 ? 0.0 : (double) hits / reads));
    }

    /** The cache's counters, which show whether fail-soft turned backend errors into misses during the run. */
    CacheStats stats() {
        return cache.stats();
    }

    @Override
    public void close() {
        store.close();
    }
}
