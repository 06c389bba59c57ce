package dev.cachet.spring.jcache;

import java.util.Map;
import javax.cache.CacheManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Hibernate's second-level cache in Cachet: when {@code hibernate-jcache} is on the class path, Hibernate picks
 * its JCache region factory by itself, and this hands it the JCache manager over Cachet, which creates a
 * region's cache on first use (each entity's region on the manager's store, under its key prefix). Entities
 * are cached only where they say so ({@code @Cacheable}, {@code @Cache}), as JPA's default shared-cache mode
 * has it. An application that names a JCache manager for Hibernate itself ({@code hibernate.javax.cache.*}),
 * or sets {@code cachet.jcache.hibernate=false}, keeps its own.
 */
@AutoConfiguration(after = CachetJCacheAutoConfiguration.class,
        beforeName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass(name = {"org.hibernate.cache.jcache.ConfigSettings",
    "org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer"})
@ConditionalOnBean(CacheManager.class)
@ConditionalOnProperty(name = "cachet.jcache.hibernate", matchIfMissing = true)
class CachetHibernateAutoConfiguration {
    private static final String CACHE_MANAGER = "hibernate.javax.cache.cache_manager";
    private static final String JCACHE_SETTINGS = "hibernate.javax.cache.";
    private static final String MISSING_CACHE_STRATEGY = "hibernate.javax.cache.missing_cache_strategy";

    @Bean
    HibernatePropertiesCustomizer cachetSecondLevelCache(CacheManager jcache) {
        return properties -> {
            if (namesItsOwnManager(properties)) {
                return;
            }
            properties.put(CACHE_MANAGER, jcache);
            // The manager makes a region's cache as it makes any other; Hibernate need not warn that it did.
            properties.putIfAbsent(MISSING_CACHE_STRATEGY, "create");
        };
    }

    private static boolean namesItsOwnManager(Map<String, Object> properties) {
        return properties.keySet().stream().anyMatch(name -> name.startsWith(JCACHE_SETTINGS) && !name.equals(MISSING_CACHE_STRATEGY));
    }
}
