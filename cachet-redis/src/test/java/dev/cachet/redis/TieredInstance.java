package dev.cachet.redis;

import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.local.LocalStore;
import dev.cachet.tiered.TieredOptions;
import dev.cachet.tiered.TieredStore;
import java.time.Duration;

/** One service instance of the tiered tests: a tiered store with connections of its own, and a cache over it. */
record TieredInstance(String name, TieredStore store, Cache cache) {
    /**
     * Starts an instance on the Redis that {@code redis} names, for keys under {@code prefix}, and returns once
     * its first tier is in use (its tracking connection is live).
     */
    static TieredInstance start(String name, RedisStoreOptions redis, String prefix, Duration ready) {
        TieredStore store = TieredStore.create(LocalStore.create(), RedisStore.create(redis),
                RedisInvalidations.create(redis, prefix + ":"), TieredOptions.DEFAULTS);
        TieredInstance instance = new TieredInstance(name, store, Cache.create(store, CacheOptions.builder().keyPrefix(prefix).build()));
        try {
            await().atMost(ready).until(() -> {
                instance.cache().set("probe", name);
                return name.equals(instance.cache().get("probe", String.class)) && instance.inFirstTier("probe");
            });
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return instance;
    }

    boolean inFirstTier(String key) {
        return store.firstTier().contains(cache.makeKey(key)).join();
    }

    /**
     * Reads {@code key} until the read leaves it in the first tier: the invalidation of a write can reach an
     * instance after that instance has already read the new value, and empty its first tier once more.
     */
    void awaitCached(String key) {
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2)).until(() -> {
            cache.get(key, Object.class);
            return inFirstTier(key);
        });
    }
}
