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

    /**
     * About how many entries {@code store} holds now (expired ones may still count until cleaned up).
     *
     * @throws IllegalArgumentException if {@code store} was not made by this class
     */
    public static long estimatedSize(Store store) {
        if (!(store instanceof CaffeineStore local)) {
            throw new IllegalArgumentException("store " + store.name() + " is not a local store made by LocalStore.create");
        }
        return local.estimatedSize();
    }
}
