package dev.cachet.jcache;

import dev.cachet.local.LocalStore;
import dev.cachet.local.LocalStoreOptions;
import dev.cachet.redis.RedisInvalidations;
import dev.cachet.redis.RedisStore;
import dev.cachet.redis.RedisStoreOptions;
import dev.cachet.resilience.CircuitBreaker;
import dev.cachet.resilience.GuardedStore;
import dev.cachet.resilience.ResilienceOptions;
import dev.cachet.store.Store;
import dev.cachet.tiered.TieredOptions;
import dev.cachet.tiered.TieredStore;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;

/**
 * A JCache cache manager: the caches of one URI and class loader, all on the store its settings name. Caches on
 * the {@code redis} and {@code tiered} stores share one Redis connection; each {@code local} cache has a store of
 * its own, and each {@code tiered} cache its own first tier and invalidation connection (tracking is per key prefix).
 */
final class CachetCacheManager implements CacheManager {
    /** Failures reach the cache, which passes them on or, fail-soft, answers without the store. */
    private static final ResilienceOptions STRICT = ResilienceOptions.builder().failSoft(false).build();

    private final CachetCachingProvider provider;
    private final URI uri;
    private final ClassLoader classLoader;
    private final Properties properties;
    private final Settings settings;
    private final Values values;
    private final ConcurrentHashMap<String, CachetCache<?, ?>> caches = new ConcurrentHashMap<>();
    /** The Redis store of every cache of a redis or tiered manager: one connection, made with the first cache. */
    private Store redis;
    /** A redis manager's caches' store: {@link #redis} behind the breaker. */
    private Store sharedRedis;
    /** The breaker every Redis-backed cache of this manager shares; made with the first of them. */
    private CircuitBreaker redisBreaker;
    private volatile boolean closed;

    CachetCacheManager(CachetCachingProvider provider, URI uri, ClassLoader classLoader, Properties properties, Settings settings) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = classLoader;
        this.properties = properties;
        this.settings = settings;
        this.values = new Values(settings.allowedTypes());
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    Settings settings() {
        return settings;
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(configuration, "configuration");
        synchronized (caches) {
            if (caches.containsKey(cacheName)) {
                throw new CacheException("a cache named '" + cacheName + "' already exists in " + uri);
            }
            MutableConfiguration<K, V> copy = configuration instanceof CompleteConfiguration<K, V> complete
                    ? new MutableConfiguration<>(complete)
                    : new MutableConfiguration<K, V>().setTypes(configuration.getKeyType(), configuration.getValueType())
                            .setStoreByValue(configuration.isStoreByValue());
            String keyPrefix = settings.keyPrefix() + ":" + cacheName;
            Backing backing = storeFor(keyPrefix);
            CachetCache<K, V> cache;
            try {
                cache = new CachetCache<>(this, cacheName, copy, backing.store(), keyPrefix, values, settings.failSoft(),
                        backing.changes());
            } catch (RuntimeException e) {
                if (ownsStore()) {
                    backing.store().close();
                }
                throw e;
            }
            caches.put(cacheName, cache);
            return cache;
        }
    }

    /** Where a cache keeps its entries, and, on the tiered store, the changes Redis reports. */
    private record Backing(Store store, RemoteChanges changes) {}

    private Backing storeFor(String keyPrefix) {
        return switch (settings.store()) {
            case LOCAL -> new Backing(localStore(), null);
            case REDIS -> {
                synchronized (this) {
                    if (sharedRedis == null) {
                        sharedRedis = guarded(redis());
                    }
                    yield new Backing(sharedRedis, null);
                }
            }
            case TIERED -> {
                Store first = localStore();
                RemoteChanges changes = new RemoteChanges(RedisInvalidations.create(redisOptions(), keyPrefix + ":"), first);
                // The cache closes its tiered store, which leaves the shared Redis store to the manager.
                yield new Backing(guarded(TieredStore.createOverShared(first, redis(), changes, TieredOptions.DEFAULTS)),
                        changes);
            }
        };
    }

    /**
     * Redis behind a breaker, which answers at once while Redis is down instead of after a command timeout each
     * time, and which remembers the keys of writes that failed and invalidates them before reading again: a
     * write that did not land must not leave the old entry to be read once Redis is back. Failures still reach
     * the cache, which passes them on or, fail-soft, answers without the store. Every cache of this manager
     * shares one breaker: they are on one Redis, and a request that reads several of them (an entity and its
     * associations) should pay a few timeouts between them, not a few each.
     */
    private synchronized Store guarded(Store redis) {
        if (redisBreaker == null) {
            redisBreaker = new CircuitBreaker(RedisStoreOptions.redact(settings.redisUrl()), STRICT);
        }
        return GuardedStore.wrap(redis, STRICT, redisBreaker);
    }

    private synchronized Store redis() {
        if (redis == null) {
            redis = RedisStore.create(redisOptions());
        }
        return redis;
    }

    private RedisStoreOptions redisOptions() {
        try {
            return RedisStoreOptions.builder().url(settings.redisUrl()).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Settings.REDIS_URL + " (or the manager's redis:// URI) is not a Redis URL: "
                    + e.getMessage(), e);
        }
    }

    private Store localStore() {
        return LocalStore.create(LocalStoreOptions.builder().name("jcache").maximumEntries(settings.localMaximumEntries()).build());
    }

    /** Whether the cache's store belongs to it alone, so that closing the cache closes the store. */
    boolean ownsStore() {
        return settings.store() != Settings.StoreType.REDIS;
    }

    @Override
    public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(valueType, "valueType");
        CachetCache<?, ?> cache = caches.get(cacheName);
        if (cache == null) {
            return null;
        }
        Configuration<?, ?> configuration = cache.getConfiguration(CompleteConfiguration.class);
        if (!configuration.getKeyType().equals(keyType) || !configuration.getValueType().equals(valueType)) {
            throw new ClassCastException("cache '" + cacheName + "' holds " + configuration.getKeyType().getName() + " to "
                    + configuration.getValueType().getName() + ", not " + keyType.getName() + " to " + valueType.getName());
        }
        @SuppressWarnings("unchecked")
        Cache<K, V> typed = (Cache<K, V>) cache;
        return typed;
    }

    @Override
    public <K, V> Cache<K, V> getCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        @SuppressWarnings("unchecked")
        Cache<K, V> cache = (Cache<K, V>) caches.get(cacheName);
        return cache;
    }

    @Override
    public Iterable<String> getCacheNames() {
        checkOpen();
        return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }

    @Override
    public void destroyCache(String cacheName) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        CachetCache<?, ?> cache = caches.remove(cacheName);
        if (cache != null) {
            cache.clear();
            cache.close();
        }
    }

    /** Forgets a cache that was closed, so that its name can be created again. */
    void closed(CachetCache<?, ?> cache) {
        caches.remove(cache.getName(), cache);
    }

    @Override
    public void enableManagement(String cacheName, boolean enabled) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        CachetCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.enableManagement(enabled);
        }
    }

    @Override
    public void enableStatistics(String cacheName, boolean enabled) {
        checkOpen();
        Objects.requireNonNull(cacheName, "cacheName");
        CachetCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.enableStatistics(enabled);
        }
    }

    @Override
    public void close() {
        Store connection;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            // Closing the breaker's side closes the store behind it.
            connection = sharedRedis != null ? sharedRedis : redis;
        }
        provider.released(this);
        List.copyOf(caches.values()).forEach(CachetCache::close);
        caches.clear();
        if (connection != null) {
            connection.close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isAssignableFrom(getClass())) {
            return type.cast(this);
        }
        throw new IllegalArgumentException("a Cachet cache manager cannot be unwrapped to " + type.getName());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("cache manager " + uri + " is closed");
        }
    }
}
