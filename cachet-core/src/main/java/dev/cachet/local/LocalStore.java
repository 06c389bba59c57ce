package dev.cachet.local;

import dev.cachet.store.Store;

/** Creates in-process stores on Caffeine: bounded, with per-entry TTL, never failing. */
public final class LocalStore {
    private LocalStore() {
    }

    /** A store with {@link LocalStoreOptions#DEFAULTS}. */
    public static Store create() {
        return create(LocalStoreOptions.DEFAULTS);
    }

    /** A store with the given options. */
    public static Store create(LocalStoreOptions options) {
        return new CaffeineStore(options);
    }
}
