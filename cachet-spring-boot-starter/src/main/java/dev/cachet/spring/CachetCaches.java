package dev.cachet.spring;

import dev.cachet.Cache;
import dev.cachet.store.Store;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The caches configured under {@code cachet.caches}, by alias, and the stores behind them. A bean of the
 * auto-configuration; it closes the stores when the application context closes.
 */
public final class CachetCaches implements AutoCloseable {
    private final Map<String, Cache> caches;
    private final Map<String, Store> redisStores;
    private final Map<String, CachetProperties.CacheProperties> settings;
    private final List<AutoCloseable> owned;

    CachetCaches(Map<String, Cache> caches, Map<String, Store> redisStores,
            Map<String, CachetProperties.CacheProperties> settings, List<AutoCloseable> owned) {
        this.caches = Collections.unmodifiableMap(caches);
        this.redisStores = Collections.unmodifiableMap(redisStores);
        this.settings = Collections.unmodifiableMap(settings);
        this.owned = List.copyOf(owned);
    }

    /** The settings {@code alias} was built with: {@code cachet.defaults} with the alias' own on top. */
    CachetProperties.CacheProperties settings(String alias) {
        get(alias);
        return settings.get(alias);
    }

    /**
     * The cache configured as {@code alias}.
     *
     * @throws NoSuchElementException naming the configured aliases when there is none by that name
     */
    public Cache get(String alias) {
        Cache cache = caches.get(alias);
        if (cache == null) {
            throw new NoSuchElementException("no cache '" + alias + "' is configured (cachet.caches." + alias
                    + ".*); configured: " + caches.keySet());
        }
        return cache;
    }

    /** Every cache, by alias, in configuration order. */
    public Map<String, Cache> all() {
        return caches;
    }

    /**
     * The Redis store behind {@code alias} (for {@code store=redis} or {@code tiered}), for inspection with
     * {@link dev.cachet.redis.RedisStore#info}; empty for a local cache.
     */
    public Optional<Store> redisStore(String alias) {
        get(alias);
        return Optional.ofNullable(redisStores.get(alias));
    }

    /** Closes every store and connection, the last opened first. */
    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(owned);
        Collections.reverse(reversed);
        for (AutoCloseable resource : reversed) {
            try {
                resource.close();
            } catch (Exception e) {
                // Shutting down: one resource that fails to close must not keep the others open.
                System.getLogger(CachetCaches.class.getName()).log(System.Logger.Level.WARNING, "closing " + resource + " failed", e);
            }
        }
    }
}
