package dev.cachet;

/**
 * A loader passed to {@code getOrCompute} threw a checked exception; the original is the cause. Unchecked
 * exceptions and errors from a loader reach the caller unchanged.
 */
public class CacheLoaderException extends CacheException {
    private static final long serialVersionUID = 1L;

    /** Wraps the checked exception thrown while loading {@code key}. */
    public CacheLoaderException(String key, Throwable cause) {
        super("loader for key '" + key + "' failed: " + cause, cause);
    }
}
