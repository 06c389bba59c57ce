package dev.cachet.spring.jcache;

import dev.cachet.spring.CachetAutoConfiguration;
import dev.cachet.spring.CachetProperties;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.spi.CachingProvider;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * A JCache (JSR-107) {@link CacheManager} over Cachet, from {@code cachet.jcache.*}, for libraries that take one
 * (Hibernate's second-level cache through {@code hibernate.javax.cache.cache_manager}): its caches live on the
 * local, Redis or tiered store (by default the application's default store), fail-soft as its caches are, and
 * the application's packages may be named in stored data. Unless the
 * application has a JCache manager of its own, or sets {@code cachet.jcache.enabled=false}.
 */
@AutoConfiguration(after = CachetAutoConfiguration.class)
@ConditionalOnClass(name = CachetJCacheAutoConfiguration.PROVIDER)
@ConditionalOnProperty(name = "cachet.jcache.enabled", matchIfMissing = true)
class CachetJCacheAutoConfiguration {
    static final String PROVIDER = "dev.cachet.jcache.CachetCachingProvider";
    private static final String HIBERNATE_CACHE_ENTRY = "org.hibernate.cache.spi.entry.CacheEntry";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(CacheManager.class)
    CacheManager cachetJCacheManager(CachetProperties properties, BeanFactory beanFactory) {
        CachetProperties.JCache jcache = properties.getJcache();
        List<String> allowed = new ArrayList<>(jcache.getAllowedTypes());
        if (AutoConfigurationPackages.has(beanFactory)) {
            AutoConfigurationPackages.get(beanFactory).forEach(pkg -> allowed.add(pkg + "."));
        }
        if (ClassUtils.isPresent(HIBERNATE_CACHE_ENTRY, CachetJCacheAutoConfiguration.class.getClassLoader())) {
            // Hibernate's entries, keys and soft locks, which its second-level cache keeps in JCache caches.
            allowed.add("org.hibernate.cache.");
        }
        String sharedPrefix = properties.getDefaults().getKeyPrefix();
        Properties settings = new Properties();
        settings.setProperty("cachet.jcache.store", store(properties));
        settings.setProperty("cachet.jcache.redis-url", jcache.getUrl() != null ? jcache.getUrl() : properties.getDefaults().getUrl());
        settings.setProperty("cachet.jcache.allowed-types", String.join(",", allowed));
        settings.setProperty("cachet.jcache.key-prefix", jcache.getKeyPrefix() != null ? jcache.getKeyPrefix()
                : sharedPrefix != null ? sharedPrefix + ":jcache" : "jcache");
        settings.setProperty("cachet.jcache.local.maximum-entries", Long.toString(jcache.getLocalMaximumEntries()));
        // As the application's own caches: Redis down costs hits, not requests.
        settings.setProperty("cachet.jcache.fail-soft", Boolean.toString(properties.getDefaults().isFailSoft()));
        ClassLoader classLoader = CachetJCacheAutoConfiguration.class.getClassLoader();
        CachingProvider provider = Caching.getCachingProvider(PROVIDER, classLoader);
        try {
            // A URI of its own: the provider hands out one manager per URI, whatever the properties, and two
            // application contexts in one JVM (tests, a parent and a child) must each get the one they describe.
            URI manager = URI.create("cachet:spring:" + UUID.randomUUID());
            return provider.getCacheManager(manager, classLoader, settings);
        } catch (IllegalArgumentException e) {
            // The provider names the property it refused; here it is a property of the application's.
            String message = String.valueOf(e.getMessage());
            String property = message.startsWith("cachet.jcache.") && message.indexOf(' ') > 0
                    ? message.substring(0, message.indexOf(' ')) : "cachet.jcache";
            throw new InvalidConfigurationPropertyValueException(property, settings.getProperty(property), e.getMessage());
        }
    }

    /**
     * The store named for JCache, else the application's default store: a deployment that shares its caches
     * across instances must not keep a second-level cache per instance, which would serve one instance's
     * writes stale on the others.
     */
    private static String store(CachetProperties properties) {
        String store = properties.getJcache().getStore();
        if (store != null) {
            return store;
        }
        CachetProperties.StoreType shared = properties.getDefaults().getStore();
        if (shared == CachetProperties.StoreType.MEMCACHED) {
            throw new InvalidConfigurationPropertyValueException("cachet.jcache.store", null, "JCache caches live on the"
                    + " local, redis or tiered store, and cachet.defaults.store is memcached: set cachet.jcache.store");
        }
        return shared.name().toLowerCase(Locale.ROOT);
    }
}
