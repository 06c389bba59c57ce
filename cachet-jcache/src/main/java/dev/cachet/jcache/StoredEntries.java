package dev.cachet.jcache;

import dev.cachet.CacheBackendException;
import dev.cachet.CacheOptions;
import dev.cachet.Ttl;
import dev.cachet.store.Store;
import dev.cachet.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.cache.CacheException;

/**
 * The entries of one JCache cache in a Cachet {@link Store}: stored keys ({@code {prefix}:1:{key's JSON}}, made
 * by the Cachet cache over the same store), reads, and writes by compare-and-set over what was read. Reads to
 * return a value use {@link Store#get} and {@link Store#getMany}, which the tiered store answers from its first
 * tier; reads to change an entry use {@link Store#getVersioned}, from the store of record. A lock per key
 * (striped) keeps this process's own changes of a key from racing each other. A store failure is a
 * {@link CacheException}.
 */
final class StoredEntries {
    private static final int LOCK_STRIPES = 1024;

    private final Store store;
    private final dev.cachet.Cache cachet;
    private final Values values;
    private final String keysPattern;
    private final int keysFrom;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    StoredEntries(Store store, String name, String keyPrefix, Values values) {
        this.store = store;
        this.values = values;
        // A JCache TTL comes from the expiry policy, never from a cache default; values stay uncompressed so
        // that they are in the one layout this provider reads.
        this.cachet = dev.cachet.Cache.create(store, CacheOptions.builder()
                .name(name)
                .keyPrefix(keyPrefix)
                .codec(values.codec())
                .defaultTtl(Ttl.FOREVER)
                .compressionThreshold(Integer.MAX_VALUE)
                .build());
        String versionPrefix = keyPrefix + ":" + cachet.version() + ":";
        // Every stored key is the JSON of a holder, so it starts with '{': another cache whose name extends
        // this one's ("a" and "a:1") has a digit there and is never listed as this cache's.
        this.keysPattern = Store.escapeGlob(versionPrefix) + "{*";
        this.keysFrom = versionPrefix.length();
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * An entry as read: its decoded value (null when absent or unreadable), its stored bytes, and, when it was
     * read to be changed, what {@link Store#getVersioned} answered.
     */
    record Current<V>(V value, byte[] bytes, Versioned raw) {
        boolean present() {
            return value != null;
        }
    }

    dev.cachet.Cache cachet() {
        return cachet;
    }

    Store store() {
        return store;
    }

    /** The stored key of a JCache key. */
    String storedKey(Object key) {
        return cachet.makeKey(values.key(key));
    }

    /** The JCache key stored as {@code stored}, or null when it cannot be read back. */
    Object keyOf(String stored) {
        return values.keyOf(stored.substring(keysFrom));
    }

    /** The stored keys of the cache's entries now, each once. */
    Set<String> storedKeys() {
        Set<String> found = ConcurrentHashMap.newKeySet();
        join(store.deleteMatching(keysPattern, key -> found.add(key) || true, true));
        return found;
    }

    /** The lock of this process's changes of {@code stored}. */
    ReentrantLock lock(String stored) {
        return locks[Math.floorMod(stored.hashCode(), LOCK_STRIPES)];
    }

    /** Reads an entry to change it: from the store of record (on the tiered store, Redis), with its token. */
    <V> Current<V> read(String stored) {
        Versioned found = join(store.getVersioned(stored));
        return found == null ? new Current<>(null, null, null) : new Current<>(cast(values.decode(found.value())), found.value(), found);
    }

    /** Reads an entry to return it. */
    <V> Current<V> peek(String stored) {
        return peeked(join(store.get(stored)));
    }

    /** Reads entries to return them, in the order of {@code stored}. */
    <V> List<Current<V>> peekAll(List<String> stored) {
        List<Current<V>> read = new ArrayList<>(stored.size());
        for (byte[] found : join(store.getMany(stored))) {
            read.add(peeked(found));
        }
        return read;
    }

    private <V> Current<V> peeked(byte[] found) {
        return found == null ? new Current<>(null, null, null) : new Current<>(cast(values.decode(found)), found, null);
    }

    /**
     * Writes {@code value} (null deletes) over what {@code current} saw, for {@code ttlMillis}; false when someone
     * wrote the key meanwhile.
     */
    boolean write(String stored, Current<?> current, Object value, long ttlMillis) {
        byte[] bytes = value == null ? null : values.encode(value);
        if (current.raw() != null) {
            return join(store.compareAndSet(stored, current.raw().cas(), bytes, ttlMillis));
        }
        return bytes == null || join(store.add(stored, bytes, ttlMillis));
    }

    /** Deletes the entry {@code current} read, unless it changed since; true when it did. */
    boolean deleteIfSame(String stored, Current<?> current) {
        return join(store.deleteIfSame(stored, current.bytes()));
    }

    /** Gives an entry a new TTL from now. */
    void expire(String stored, long ttlMillis) {
        join(store.expire(stored, ttlMillis));
    }

    /** Deletes every entry of the cache. */
    void clear() {
        join(store.deleteMatching(keysPattern, key -> true, false));
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (RuntimeException e) {
            Throwable cause = Store.unwrap(e);
            if (cause instanceof CacheBackendException backend) {
                throw new CacheException(backend.getMessage(), backend);
            }
            throw cause instanceof RuntimeException runtime ? runtime : new CacheException(cause);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
