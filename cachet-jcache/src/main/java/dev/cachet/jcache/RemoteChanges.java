package dev.cachet.jcache;

import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import dev.cachet.tiered.InvalidationSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

/**
 * The invalidations that a tiered cache's Redis tracking reports, passed on to the tiered store as they are
 * and, for each changed key, to an observer with the copy the first tier held before the report dropped it:
 * how the entry listeners of one process hear of the changes other processes make. This process's own writes
 * are reported too; the observer tells them apart.
 */
final class RemoteChanges implements InvalidationSource {
    /** Told, in the source's thread, of each key some writer changed; must not block. */
    interface Observer {
        /** {@code stored} changed; {@code held} is the copy this process held, or null. */
        void changed(String stored, StoredEntry held);

        /** Changes may have gone unreported (the tracking connection dropped). */
        void lost();
    }

    private final InvalidationSource source;
    private final Store firstTier;
    private volatile Observer observer;

    RemoteChanges(InvalidationSource source, Store firstTier) {
        this.source = source;
        this.firstTier = firstTier;
    }

    void observe(Observer observer) {
        this.observer = observer;
    }

    @Override
    public void start(Listener tiered) {
        source.start(new Listener() {
            @Override
            public void invalidate(Collection<String> keys) {
                Observer watching = observer;
                if (watching == null) {
                    tiered.invalidate(keys);
                    return;
                }
                // The first tier is in process: its futures are complete, and reading it here does not block.
                List<StoredEntry> held = new ArrayList<>(keys.size());
                for (String key : keys) {
                    held.add(firstTier.getEntry(key).getNow(null));
                }
                tiered.invalidate(keys);
                int i = 0;
                for (String key : keys) {
                    watching.changed(key, held.get(i++));
                }
            }

            @Override
            public void invalidateTags(Collection<String> tags) {
                tiered.invalidateTags(tags);
            }

            @Override
            public void flushAll() {
                tiered.flushAll();
                lost();
            }

            @Override
            public void flush(Predicate<String> keys) {
                tiered.flush(keys);
                lost();
            }

            private void lost() {
                Observer watching = observer;
                if (watching != null) {
                    watching.lost();
                }
            }
        });
    }

    @Override
    public boolean isLive() {
        return source.isLive();
    }

    @Override
    public boolean isLive(String key) {
        return source.isLive(key);
    }

    @Override
    public void close() {
        source.close();
    }
}
