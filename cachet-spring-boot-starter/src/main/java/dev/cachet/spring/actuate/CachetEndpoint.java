package dev.cachet.spring.actuate;

import dev.cachet.Cache;
import dev.cachet.CacheStats;
import dev.cachet.local.LocalStore;
import dev.cachet.spring.CachetCaches;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code cachet} Actuator endpoint: {@code GET /actuator/cachet} lists the caches with their settings
 * and counters, {@code GET /actuator/cachet/{alias}} shows one, and {@code DELETE /actuator/cachet/{alias}}
 * with exactly one of {@code key}, {@code tag} or {@code pattern} (and {@code dryRun=true} to only count
 * what a pattern matches) invalidates.
 */
@Endpoint(id = "cachet")
public final class CachetEndpoint {
    private final CachetCaches caches;

    /** The endpoint over {@code caches}. */
    public CachetEndpoint(CachetCaches caches) {
        this.caches = caches;
    }

    /** Every cache, by alias. */
    @ReadOperation
    public Map<String, Object> caches() {
        Map<String, Object> all = new LinkedHashMap<>();
        caches.all().keySet().forEach(alias -> all.put(alias, describe(alias)));
        return all;
    }

    /** One cache; null (404) when there is none by that alias. */
    @ReadOperation
    public @Nullable Map<String, Object> cache(@Selector String alias) {
        return caches.all().containsKey(alias) ? describe(alias) : null;
    }

    /**
     * Invalidates in one cache: a key, a tag (in every cache that shares the backend, as tags are the
     * backend's) or every key of the current version matching a glob pattern.
     *
     * @return what was done
     * @throws InvalidEndpointRequestException (400) when there is no cache by that alias, or unless exactly one
     *     of key, tag and pattern is given
     */
    @DeleteOperation
    public Map<String, Object> invalidate(@Selector String alias, @Nullable String key, @Nullable String tag,
            @Nullable String pattern, @Nullable Boolean dryRun) {
        Cache cache;
        try {
            cache = caches.get(alias);
        } catch (NoSuchElementException absent) {
            throw new InvalidEndpointRequestException(absent.getMessage(), "no cache '" + alias + "'");
        }
        int given = (key != null ? 1 : 0) + (tag != null ? 1 : 0) + (pattern != null ? 1 : 0);
        if (given != 1) {
            throw new InvalidEndpointRequestException("give exactly one of key, tag and pattern", "need one of key, tag, pattern");
        }
        boolean onlyCount = Boolean.TRUE.equals(dryRun);
        if (onlyCount && pattern == null) {
            throw new InvalidEndpointRequestException("dryRun applies to a pattern only", "dryRun without pattern");
        }
        Map<String, Object> done = new LinkedHashMap<>();
        done.put("cache", alias);
        if (key != null) {
            done.put("key", key);
            done.put("deleted", cache.delete(key));
        } else if (tag != null) {
            done.put("tag", tag);
            done.put("invalidated", cache.invalidateTags(tag));
        } else {
            done.put("pattern", pattern);
            try {
                done.put(onlyCount ? "matching" : "deleted", onlyCount ? cache.countByPattern(pattern) : cache.deleteByPattern(pattern));
            } catch (UnsupportedOperationException cannotList) {
                // Memcached cannot list keys: the request cannot be served, whatever the pattern.
                throw new InvalidEndpointRequestException(cannotList.getMessage(), "the store of '" + alias + "' cannot delete by pattern");
            }
        }
        return done;
    }

    private Map<String, Object> describe(String alias) {
        Cache cache = caches.get(alias);
        CacheStats stats = cache.stats();
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("store", caches.storeType(alias));
        described.put("keyPrefix", cache.options().keyPrefix());
        described.put("version", cache.version());
        described.put("defaultTtl", cache.options().defaultTtl().toString());
        described.put("failSoft", caches.failSoft(alias));
        Map<String, Object> counters = new LinkedHashMap<>();
        counters.put("hits", stats.hits());
        counters.put("misses", stats.misses());
        counters.put("staleHits", stats.staleHits());
        counters.put("hitRatio", stats.hitRatio());
        counters.put("sets", stats.sets());
        counters.put("deletes", stats.deletes());
        counters.put("loads", stats.loads());
        counters.put("loadFailures", stats.loadFailures());
        counters.put("leaseWaits", stats.leaseWaits());
        counters.put("decodeFailures", stats.decodeFailures());
        counters.put("errors", stats.errorsByCause());
        described.put("stats", counters);
        described.put("breaker", stats.breaker().name());
        caches.localStore(alias).ifPresent(local -> described.put("localEntries", LocalStore.estimatedSize(local)));
        caches.tieredStore(alias).ifPresent(tiered -> described.put("tiers", Map.of(
                "firstTierHits", tiered.firstTierHits(),
                "secondTierReads", tiered.secondTierReads(),
                "invalidationsReceived", tiered.invalidationsReceived())));
        return described;
    }
}
