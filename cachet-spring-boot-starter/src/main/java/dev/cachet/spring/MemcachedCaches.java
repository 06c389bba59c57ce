package dev.cachet.spring;

import dev.cachet.memcached.MemcachedStore;
import dev.cachet.memcached.MemcachedStoreOptions;
import dev.cachet.spring.CachetProperties.CacheProperties;
import dev.cachet.store.Store;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.util.ClassUtils;

/**
 * The stores of the memcached caches: one per server list and timeouts, shared by every cache that names
 * the same. {@code cachet-memcached} is an optional dependency of the starter, so only the nested class
 * names its types, and it is loaded only once the module is known to be there.
 */
final class MemcachedCaches {
    private static final String MODULE_CLASS = "dev.cachet.memcached.MemcachedStore";

    private final ClassLoader classLoader;
    private final Map<Object, Store> byOptions = new HashMap<>();

    MemcachedCaches(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /** The store of the memcached cache {@code alias}, made on first use; {@code owner} closes it. */
    Store shared(String alias, CacheProperties cache, Consumer<AutoCloseable> owner) {
        if (!ClassUtils.isPresent(MODULE_CLASS, classLoader)) {
            throw CacheFactory.invalid(alias, "store", "memcached", "the memcached store needs dev.cachet:cachet-memcached"
                    + " on the classpath");
        }
        String url = cache.getUrl();
        if (url == null || !url.startsWith("memcached://")) {
            throw CacheFactory.invalid(alias, "url", url, "a memcached cache needs its servers as memcached://host[:port][,host[:port]...]");
        }
        if (cache.isCluster()) {
            throw CacheFactory.invalid(alias, "cluster", true, "cluster names a Redis Cluster; a memcached cache spreads its keys"
                    + " over the servers its URL lists");
        }
        return Module.shared(alias, cache, byOptions, owner);
    }

    /** Everything that names the optional module's types. */
    private static final class Module {
        static Store shared(String alias, CacheProperties cache, Map<Object, Store> byOptions, Consumer<AutoCloseable> owner) {
            MemcachedStoreOptions options = CacheFactory.check(alias, "url", cache.getUrl(), () -> MemcachedStoreOptions.builder()
                    .url(cache.getUrl())
                    .commandTimeout(CacheFactory.positive(alias, "command-timeout", cache.getCommandTimeout()))
                    .connectTimeout(CacheFactory.positive(alias, "connect-timeout", cache.getConnectTimeout()))
                    .build());
            return byOptions.computeIfAbsent(options, o -> {
                Store store = MemcachedStore.create((MemcachedStoreOptions) o);
                owner.accept(store);
                return store;
            });
        }
    }
}
