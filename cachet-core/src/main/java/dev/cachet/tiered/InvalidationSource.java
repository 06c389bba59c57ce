package dev.cachet.tiered;

import java.util.Collection;
import java.util.function.Predicate;

/**
 * Tells a {@link TieredStore} which keys other writers changed, so that its first tier never serves them
 * again. On Redis this is server-assisted client tracking; other backends may use a channel.
 *
 * <p>A source is <em>live</em> while it is sure to report every change; while it is not (never connected,
 * disconnected, re-subscribing), the tiered store neither reads nor fills its first tier.
 *
 * <p>A source that reports from several servers (the masters of a Redis Cluster, each for its own keys) may
 * lose one of them and keep the others: it then answers {@link #isLive(String)} per key, and asks for a
 * {@linkplain Listener#flush(Predicate) flush} of just the keys whose reports may have been missed.
 */
public interface InvalidationSource extends AutoCloseable {
    /** Receives what a source reports. Called from the source's own threads; must not block. */
    interface Listener {
        /** These stored keys changed. */
        void invalidate(Collection<String> keys);

        /** These tags were invalidated: every value stamped with their current versions is gone. */
        void invalidateTags(Collection<String> tags);

        /** Anything may have changed (a reconnect, a flush of the backend): drop everything. */
        void flushAll();

        /**
         * Changes to the keys {@code keys} matches may have gone unreported (one of several servers dropped or
         * came back), and so may tag invalidations: drop those keys, and every value stamped with tags.
         */
        default void flush(Predicate<String> keys) {
            flushAll();
        }
    }

    /** Starts reporting to {@code listener}; called once. */
    void start(Listener listener);

    /** Whether every change is being reported now. */
    boolean isLive();

    /**
     * Whether every change to {@code key} is being reported now; tag invalidations are reported for sure only
     * while {@link #isLive()}. This default answers for every key at once.
     */
    default boolean isLive(String key) {
        return isLive();
    }

    /** Stops reporting and releases the connection. */
    @Override
    void close();
}
