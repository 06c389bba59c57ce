package dev.cachet.redis;

import dev.cachet.store.Store;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Creates Redis stores on Lettuce: one multiplexed connection per store, command deadlines suited to a
 * cache, commands refused (not buffered) while disconnected, automatic reconnection. Creating a store waits
 * for the first connection at most the connect timeout and never fails because Redis is down: it connects
 * when Redis comes up, and calls fail fast until then.
 */
public final class RedisStore {
    private RedisStore() {
    }

    /**
     * A store on the given options; close it when done.
     *
     * @throws IllegalArgumentException if the URL cannot be parsed
     */
    public static Store create(RedisStoreOptions options) {
        return new LettuceStore(options);
    }

    /**
     * The fields of Redis' {@code INFO} (all default sections) on the server behind {@code store}, by name:
     * {@code used_memory}, {@code maxmemory}, {@code maxmemory_policy}, {@code evicted_keys},
     * {@code keyspace_hits}, {@code connected_clients} and the rest. On a Cluster, one node's.
     *
     * @throws IllegalArgumentException if {@code store} was not made by this class
     */
    public static CompletableFuture<Map<String, String>> info(Store store) {
        if (!(store instanceof LettuceStore redis)) {
            throw new IllegalArgumentException("store " + store.name() + " is not a Redis store made by RedisStore.create");
        }
        return redis.info();
    }

    /** A store on {@code url} with the other options at their defaults. */
    public static Store create(String url) {
        return create(RedisStoreOptions.builder().url(url).build());
    }
}
