package dev.cachet.spring;

import java.util.List;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Cachet in a Spring Boot application: the caches of {@code cachet.caches.*} as a {@link CachetCaches} bean,
 * Spring's {@link CacheManager} over them (so {@code @Cacheable} and friends use them; unless the application
 * has its own, or sets {@code cachet.cache-manager.enabled=false}), and a start-up check
 * of each Redis' eviction settings. Runs before Spring Boot's own cache auto-configuration, which then
 * backs off.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@EnableConfigurationProperties(CachetProperties.class)
public class CachetAutoConfiguration {
    private static final String TRANSACTIONS = "org.springframework.transaction.support.TransactionSynchronizationManager";

    /** The caches, built and checked from the properties; closed with the context. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public CachetCaches cachetCaches(CachetProperties properties, BeanFactory beanFactory, Environment environment) {
        List<String> packages = AutoConfigurationPackages.has(beanFactory) ? AutoConfigurationPackages.get(beanFactory) : List.of();
        ClassLoader classLoader = beanFactory instanceof ConfigurableBeanFactory configurable && configurable.getBeanClassLoader() != null
                ? configurable.getBeanClassLoader()
                : CachetAutoConfiguration.class.getClassLoader();
        return new CacheFactory(CacheFactory.resolve(properties, Binder.get(environment)), packages, classLoader).build();
    }

    /** Spring's cache manager over the caches; transaction-aware when Spring's transaction support is present. */
    @Bean
    @ConditionalOnMissingBean(CacheManager.class)
    @ConditionalOnProperty(name = "cachet.cache-manager.enabled", matchIfMissing = true)
    public CacheManager cacheManager(CachetCaches caches) {
        boolean transactions = ClassUtils.isPresent(TRANSACTIONS, CachetAutoConfiguration.class.getClassLoader());
        return CachetCacheManager.of(caches, transactions);
    }

    /** Warns once per Redis, at start-up, when its memory is unbounded or it refuses writes when full. */
    @Bean
    public RedisMemoryCheck cachetRedisMemoryCheck(CachetCaches caches) {
        return new RedisMemoryCheck(caches);
    }
}
