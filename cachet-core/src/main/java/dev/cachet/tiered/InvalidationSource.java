package dev.cachet.tiered;

import java.util.Collection;

/**
 * Tells a {@link TieredStore} which keys other writers changed, so that its first tier never serves them
 * again. On Redis this is server-assisted client tracking; other backends may use a channel.
 *
 * <p>A source is <em>live</em> while it is sure to report every change; while it is not (never connected,
 * disconnected, re-subscribing), the tiered store neither reads nor fills its first tier.
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
    }

    /** Starts reporting to {@code listener}; called once. */
    void start(Listener listener);

    /** Whether every change is being reported now. */
    boolean isLive();

    /** Stops reporting and releases the connection. */
    @Override
    void close();
}
