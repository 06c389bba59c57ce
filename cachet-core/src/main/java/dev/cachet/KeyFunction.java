package dev.cachet;

/**
 * Makes the key a backend stores from the cache's prefix, the call's version and the caller's key.
 *
 * <p>Every key Cachet stores is made by exactly one key function, so reads and writes always agree. The
 * result must start with {@code prefix + ":"} so that {@code clear()} (which deletes everything under
 * the prefix) finds it. Implementations must be deterministic and thread-safe.
 */
@FunctionalInterface
public interface KeyFunction {
    /** Returns the stored key for {@code key} at {@code version}. */
    String makeKey(String prefix, int version, String key);

    /** The default, {@code prefix:version:key}, as in Django. */
    static KeyFunction standard() {
        return Keys.STANDARD;
    }
}
