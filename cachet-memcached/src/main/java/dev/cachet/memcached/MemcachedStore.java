package dev.cachet.memcached;

import dev.cachet.store.Store;

/**
 * Creates Memcached stores: the meta protocol over one pipelined connection per server, keys spread over the
 * servers by ketama, command deadlines suited to a cache, commands refused (not buffered) while a server is
 * unreachable, reconnection in the background. Creating a store waits for the first connections at most the
 * connect timeout and never fails because a server is down: calls for its keys fail fast until it is up.
 *
 * <p>A Memcached store cannot list its keys: {@code deleteByPattern}, {@code countByPattern} and
 * {@code purgeOldVersions} fail with {@link UnsupportedOperationException}, and {@code clear()} moves a
 * namespace version instead of deleting (it completes with -1: it cannot count). See the module's README.
 */
public final class MemcachedStore {
    private MemcachedStore() {
    }

    /**
     * A store on the given options; close it when done.
     *
     * @throws IllegalArgumentException if the URL cannot be parsed (checked by the options already)
     */
    public static Store create(MemcachedStoreOptions options) {
        return new MetaStore(options);
    }

    /**
     * A store on {@code url} ({@code memcached://host:port[,host:port...]}) with the other options at their
     * defaults.
     *
     * @throws IllegalArgumentException if the URL cannot be parsed
     */
    public static Store create(String url) {
        return create(MemcachedStoreOptions.builder().url(url).build());
    }

    /** A call on a closed store: the caller's mistake, not the backend's. */
    static final class Closed extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Closed(String name) {
            super("the Memcached store for " + name + " is closed");
        }
    }
}
