package dev.cachet.spring.jcache;

import dev.cachet.spring.CachetAutoConfiguration;
import dev.cachet.spring.CachetProperties;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
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

/**
 * A JCache (JSR-107) {@link CacheManager} over Cachet, from {@code cachet.jcache.*}, for libraries that take one
 * (Hibernate's second-level cache through {@code hibernate.javax.cache.cache_manager}): its caches live on the
 * local, Redis or tiered store, and the application's packages may be named in stored data. Unless the
 * application has a JCache manager of its own, or sets {@code cachet.jcache.enabled=false}.
 */
@AutoConfiguration(after = CachetAutoConfiguration.class)
@ConditionalOnClass(name = CachetJCacheAutoConfiguration.PROVIDER)
@ConditionalOnProperty(name = "cachet.jcache.enabled", matchIfMissing = true)
class CachetJCacheAutoConfiguration {
    static final String PROVIDER = "dev.cachet.jcache.CachetCachingProvider";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(CacheManager.class)
    CacheManager cachetJCacheManager(CachetProperties properties, BeanFactory beanFactory) {
        CachetProperties.JCache jcache = properties.getJcache();
        List<String> allowed = new ArrayList<>(jcache.getAllowedTypes());
        if (AutoConfigurationPackages.has(beanFactory)) {
            AutoConfigurationPackages.get(beanFactory).forEach(pkg -> allowed.add(pkg + "."));
        }
        String sharedPrefix = properties.getDefaults().getKeyPrefix();
        Properties settings = new Properties();
        settings.setProperty("cachet.jcache.store", jcache.getStore());
        settings.setProperty("cachet.jcache.redis-url", jcache.getUrl() != null ? jcache.getUrl() : properties.getDefaults().getUrl());
        settings.setProperty("cachet.jcache.allowed-types", String.join(",", allowed));
        settings.setProperty("cachet.jcache.key-prefix", jcache.getKeyPrefix() != null ? jcache.getKeyPrefix()
                : sharedPrefix != null ? sharedPrefix + ":jcache" : "jcache");
        settings.setProperty("cachet.jcache.local.maximum-entries", Long.toString(jcache.getLocalMaximumEntries()));
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
}
