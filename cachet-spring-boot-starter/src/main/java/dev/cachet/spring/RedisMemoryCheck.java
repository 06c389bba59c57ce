package dev.cachet.spring;

import dev.cachet.redis.RedisStore;
import dev.cachet.store.Store;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Reads each Redis' {@code maxmemory} and {@code maxmemory-policy} once the context is up, and warns, once
 * per Redis, when memory is unbounded (a cache then grows until the machine runs out) or the policy is
 * {@code noeviction} (a full Redis then refuses every write). It never delays or fails start-up: the check
 * runs in the background, and a Redis that does not answer is only reported.
 */
public final class RedisMemoryCheck implements SmartInitializingSingleton {
    private static final System.Logger LOG = System.getLogger(RedisMemoryCheck.class.getName());
    private static final long DEADLINE_SECONDS = 5;

    private final CachetCaches caches;
    private volatile CompletableFuture<Void> done = CompletableFuture.completedFuture(null);

    RedisMemoryCheck(CachetCaches caches) {
        this.caches = caches;
    }

    @Override
    public void afterSingletonsInstantiated() {
        CompletableFuture<?>[] checks = caches.redisServers().stream()
                .map(server -> check(server.store(), String.join(", ", server.aliases())))
                .toArray(CompletableFuture[]::new);
        done = CompletableFuture.allOf(checks);
    }

    /** Completes when every check has reported; for tests and for callers that want the outcome logged first. */
    public CompletableFuture<Void> done() {
        return done;
    }

    private static CompletableFuture<Void> check(Store store, String aliases) {
        return RedisStore.info(store).orTimeout(DEADLINE_SECONDS, TimeUnit.SECONDS).handle((info, error) -> {
            if (error != null) {
                LOG.log(System.Logger.Level.INFO, "cachet: could not read the memory settings of Redis " + store.name() + " (caches " + aliases
                        + "): " + Store.unwrap(error).getMessage());
                return null;
            }
            String warning = warning(info);
            if (warning != null) {
                LOG.log(System.Logger.Level.WARNING, "cachet: Redis " + store.name() + " (caches " + aliases + ") " + warning);
            }
            return null;
        });
    }

    /** What is wrong with a Redis' eviction settings for a cache, or null when nothing is. */
    static String warning(Map<String, String> info) {
        String maxmemory = info.getOrDefault("maxmemory", "0");
        String policy = info.getOrDefault("maxmemory_policy", "noeviction");
        if ("0".equals(maxmemory)) {
            return "has no maxmemory: cached data grows until the machine runs out of memory;"
                    + " set maxmemory and maxmemory-policy allkeys-lru (or volatile-lru)";
        }
        if ("noeviction".equals(policy)) {
            return "has maxmemory-policy noeviction: once maxmemory (" + maxmemory + " bytes) is reached it refuses"
                    + " every write; set maxmemory-policy allkeys-lru (or volatile-lru)";
        }
        return null;
    }
}
