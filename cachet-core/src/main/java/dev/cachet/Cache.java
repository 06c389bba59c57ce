package dev.cachet;

import dev.cachet.store.Store;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * A cache: every operation of Django's cache API, over any {@link Store}.
 *
 * <p><b>Keys</b> are stored as {@code {prefix}:{version}:{key}} (see {@link KeyFunction}); a key that is
 * empty, holds a control character, or is longer than {@link CacheOptions#maxKeyBytes()} as stored fails
 * with {@link IllegalArgumentException} naming it. <b>TTLs</b> follow {@link Ttl}: default, forever (capped
 * by {@link CacheOptions#maxTtl()}), zero deletes. <b>Values</b> are never null; they are encoded by the
 * cache's {@link Codec}, except integers (plain decimal, so {@link #incr} works) and {@code byte[]} (as
 * they are). A stored value that cannot be decoded as the requested type is a miss, is counted in
 * {@link CacheStats#decodeFailures()}, and is removed.
 *
 * <p><b>Failures</b>: in fail-soft mode (the default) a backend failure makes a read a miss and a write
 * {@code false}; operations without a neutral result ({@link #incr}, {@link #incrVersion}) return an empty
 * optional. In strict mode they throw {@link CacheBackendException}. Caller errors (bad keys, oversized
 * values, {@code incr} on a missing key) throw in both modes.
 *
 * <p>Every operation has a non-blocking form on {@link #async()}. Implementations are thread-safe.
 */
public interface Cache {
    /**
     * A cache over {@code store}. Unless the store is already wrapped in a
     * {@link dev.cachet.resilience.GuardedStore} (to share one circuit breaker between caches), it is wrapped in
     * one with {@link CacheOptions#resilience()}: fail-soft, the breaker and the replay of failed invalidations
     * are that decorator's, not the cache's.
     */
    static Cache create(Store store, CacheOptions options) {
        return new SyncCache(new CacheCore(store, options).async(options.version()));
    }

    /** A cache over {@code store} with {@link CacheOptions#DEFAULTS}. */
    static Cache create(Store store) {
        return create(store, CacheOptions.DEFAULTS);
    }

    /** The cache's options. */
    CacheOptions options();

    /** The version this view reads and writes; see {@link #withVersion(int)}. */
    int version();

    /** A view of this cache that reads and writes {@code version} instead; it shares everything else. */
    Cache withVersion(int version);

    /** The non-blocking form of this cache, at the same version. */
    AsyncCache async();

    /** The key {@code key} is stored under at this view's version, for inspection with other tools. */
    String makeKey(String key);

    /** The value at {@code key} as {@code type}, or null on a miss. */
    <T> T get(String key, TypeRef<T> type);

    /** The value at {@code key} as {@code type}, or null on a miss. */
    default <T> T get(String key, Class<T> type) {
        return get(key, TypeRef.of(type));
    }

    /** The value at {@code key} as {@code type}, or {@code defaultValue} on a miss. */
    default <T> T get(String key, Class<T> type, T defaultValue) {
        T value = get(key, TypeRef.of(type));
        return value != null ? value : defaultValue;
    }

    /** Stores {@code value} for the default TTL; true when the backend took it. */
    default boolean set(String key, Object value) {
        return set(key, value, Ttl.DEFAULT);
    }

    /** Stores {@code value} for {@code ttl}; a zero TTL deletes the key. True when the backend did it. */
    boolean set(String key, Object value, Ttl ttl);

    /**
     * Stores {@code value} for {@code ttl} with {@code tags}: once any of them is invalidated with {@link
     * #invalidateTags}, the value is a miss on every instance. The tags' versions are read when this is
     * called; to be safe against a concurrent invalidation while the value was being computed, compute it in
     * {@link #getOrCompute(String, TypeRef, ComputeOptions, Callable)}, which reads them before loading.
     *
     * @throws IllegalArgumentException if a tag is empty, holds a control character, or is over 256 bytes
     */
    boolean set(String key, Object value, Ttl ttl, Collection<String> tags);

    /**
     * Makes every value stored with any of {@code tags} a miss, on every instance and in every cache that
     * shares the backend (tags are the backend's, not one cache's), in O(1) per tag however many values carry
     * it; true when the backend did it.
     */
    boolean invalidateTags(Collection<String> tags);

    /** {@link #invalidateTags(Collection)} of the given tags. */
    default boolean invalidateTags(String... tags) {
        return invalidateTags(List.of(tags));
    }

    /** Stores {@code value} for the default TTL only if {@code key} is absent; true when stored. */
    default boolean add(String key, Object value) {
        return add(key, value, Ttl.DEFAULT);
    }

    /** Stores {@code value} only if {@code key} is absent; true when stored; a zero TTL stores nothing. */
    boolean add(String key, Object value, Ttl ttl);

    /** The values found for {@code keys}, by key, in the order given; absent keys are left out. */
    <T> Map<String, T> getMany(Collection<String> keys, TypeRef<T> type);

    /** The values found for {@code keys}, by key, in the order given; absent keys are left out. */
    default <T> Map<String, T> getMany(Collection<String> keys, Class<T> type) {
        return getMany(keys, TypeRef.of(type));
    }

    /** Stores every entry for the default TTL; returns the keys that could not be stored. */
    default Set<String> setMany(Map<String, ?> values) {
        return setMany(values, Ttl.DEFAULT);
    }

    /**
     * Stores every entry for {@code ttl}; returns the keys that could not be stored. Every key and value is
     * checked before anything is written, so a bad entry fails the call with nothing written.
     */
    Set<String> setMany(Map<String, ?> values, Ttl ttl);

    /** Deletes {@code key}; true when it existed. */
    boolean delete(String key);

    /** Deletes {@code keys}; returns how many existed. */
    long deleteMany(Collection<String> keys);

    /** Adds 1 to the integer at {@code key}; see {@link #incr(String, long)}. */
    default OptionalLong incr(String key) {
        return incr(key, 1);
    }

    /**
     * Atomically adds {@code delta} to the integer at {@code key}, keeping its TTL, and returns the result;
     * empty when the backend failed in fail-soft mode.
     *
     * @throws java.util.NoSuchElementException if the key is absent, as in Django
     * @throws IllegalStateException if the value is not an integer or the result would overflow
     */
    OptionalLong incr(String key, long delta);

    /** Subtracts 1; see {@link #incr(String, long)}. */
    default OptionalLong decr(String key) {
        return incr(key, -1);
    }

    /** Subtracts {@code delta}; see {@link #incr(String, long)}. */
    default OptionalLong decr(String key, long delta) {
        return incr(key, Math.negateExact(delta));
    }

    /** Gives {@code key} the default TTL from now; true when it existed. */
    default boolean touch(String key) {
        return touch(key, Ttl.DEFAULT);
    }

    /** Gives {@code key} a new TTL from now (zero deletes it); true when it existed. */
    boolean touch(String key, Ttl ttl);

    /** Whether {@code key} holds a value that a {@link #get} would return now (one past its TTL does not count). */
    boolean contains(String key);

    /**
     * Deletes every entry under this cache's key prefix, at every version, and returns how many, or -1 from a
     * store that cannot count them; other data in the backend is left alone (on Redis: SCAN and UNLINK in
     * batches, never FLUSHDB or KEYS; on Memcached, which cannot list keys, a namespace version moves).
     */
    long clear();

    /**
     * Deletes the entries of this view's version whose key matches {@code pattern}, a Redis glob over the
     * caller's keys ({@code *}, {@code ?}, {@code [a-z]}, backslash for a literal), and returns how many:
     * {@code deleteByPattern("product_list:category_12:*")}. Like {@link #clear()}, it scans in batches and
     * never blocks Redis. Needs the standard key function.
     *
     * @throws IllegalArgumentException if the pattern is empty or holds a control character
     * @throws IllegalStateException if the cache has a custom key function
     * @throws UnsupportedOperationException if the store cannot list its keys (Memcached)
     */
    long deleteByPattern(String pattern);

    /** How many entries {@link #deleteByPattern} would delete now, deleting nothing (a dry run). */
    long countByPattern(String pattern);

    /**
     * Deletes every entry under this cache's prefix whose version is not this view's, and returns how many:
     * after a version bump, the old entries go without a flush. Needs the standard key function and a store
     * that can list its keys ({@link UnsupportedOperationException} otherwise).
     */
    long purgeOldVersions();

    /** How many entries {@link #purgeOldVersions()} would delete now, deleting nothing (a dry run). */
    long countOldVersions();

    /**
     * The value at {@code key}; on a miss, calls {@code loader}, stores a non-null result for {@code ttl},
     * and returns it (a result over {@link CacheOptions#maxValueBytes()} is returned without being stored). In one process the loader runs once per key at a time: concurrent callers for the
     * same key wait for it and share its result or its exception. The loader runs in the calling thread;
     * checked exceptions are wrapped in {@link CacheLoaderException}.
     */
    <T> T getOrCompute(String key, TypeRef<T> type, Ttl ttl, Callable<? extends T> loader);

    /**
     * {@link #getOrCompute(String, TypeRef, Ttl, Callable)} with stale windows, early refresh and tags as
     * {@code options} say (see {@link ComputeOptions}): within the stale-while-revalidate window a value past
     * its TTL is returned at once to every caller but one (across all instances), which refreshes it; within the
     * stale-if-error window it is returned when the loader fails; with early refresh, one caller refreshes
     * a value shortly before it expires; with tags, the versions of the tags are read before the loader
     * runs, so an invalidation of a tag while it runs makes the stored value a miss; tags worked out from the
     * loaded value ({@link ComputeOptions#valueTags()}) are stamped as they are once it has loaded.
     */
    <T> T getOrCompute(String key, TypeRef<T> type, ComputeOptions options, Callable<? extends T> loader);

    /** {@link #getOrCompute(String, TypeRef, ComputeOptions, Callable)} for a plain class. */
    default <T> T getOrCompute(String key, Class<T> type, ComputeOptions options, Callable<? extends T> loader) {
        return getOrCompute(key, TypeRef.of(type), options, loader);
    }

    /** {@link #getOrCompute(String, TypeRef, Ttl, Callable)} for a plain class. */
    default <T> T getOrCompute(String key, Class<T> type, Ttl ttl, Callable<? extends T> loader) {
        return getOrCompute(key, TypeRef.of(type), ttl, loader);
    }

    /** {@link #getOrCompute(String, TypeRef, Ttl, Callable)} with the default TTL. */
    default <T> T getOrCompute(String key, Class<T> type, Callable<? extends T> loader) {
        return getOrCompute(key, TypeRef.of(type), Ttl.DEFAULT, loader);
    }

    /** Moves {@code key} to the next version; see {@link #incrVersion(String, int)}. */
    default OptionalInt incrVersion(String key) {
        return incrVersion(key, 1);
    }

    /**
     * Moves the value at {@code key} from this view's version to that version plus {@code delta}, keeping
     * its remaining TTL, and returns the new version; empty when the backend failed in fail-soft mode.
     *
     * @throws java.util.NoSuchElementException if the key is absent at this version
     */
    OptionalInt incrVersion(String key, int delta);

    /** Moves {@code key} to the previous version; see {@link #incrVersion(String, int)}. */
    default OptionalInt decrVersion(String key) {
        return incrVersion(key, -1);
    }

    /** A snapshot of the cache's counters. */
    CacheStats stats();
}
