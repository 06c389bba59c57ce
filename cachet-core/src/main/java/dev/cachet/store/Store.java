package dev.cachet.store;

import dev.cachet.CacheBackendException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The backend SPI: a byte-level key-value store with per-entry TTL.
 *
 * <p><b>What a backend implements.</b> Seven primitives: {@link #getVersioned} (a read with the remaining TTL
 * and a compare-and-set token), {@link #set}, {@link #add}, {@link #delete}, {@link #expire} (touch),
 * {@link #compareAndSet}, and {@link #name}, with {@link #close}. Everything else has a default built on
 * them: the plain reads, get-many, set-many, delete-many, contains, increment, delete-if-same, and the two
 * capabilities that get-or-compute and tags rest on, <em>leases</em> and <em>tag versions</em>. A backend
 * overrides a default only to do the same in fewer round trips (Redis answers a leased read in one script,
 * a get-many in one {@code MGET}), and must then keep that default's contract, written on each method.
 * {@link #deleteMatching} is optional: a store that cannot list its keys (Memcached) leaves it refusing, and
 * overrides {@link #clear} to forget a whole prefix some other way.
 *
 * <p><b>What the primitives must guarantee.</b> Keys arrive fully made (prefix and version included) and
 * validated; values arrive encoded. TTLs are milliseconds, positive, or {@link #FOREVER}; a zero TTL never
 * reaches a store (the cache turns it into a delete). {@code add} is atomic (stores only if absent, even
 * against a concurrent {@code add}); {@code compareAndSet} is atomic against every other write to the key;
 * the token from {@code getVersioned} changes whenever the key is written with other bytes (a backend may
 * change it on every write, as Memcached does). Every method is asynchronous and
 * must not block the calling thread on I/O.
 *
 * <p><b>Leases</b> (as in Facebook's memcache): on a miss, {@link #getOrLease} grants one caller the right to
 * fill the key; {@link #setIfLeased} then stores only while that lease holds and nobody wrote the key
 * meanwhile, so a reader that loaded a row before a writer's commit-and-delete cannot put the old row back.
 * The default keeps a miss's lease in the key itself, as a placeholder value that no reader sees (so any
 * write to the key, or its delete, voids the lease with no extra work), and a refresh's lease in a key of its
 * own, {@code cachet-lease:{key}}, taken with {@code add}; {@code setIfLeased} writes by compare-and-set.
 *
 * <p><b>Tags</b>: a value in the {@link Envelope} layout carries the version each of its tags had when it was
 * loaded. Every read ({@link #get}, {@link #getEntry}, {@link #getMany}, {@link #getOrLease}) answers a value
 * whose stamp no longer matches its tag's current version (see {@link #tagVersions}) as absent. The default
 * keeps each tag's version in the key {@code cachet-tag:{tag}}, created with {@code add}, and checks the stamps
 * of a tagged value with one more read of those keys; a backend that can check them where the value is (a
 * Redis script) overrides the reads. Writes do not look at stamps.
 *
 * <p><b>Failures</b>: a store completes a future with {@link dev.cachet.CacheBackendException} (or its
 * {@code Timeout} subclass) when the backend could not do the call; the fail-soft layer turns exactly
 * those into misses. Any other exception is a caller error and reaches the caller: {@link
 * java.util.NoSuchElementException} from {@link #increment} on a missing key, {@link IllegalStateException}
 * when the value there is not an integer or the result would overflow, {@link UnsupportedOperationException}
 * from {@link #deleteMatching} on a store that cannot list keys.
 *
 * <p>Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {
    /** TTL meaning "no expiry". */
    long FOREVER = -1;

    /**
     * Where tag versions live, outside every cache's prefix: {@code cachet-tag:{tag}}, on every store that keeps
     * them as keys, so that operators and ACL rules can name them.
     */
    String TAG_PREFIX = "cachet-tag:";

    /** Where leases kept apart from their key live, outside every cache's prefix: {@code cachet-lease:{key}}. */
    String LEASE_PREFIX = "cachet-lease:";

    // --- primitives ---------------------------------------------------------------------------------------

    /** A short description for logs and metrics, such as {@code redis://127.0.0.1:6379}. */
    String name();

    /**
     * The value at {@code key} if this store holds it in this process and can answer without waiting, as
     * {@link #get} would see it, with room for its decoded form (see {@link HeldValue}); null otherwise, which
     * means only "ask {@link #get}". The default, for a store whose reads go over the network, is null. A
     * cache's blocking read of a hit takes this path: no future, and no decoding of a value decoded before.
     */
    default HeldValue held(String key) {
        return null;
    }

    /**
     * The bytes at {@code key} exactly as stored, with their remaining TTL and a compare-and-set token, or
     * null when the key is absent. Unlike {@link #get}, it hides nothing: lease placeholders and values with
     * stale tag stamps are answered as they are.
     */
    CompletableFuture<Versioned> getVersioned(String key);

    /** Stores {@code value}, replacing any value; completes with true when stored. */
    CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis);

    /** Stores {@code value} only if {@code key} is absent, atomically; completes with true when stored. */
    CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis);

    /** Deletes {@code key}; completes with true when it existed. */
    CompletableFuture<Boolean> delete(String key);

    /** Sets a new TTL on an existing key; completes with true when the key existed. */
    CompletableFuture<Boolean> expire(String key, long ttlMillis);

    /**
     * Replaces the value at {@code key} with {@code value} for {@code ttlMillis}, or deletes the key when
     * {@code value} is null, only if nothing has written the key since {@link #getVersioned} answered
     * {@code cas}, atomically; completes with true when it did.
     */
    CompletableFuture<Boolean> compareAndSet(String key, long cas, byte[] value, long ttlMillis);

    /** Releases connections and threads; calls after close fail. */
    @Override
    void close();

    // --- derived reads and writes ----------------------------------------------------------------------

    /**
     * The value at {@code key}, or null: absent, a lease placeholder, or a value with stale tag stamps.
     * By default {@link #getVersioned}, then a read of the value's tag versions if it carries any.
     */
    default CompletableFuture<byte[]> get(String key) {
        return getEntry(key).thenApply(entry -> entry == null ? null : entry.value());
    }

    /** The value at {@code key} with its remaining TTL, or null, as {@link #get} sees it. */
    default CompletableFuture<StoredEntry> getEntry(String key) {
        return getVersioned(key).thenCompose(found -> Generic.visible(this, found))
                .thenApply(found -> found == null ? null : new StoredEntry(found.value(), found.ttlMillis()));
    }

    /** The values at {@code keys}, in the same order, null where {@link #get} would answer null. */
    default CompletableFuture<List<byte[]>> getMany(List<String> keys) {
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(keys.size());
        for (String key : keys) {
            reads.add(get(key));
        }
        return Generic.all(reads);
    }

    /** Stores every entry; completes with the keys that could not be stored (empty when all were). */
    default CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis) {
        Set<String> failed = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Boolean>> writes = new ArrayList<>(entries.size());
        entries.forEach((key, value) -> writes.add(set(key, value, ttlMillis).handle((stored, error) -> {
            if (error != null) {
                Throwable cause = unwrap(error);
                if (!(cause instanceof CacheBackendException)) {
                    throw new CompletionException(cause);
                }
            }
            if (error != null || !stored) {
                failed.add(key);
            }
            return true;
        })));
        return Generic.all(writes).thenApply(done -> Set.copyOf(failed));
    }

    /** Deletes {@code keys}; completes with how many existed. */
    default CompletableFuture<Long> deleteMany(Collection<String> keys) {
        AtomicLong deleted = new AtomicLong();
        List<CompletableFuture<Boolean>> deletes = new ArrayList<>(keys.size());
        for (String key : Set.copyOf(keys)) {
            deletes.add(delete(key).whenComplete((existed, error) -> {
                if (error == null && existed) {
                    deleted.incrementAndGet();
                }
            }));
        }
        return Generic.all(deletes).thenApply(done -> deleted.get());
    }

    /** Whether {@link #get} would answer a value for {@code key}. */
    default CompletableFuture<Boolean> contains(String key) {
        return get(key).thenApply(value -> value != null);
    }

    /**
     * Atomically adds {@code delta} to the integer (ASCII decimal) at {@code key}, keeping its TTL; completes
     * with the new value, with {@link java.util.NoSuchElementException} when the key is absent, or with
     * {@link IllegalStateException} when it holds no integer or the sum would overflow. By default a
     * compare-and-set loop.
     */
    default CompletableFuture<Long> increment(String key, long delta) {
        return Generic.increment(this, key, delta);
    }

    /**
     * Deletes {@code key} only if it still holds exactly {@code expected}, atomically; completes with true
     * when it did. Used to remove a value that could not be decoded without removing a newer one.
     */
    default CompletableFuture<Boolean> deleteIfSame(String key, byte[] expected) {
        return getVersioned(key).thenCompose(found -> found != null && Arrays.equals(found.value(), expected)
                ? compareAndSet(key, found.cas(), null, FOREVER)
                : CompletableFuture.completedFuture(false));
    }

    // --- leases --------------------------------------------------------------------------------------------

    /**
     * Reads {@code key}; on a miss, grants the caller a lease on it for {@code leaseMillis}, unless another
     * caller holds one (a lease as in Facebook's memcache: the right to fill the key after loading it).
     * Every other write to the key (set, add, delete, increment, expire, pattern delete) voids its lease:
     * a store must guarantee at least that a write or delete after the grant makes {@link #setIfLeased} fail.
     */
    default CompletableFuture<LeasedRead> getOrLease(String key, long leaseMillis) {
        return Generic.getOrLease(this, key, leaseMillis);
    }

    /**
     * Grants the caller a lease on {@code key} whether or not it holds a value, unless another caller holds
     * one: the right to refresh a value that is stale. Completes with {@link LeasedRead#granted} or
     * {@link LeasedRead#heldByAnother}.
     */
    default CompletableFuture<LeasedRead> lease(String key, long leaseMillis) {
        return Generic.lease(this, key, leaseMillis);
    }

    /**
     * Stores {@code value} only if the lease {@code token} on {@code key} is still valid and the key holds
     * what the lease holder saw (nothing, a value whose stamps are stale, or a value with the same
     * {@link Envelope#bodyOf body} as {@code replacing}), atomically, and ends the lease; completes with true
     * when stored. A reader whose lease a writer voided meanwhile can therefore not put back the value it
     * loaded before that write, nor overwrite what a client that knows nothing of leases wrote.
     *
     * @param replacing the stale value a refresh replaces, or null when the key was absent
     */
    default CompletableFuture<Boolean> setIfLeased(String key, byte[] value, long ttlMillis, long token, byte[] replacing) {
        return Generic.setIfLeased(this, key, value, ttlMillis, token, replacing);
    }

    /**
     * Ends the lease {@code token} on {@code key} without storing anything (the loader found nothing, or
     * failed), so that the next caller need not wait for it to lapse; completes with true when it was held.
     */
    default CompletableFuture<Boolean> releaseLease(String key, long token) {
        return Generic.releaseLease(this, key, token);
    }

    // --- tag versions ---------------------------------------------------------------------------------------

    /**
     * The current version of each tag, by name, giving a new, never-used version to each tag that has none.
     * Read before a value is loaded and stamped on it, a version makes the value absent once the tag is
     * invalidated, even if the invalidation came while the value was loading. A backend that expires keys
     * keeps each version at least {@code ttlMillis} (or {@link #FOREVER}), the TTL of the value to be stamped:
     * a version that lapsed anyway only turns the values stamped with it into misses. Versions are ASCII
     * digits.
     */
    default CompletableFuture<Map<String, String>> tagVersions(Collection<String> tags, long ttlMillis) {
        return Generic.tagVersions(this, tags, ttlMillis);
    }

    /**
     * Ends the current version of each tag, so that every value stamped with it reads as absent: O(1) per
     * tag, whatever the number of values. Completes with how many of the tags had a version.
     */
    default CompletableFuture<Long> invalidateTags(Collection<String> tags) {
        return deleteMany(Set.copyOf(tags).stream().map(Generic::tagKey).toList());
    }

    // --- bulk deletes -------------------------------------------------------------------------------------

    /**
     * Deletes, or with {@code dryRun} only counts, every key that matches {@code pattern} and
     * {@code filter}, without blocking the backend: on Redis, SCAN and UNLINK in batches on every master
     * of a cluster, never KEYS or FLUSHDB. Completes with how many keys were deleted (or, in a dry run,
     * found; SCAN may report a key twice while Redis resizes its table, so that count can be a little high).
     * By default it fails with {@link UnsupportedOperationException}: a store that cannot list its keys
     * cannot do it.
     *
     * @param pattern a Redis glob over whole keys: {@code *}, {@code ?}, {@code [a-z]}, {@code [^a]}, and a
     *     backslash before a character to take it literally (see {@link #escapeGlob})
     * @param filter a further test on each matching key, for what a glob cannot say
     */
    default CompletableFuture<Long> deleteMatching(String pattern, Predicate<String> filter, boolean dryRun) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(name()
                + " cannot list its keys, so it cannot delete or count them by pattern"));
    }

    /**
     * Makes every key that starts with {@code prefix} absent, and completes with how many there were, or
     * with -1 when the store cannot count them. By default {@link #deleteMatching} of the prefix; a store
     * that cannot list keys overrides it (Memcached moves a namespace version).
     */
    default CompletableFuture<Long> clear(String prefix) {
        return deleteMatching(escapeGlob(prefix) + "*", key -> true, false);
    }

    // --- helpers ------------------------------------------------------------------------------------------

    /**
     * What {@link #get} answers of {@code stored}, the bytes a backend read at a key its own way (a multi-get in
     * an override of {@link #getMany}): null for a lease placeholder or a value with a stale tag stamp.
     */
    static CompletableFuture<byte[]> visible(Store store, byte[] stored) {
        return Generic.visible(store, stored);
    }

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
