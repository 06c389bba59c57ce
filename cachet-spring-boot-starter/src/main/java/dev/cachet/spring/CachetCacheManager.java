package dev.cachet.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.cache.Cache;
import org.springframework.cache.transaction.AbstractTransactionSupportingCacheManager;

/**
 * Spring's {@link org.springframework.cache.CacheManager} over the configured Cachet caches: one Spring cache
 * per alias, by the same name, with the alias' TTL. Names that are not configured have no cache, so a typo
 * in {@code @Cacheable("prodcts")} fails loudly rather than caching in a map nobody configured. With
 * transaction awareness on, puts and evictions inside a transaction happen after it commits.
 */
final class CachetCacheManager extends AbstractTransactionSupportingCacheManager {
    private final CachetCaches caches;

    CachetCacheManager(CachetCaches caches, boolean transactionAware) {
        this.caches = caches;
        setTransactionAware(transactionAware);
    }

    @Override
    protected Collection<? extends Cache> loadCaches() {
        List<Cache> loaded = new ArrayList<>();
        caches.all().forEach((alias, cache) -> loaded.add(new SpringCache(alias, cache, caches.settings(alias).isAllowNullValues())));
        return loaded;
    }
}
