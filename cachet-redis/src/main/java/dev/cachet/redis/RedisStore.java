package dev.cachet.redis;

import dev.cachet.store.Store;

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

    /** A store on {@code url} with the other options at their defaults. */
    public static Store create(String url) {
        return create(RedisStoreOptions.builder().url(url).build());
    }
}
