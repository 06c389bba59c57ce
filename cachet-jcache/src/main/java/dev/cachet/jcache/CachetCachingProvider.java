package dev.cachet.jcache;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The JCache (JSR-107) provider whose caches are Cachet caches: found by {@link javax.cache.Caching} through
 * {@link java.util.ServiceLoader}.
 *
 * <p>A cache manager's URI and properties choose the store (see the module's README): the default URI,
 * {@code cachet:default}, keeps entries in process; a {@code redis://host:port} URI keeps them in that Redis;
 * the property {@code cachet.jcache.store} ({@code local}, {@code redis} or {@code tiered}) and
 * {@code cachet.jcache.redis-url} choose for any URI, and {@code cachet.jcache.allowed-types} lists the class-name
 * prefixes that stored keys and values may name. Each property may also be a system property.
 *
 * <p>Store by reference is not supported: Cachet stores bytes, so every value read is a copy. Thread-safe.
 */
public final class CachetCachingProvider implements CachingProvider {
    private static final URI DEFAULT_URI = URI.create("cachet:default");

    private final WeakHashMap<ClassLoader, Map<URI, CachetCacheManager>> managers = new WeakHashMap<>();

    /** Made by {@link java.util.ServiceLoader}. */
    public CachetCachingProvider() {
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a property has a value that is not allowed, naming it
     */
    @Override
    public synchronized CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
        URI managerUri = uri != null ? uri : getDefaultURI();
        ClassLoader loader = classLoader != null ? classLoader : getDefaultClassLoader();
        Properties given = properties != null ? properties : getDefaultProperties();
        Map<URI, CachetCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
        CachetCacheManager manager = byUri.get(managerUri);
        if (manager == null || manager.isClosed()) {
            manager = new CachetCacheManager(this, managerUri, loader, given, Settings.of(managerUri, given));
            byUri.put(managerUri, manager);
        }
        return manager;
    }

    @Override
    public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        return getClass().getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return DEFAULT_URI;
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public void close() {
        List<CachetCacheManager> all = new ArrayList<>();
        synchronized (this) {
            managers.values().forEach(byUri -> all.addAll(byUri.values()));
            managers.clear();
        }
        all.forEach(CachetCacheManager::close);
    }

    @Override
    public void close(ClassLoader classLoader) {
        Map<URI, CachetCacheManager> byUri;
        synchronized (this) {
            byUri = managers.remove(classLoader != null ? classLoader : getDefaultClassLoader());
        }
        if (byUri != null) {
            List.copyOf(byUri.values()).forEach(CachetCacheManager::close);
        }
    }

    @Override
    public void close(URI uri, ClassLoader classLoader) {
        CachetCacheManager manager;
        synchronized (this) {
            Map<URI, CachetCacheManager> byUri = managers.get(classLoader != null ? classLoader : getDefaultClassLoader());
            manager = byUri == null ? null : byUri.remove(uri != null ? uri : getDefaultURI());
        }
        if (manager != null) {
            manager.close();
        }
    }

    /** Forgets a manager that closed itself, so the next request for its URI makes a new one. */
    synchronized void released(CachetCacheManager manager) {
        Map<URI, CachetCacheManager> byUri = managers.get(manager.getClassLoader());
        if (byUri != null && byUri.get(manager.getURI()) == manager) {
            byUri.remove(manager.getURI());
        }
    }

    @Override
    public boolean isSupported(OptionalFeature feature) {
        Objects.requireNonNull(feature, "feature");
        return false;
    }
}
