package dev.cachet.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

/**
 * The backend SPI: a byte-level key-value store with per-entry TTL.
 *
 * <p>Keys arrive fully made (prefix and version included) and validated; values arrive encoded. TTLs are
 * milliseconds, positive, or {@link #FOREVER}; a zero TTL never reaches a store (the cache turns it into a
 * delete). Every method is asynchronous and must not block the calling thread on I/O.
 *
 * <p>Tags: a value in the {@link Envelope} layout carries the version each of its tags had when it was
 * loaded. Every read ({@link #get}, {@link #getEntry}, {@link #getMany}, {@link #getOrLease}) answers a value
 * whose stamp no longer matches its tag's current version (see {@link #tagVersions}) as absent, and checks
 * this with no extra round trip where the backend allows it. {@link #contains} and writes do not look at
 * stamps.
 *
 * <p>Failures: a store completes a future with {@link dev.cachet.CacheBackendException} (or its
 * {@code Timeout} subclass) when the backend could not do the call; the fail-soft layer turns exactly
 * those into misses. Any other exception is a caller error and reaches the caller: {@link
 * java.util.NoSuchElementException} from {@link #increment} on a missing key, {@link IllegalStateException}
 * when the value there is not an integer or the result would overflow.
 *
 * <p>Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {
    /** TTL meaning "no expiry". */
    long FOREVER = -1;

    /** A short description for logs and metrics, such as {@code redis://127.0.0.1:6379}. */
    String name();

    /** The value at {@code key}, or null. */
    CompletableFuture<byte[]> get(String key);

    /** The value at {@code key} with its remaining TTL, or null. */
    CompletableFuture<StoredEntry> getEntry(String key);

    /** The values at {@code keys}, in the same order, null where absent. */
    CompletableFuture<List<byte[]>> getMany(List<String> keys);

    /** Stores {@code value}, replacing any value; completes with true when stored. */
    CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis);

    /** Stores {@code value} only if {@code key} is absent; completes with true when stored. */
    CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis);

    /** Stores every entry; completes with the keys that could not be stored (empty when all were). */
    CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis);

    /**
     * Reads {@code key}; on a miss, grants the caller a lease on it for {@code leaseMillis}, unless another
     * caller holds one (a lease as in Facebook's memcache: the right to fill the key after loading it).
     * Every other write to the key (set, add, delete, increment, expire, pattern delete) voids its lease.
     */
    CompletableFuture<LeasedRead> getOrLease(String key, long leaseMillis);

    /**
     * Grants the caller a lease on {@code key} whether or not it holds a value, unless another caller holds
     * one: the right to refresh a value that is stale. Completes with {@link LeasedRead#granted} or
     * {@link LeasedRead#heldByAnother}.
     */
    CompletableFuture<LeasedRead> lease(String key, long leaseMillis);

    /**
     * Stores {@code value} only if the lease {@code token} on {@code key} is still valid and the key holds
     * what the lease holder saw (nothing, a value whose stamps are stale, or a value with the same
     * {@link Envelope#bodyOf body} as {@code replacing}), atomically, and ends the lease; completes with true when stored. A reader whose lease a writer voided meanwhile can therefore not
     * put back the value it loaded before that write, nor overwrite what a client that knows nothing of leases
     * wrote.
     *
     * @param replacing the stale value a refresh replaces, or null when the key was absent
     */
    CompletableFuture<Boolean> setIfLeased(String key, byte[] value, long ttlMillis, long token, byte[] replacing);

    /**
     * Ends the lease {@code token} on {@code key} without storing anything (the loader found nothing, or
     * failed), so that the next caller need not wait for it to lapse; completes with true when it was held.
     */
    CompletableFuture<Boolean> releaseLease(String key, long token);

    /**
     * The current version of each tag, by name, giving a new, never-used version to each tag that has none.
     * Read before a value is loaded and stamped on it, a version makes the value absent once the tag is
     * invalidated, even if the invalidation came while the value was loading. A backend that expires keys
     * keeps each version at least {@code ttlMillis} (or {@link #FOREVER}), the TTL of the value to be stamped:
     * a version that lapsed anyway only turns the values stamped with it into misses.
     */
    CompletableFuture<Map<String, String>> tagVersions(Collection<String> tags, long ttlMillis);

    /**
     * Ends the current version of each tag, so that every value stamped with it reads as absent: O(1) per
     * tag, whatever the number of values. Completes with how many of the tags had a version.
     */
    CompletableFuture<Long> invalidateTags(Collection<String> tags);

    /** Deletes {@code key}; completes with true when it existed. */
    CompletableFuture<Boolean> delete(String key);

    /**
     * Deletes {@code key} only if it still holds exactly {@code expected}, atomically; completes with true
     * when it did. Used to remove a value that could not be decoded without removing a newer one.
     */
    CompletableFuture<Boolean> deleteIfSame(String key, byte[] expected);

    /** Deletes {@code keys}; completes with how many existed. */
    CompletableFuture<Long> deleteMany(Collection<String> keys);

    /**
     * Atomically adds {@code delta} to the integer at {@code key}, keeping its TTL; completes with the new
     * value, or with {@link java.util.NoSuchElementException} when the key is absent.
     */
    CompletableFuture<Long> increment(String key, long delta);

    /** Sets a new TTL on an existing key; completes with true when the key existed. */
    CompletableFuture<Boolean> expire(String key, long ttlMillis);

    /** Whether {@code key} exists. */
    CompletableFuture<Boolean> contains(String key);

    /**
     * Deletes, or with {@code dryRun} only counts, every key that matches {@code pattern} and
     * {@code filter}, without blocking the backend: on Redis, SCAN and UNLINK in batches on every master
     * of a cluster, never KEYS or FLUSHDB. Completes with how many keys were deleted (or, in a dry run,
     * found; SCAN may report a key twice while Redis resizes its table, so that count can be a little high).
     *
     * @param pattern a Redis glob over whole keys: {@code *}, {@code ?}, {@code [a-z]}, {@code [^a]}, and a
     *     backslash before a character to take it literally (see {@link #escapeGlob})
     * @param filter a further test on each matching key, for what a glob cannot say
     */
    CompletableFuture<Long> deleteMatching(String pattern, Predicate<String> filter, boolean dryRun);

    /** Releases connections and threads; calls after close fail. */
    @Override
    void close();

    /** {@code text} as a glob that matches exactly it: each of {@code * ? [ ]} and backslash is escaped. */
    static String escapeGlob(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                escaped.append('\\');
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    /**
     * What a store future failed with, without the {@link CompletionException} and
     * {@link ExecutionException} wrappers that composing futures adds.
     */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
