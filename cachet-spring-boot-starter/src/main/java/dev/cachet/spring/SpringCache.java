package dev.cachet.spring;

import dev.cachet.Cache;
import dev.cachet.CacheBackendException;
import dev.cachet.CacheLoaderException;
import dev.cachet.Ttl;
import dev.cachet.TypeRef;
import dev.cachet.ValueTooLargeException;
import dev.cachet.spring.SpringValues.Holder;
import java.time.temporal.Temporal;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;

/**
 * A Cachet cache as a Spring {@link org.springframework.cache.Cache}, keeping Spring's contract as its own
 * in-memory caches do: {@code get(key, loader)} runs the loader once however many threads (and, by lease,
 * instances) ask, and a loader failure surfaces as {@link ValueRetrievalException}; {@code clear()} is done
 * when it returns; null values follow {@code allowNullValues}.
 */
final class SpringCache extends AbstractValueAdaptingCache {
    private static final TypeRef<Holder> HOLDER = TypeRef.of(Holder.class);
    private static final System.Logger LOG = System.getLogger(SpringCache.class.getName());

    private final String name;
    private final Cache cache;

    SpringCache(String name, Cache cache, boolean allowNullValues) {
        super(allowNullValues);
        this.name = name;
        this.cache = cache;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Cache getNativeCache() {
        return cache;
    }

    /**
     * The cache key for a Spring key: its string form, for keys whose string form says what they are
     * (strings, numbers, enums, UUIDs, dates, {@link SimpleKey}, or any class with its own {@code toString}).
     */
    static String key(Object key) {
        if (key instanceof String text) {
            return text;
        }
        if (key instanceof Number || key instanceof Boolean || key instanceof Character || key instanceof Enum<?>
                || key instanceof UUID || key instanceof Temporal || key instanceof SimpleKey) {
            return key.toString();
        }
        try {
            if (key.getClass().getMethod("toString").getDeclaringClass() != Object.class) {
                return key.toString();
            }
        } catch (NoSuchMethodException impossible) {
            throw new IllegalStateException(impossible);
        }
        throw new IllegalArgumentException("cache key of type " + key.getClass().getName() + " has no toString() of its own,"
                + " so it cannot be made into a cache key; give the class a toString() or use a key expression");
    }

    @Override
    protected Object lookup(Object key) {
        return unwrap(cache.get(key(key), HOLDER));
    }

    /** The stored form of a holder: null when absent, {@link NullValue} for a cached null. */
    private static Object unwrap(Holder holder) {
        if (holder == null) {
            return null;
        }
        return holder.value() == null ? NullValue.INSTANCE : holder.value();
    }

    /** A value as it is stored; any {@link NullValue}, not only Spring's singleton, stands for a cached null. */
    private Holder hold(Object value) {
        Object stored = toStoreValue(value);
        return new Holder(stored instanceof NullValue ? null : stored);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        String stored = key(key);
        Holder holder;
        try {
            holder = cache.getOrCompute(stored, HOLDER, Ttl.DEFAULT, () -> hold(valueLoader.call()));
        } catch (CacheBackendException e) {
            throw e;
        } catch (CacheLoaderException e) {
            throw new ValueRetrievalException(key, valueLoader, e.getCause());
        } catch (RuntimeException | Error e) {
            throw new ValueRetrievalException(key, valueLoader, e);
        }
        return (T) fromStoreValue(unwrap(holder));
    }

    @Override
    public CompletableFuture<?> retrieve(Object key) {
        return cache.async().get(key(key), HOLDER).thenApply(holder -> {
            Object stored = unwrap(holder);
            if (stored == null) {
                return null;
            }
            return isAllowNullValues() ? toValueWrapper(stored) : fromStoreValue(stored);
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        return cache.async().getOrCompute(key(key), HOLDER, Ttl.DEFAULT, () -> valueLoader.get().thenApply(this::hold))
                .thenApply(holder -> (T) fromStoreValue(unwrap(holder)));
    }

    /** Stores the value; one too large to keep is not kept, as a cache that ran out of room would not keep it. */
    @Override
    public void put(Object key, Object value) {
        try {
            cache.set(key(key), hold(value));
        } catch (ValueTooLargeException tooLarge) {
            LOG.log(System.Logger.Level.DEBUG, "not cached: {0}", tooLarge.getMessage());
        }
    }

    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        String stored = key(key);
        Holder holder = hold(value);
        // An entry that expires between the failed add and the read is retried, so "present" is always shown.
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (cache.add(stored, holder)) {
                    return null;
                }
            } catch (ValueTooLargeException tooLarge) {
                return null;
            }
            Object existing = unwrap(cache.get(stored, HOLDER));
            if (existing != null) {
                return toValueWrapper(existing);
            }
        }
        return null;
    }

    @Override
    public void evict(Object key) {
        cache.delete(key(key));
    }

    @Override
    public boolean evictIfPresent(Object key) {
        return cache.delete(key(key));
    }

    @Override
    public void clear() {
        cache.clear();
    }

    @Override
    public boolean invalidate() {
        return cache.clear() > 0;
    }

    @Override
    public String toString() {
        return "CachetCache[" + name + "]";
    }
}
