package dev.cachet.bench;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.CacheStats;
import dev.cachet.Ttl;
import dev.cachet.local.LocalStore;
import dev.cachet.local.LocalStoreOptions;
import dev.cachet.redis.RedisStore;
import dev.cachet.redis.RedisStoreOptions;
import dev.cachet.store.Store;

/** A Cachet {@link Cache} over one store, used exactly as an application would: by key, as {@code byte[]}. */
final class CachetContender implements Contender {
    private final String name;
    private final Store store;
    private final Cache cache;
    private final String[] keys;
    private final Ttl ttl;

    private CachetContender(String name, Store store, String keyPrefix, int keys, Ttl ttl) {
        this.name = name;
        this.store = store;
        this.cache = Cache.create(store, CacheOptions.builder().name(name).keyPrefix(keyPrefix).defaultTtl(ttl).build());
        this.keys = new String[keys];
        for (int i = 0; i < keys; i++) {
            this.keys[i] = "k" + i;
        }
        this.ttl = ttl;
    }

    /** Cachet on the Redis store at {@code url}, with the store's default options. */
    static CachetContender redis(String url, int keys, Ttl ttl) {
        Store store = RedisStore.create(RedisStoreOptions.builder().url(url).build());
        return new CachetContender("cachet-redis", store, "bench-cachet", keys, ttl);
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
        return cache.get(keys[key], byte[].class) != null;
    }

    @Override
    public boolean set(int key, byte[] value) {
        return cache.set(keys[key], value, ttl);
    }

    @Override
    public long clear() {
        return cache.clear();
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
