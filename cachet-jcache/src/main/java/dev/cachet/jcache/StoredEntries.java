package dev.cachet.jcache;

import dev.cachet.CacheBackendException;
import dev.cachet.CacheOptions;
import dev.cachet.Ttl;
import dev.cachet.store.Store;
import dev.cachet.store.Versioned;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import javax.cache.CacheException;

/**
 * The entries of one JCache cache in a Cachet {@link Store}: stored keys ({@code {prefix}:1:{key's JSON}}, made
 * by the Cachet cache over the same store), reads, and writes by compare-and-set over what was read. Reads to
 * return a value use {@link Store#get} and {@link Store#getMany}, which the tiered store answers from its first
 * tier; reads to change an entry use {@link Store#getVersioned}, from the store of record. A lock per key
 * (striped) keeps this process's own changes of a key from racing each other. A store failure is a
 * {@link CacheException}; fail-soft, a read the store cannot answer finds nothing and a write it cannot take
 * counts as done and is not kept (the guarded store under a shared one remembers the key, and invalidates it
 * before reading again), so that a cache whose store is down costs its users hits, never errors.
 */
final class StoredEntries {
    private static final int LOCK_STRIPES = 1024;
    private static final long REPORT_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Store store;
    private final boolean failSoft;
    private final dev.cachet.Cache cachet;
    private final Values values;
    private final String keysPattern;
    private final int keysFrom;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    /**
     * Reports still to come of this process's own writes, by stored key, when the store reports changes: when
     * each write went out (nanoTime), oldest first. A report of a key with one here is this process hearing of
     * its own write, not someone else's change. A report comes within milliseconds or, when the connection that
     * brings them dropped, never: one awaited longer than {@link #REPORT_WAIT_NANOS} is no longer awaited.
     */
    private final ConcurrentHashMap<String, ArrayDeque<Long>> echoes;

    StoredEntries(Store store, String name, String keyPrefix, Values values, boolean failSoft, boolean reportsChanges) {
        this.store = store;
        this.failSoft = failSoft;
        this.echoes = reportsChanges ? new ConcurrentHashMap<>() : null;
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
        // Fail-soft, a listing the store broke off holds the keys it gave before.
        read(store.deleteMatching(keysPattern, key -> found.add(key) || true, true), 0L);
        return found;
    }

    /** The lock of this process's changes of {@code stored}. */
    ReentrantLock lock(String stored) {
        return locks[Math.floorMod(stored.hashCode(), LOCK_STRIPES)];
    }

    /** Reads an entry to change it: from the store of record (on the tiered store, Redis), with its token. */
    <V> Current<V> read(String stored) {
        Versioned found = read(store.getVersioned(stored), null);
        return found == null ? new Current<>(null, null, null) : new Current<>(cast(values.decode(found.value())), found.value(), found);
    }

    /** Reads an entry to return it. */
    <V> Current<V> peek(String stored) {
        return peeked(read(store.get(stored), null));
    }

    /** Reads an entry to return it, passing a store failure on even when fail-soft. */
    <V> Current<V> peekOrFail(String stored) {
        return peeked(join(store.get(stored), null, false));
    }

    /** An entry from its stored bytes. */
    <V> Current<V> of(byte[] stored) {
        return peeked(stored);
    }

    /**
     * Whether a reported change of {@code stored} is this process's own write coming back, which it then no
     * longer waits for.
     */
    boolean ownChange(String stored) {
        long now = System.nanoTime();
        boolean[] own = {false};
        echoes.computeIfPresent(stored, (key, sent) -> {
            while (!sent.isEmpty() && now - sent.peekFirst() > REPORT_WAIT_NANOS) {
                sent.pollFirst();
            }
            own[0] = sent.pollFirst() != null;
            return sent.isEmpty() ? null : sent;
        });
        return own[0];
    }

    /**
     * Reports may have been lost (the connection that brings them dropped): those awaited too long to come
     * now are forgotten. Recent ones stay awaited, since a write made while the connection was coming back may
     * still be reported.
     */
    void forgetOwnChanges() {
        long now = System.nanoTime();
        echoes.values().removeIf(sent -> now - sent.peekLast() > REPORT_WAIT_NANOS);
    }

    private void expectReport(String stored) {
        if (echoes != null) {
            long now = System.nanoTime();
            echoes.compute(stored, (key, sent) -> {
                ArrayDeque<Long> queue = sent != null ? sent : new ArrayDeque<>(2);
                queue.addLast(now);
                return queue;
            });
        }
    }

    private void noReport(String stored) {
        if (echoes != null) {
            echoes.computeIfPresent(stored, (key, sent) -> {
                sent.pollLast();
                return sent.isEmpty() ? null : sent;
            });
        }
    }

    /** Reads entries to return them, in the order of {@code stored}. */
    <V> List<Current<V>> peekAll(List<String> stored) {
        List<Current<V>> read = new ArrayList<>(stored.size());
        for (byte[] found : read(store.getMany(stored), Collections.<byte[]>nCopies(stored.size(), null))) {
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
            return written(stored, () -> store.compareAndSet(stored, current.raw().cas(), bytes, ttlMillis));
        }
        return bytes == null || written(stored, () -> store.add(stored, bytes, ttlMillis));
    }

    /** Deletes the entry {@code current} read, unless it changed since; true when it did. */
    boolean deleteIfSame(String stored, Current<?> current) {
        return written(stored, () -> store.deleteIfSame(stored, current.bytes()));
    }

    /** Gives an entry a new TTL from now. */
    void expire(String stored, long ttlMillis) {
        written(stored, () -> store.expire(stored, ttlMillis));
    }

    /** Deletes every entry of the cache. */
    void clear() {
        join(store.deleteMatching(keysPattern, key -> {
            expectReport(key);
            return true;
        }, false), 0L);
    }

    /** What a read found; fail-soft, {@code whenDown} when the store cannot answer. */
    private <T> T read(CompletableFuture<T> future, T whenDown) {
        return join(future, whenDown);
    }

    /**
     * Whether a write of {@code stored} went through; fail-soft, true when the store cannot take it, so that no
     * caller retries. A write that failed may have left the old entry, which a read would find once the store
     * answers again: it is deleted, and when that fails too the guard under a shared store remembers the key
     * and deletes it before reading again.
     */
    private boolean written(String stored, Supplier<CompletableFuture<Boolean>> write) {
        // Counted before the write: the report may arrive before the write's answer does.
        expectReport(stored);
        CompletableFuture<Boolean> future;
        try {
            future = write.get();
        } catch (RuntimeException e) {
            noReport(stored);
            throw e;
        }
        return join(future.whenComplete((done, error) -> {
            if (error != null || !done) {
                noReport(stored);
            }
            if (error != null && Store.unwrap(error) instanceof CacheBackendException) {
                expectReport(stored);
                store.delete(stored).whenComplete((deleted, failed) -> {
                    if (failed != null || !deleted) {
                        noReport(stored);
                    }
                });
            }
        }), true);
    }

    private <T> T join(CompletableFuture<T> future, T whenDown) {
        return join(future, whenDown, failSoft);
    }

    private static <T> T join(CompletableFuture<T> future, T whenDown, boolean soft) {
        try {
            return future.join();
        } catch (RuntimeException e) {
            Throwable cause = Store.unwrap(e);
            if (cause instanceof CacheBackendException backend) {
                if (soft) {
                    return whenDown;
                }
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
