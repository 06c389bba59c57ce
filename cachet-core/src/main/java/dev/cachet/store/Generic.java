package dev.cachet.store;

import static java.util.concurrent.CompletableFuture.completedFuture;

import dev.cachet.CacheBackendException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The defaults of {@link Store}: leases, tag versions, increment and the checked reads, over the primitives
 * alone. Every step that decides something is a compare-and-set or an {@code add}, so two instances racing
 * through these never both win.
 */
final class Generic {
    /** Increments that keep losing their compare-and-set to other writers give up after this many tries. */
    private static final int INCREMENT_TRIES = 100;
    /**
     * An increment that lost its compare-and-set waits a random while before it tries again, up to twice as long
     * each time and at most this long: callers that retried in step would keep colliding.
     */
    private static final long LONGEST_INCREMENT_PAUSE_MICROS = 10_000;

    private Generic() {
    }

    static String leaseKey(String key) {
        return Store.LEASE_PREFIX + key;
    }

    static String tagKey(String tag) {
        return Store.TAG_PREFIX + tag;
    }

    private static long newToken() {
        return ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    }

    static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<T> values = new ArrayList<>(futures.size());
            futures.forEach(future -> values.add(future.join()));
            return values;
        });
    }

    /** {@code found} as a reader sees it: null for a lease placeholder or a value with a stale tag stamp. */
    static CompletableFuture<Versioned> visible(Store store, Versioned found) {
        if (found == null || LeasedRead.isPlaceholder(found.value())) {
            return completedFuture(null);
        }
        return stampsCurrent(store, found.value()).thenApply(current -> current ? found : null);
    }

    /** {@code stored} as a reader sees it: see {@link #visible(Store, Versioned)}. */
    static CompletableFuture<byte[]> visible(Store store, byte[] stored) {
        if (stored == null || LeasedRead.isPlaceholder(stored)) {
            return completedFuture(null);
        }
        return stampsCurrent(store, stored).thenApply(current -> current ? stored : null);
    }

    /** Whether every tag stamp on {@code stored} is its tag's current version; one read of the tag keys. */
    private static CompletableFuture<Boolean> stampsCurrent(Store store, byte[] stored) {
        Map<String, String> stamps = Envelope.stampsOf(stored);
        if (stamps.isEmpty()) {
            return completedFuture(true);
        }
        List<String> tags = new ArrayList<>(stamps.keySet());
        return store.getMany(tags.stream().map(Generic::tagKey).toList()).thenApply(versions -> {
            Map<String, String> current = new HashMap<>();
            for (int i = 0; i < tags.size(); i++) {
                byte[] version = versions.get(i);
                if (version != null) {
                    current.put(tags.get(i), new String(version, StandardCharsets.US_ASCII));
                }
            }
            return Envelope.stampsCurrent(stored, current::get);
        });
    }

    static CompletableFuture<Long> increment(Store store, String key, long delta) {
        return increment(store, key, delta, INCREMENT_TRIES);
    }

    private static CompletableFuture<Long> increment(Store store, String key, long delta, int tries) {
        return store.getVersioned(key).thenCompose(found -> {
            if (found == null || LeasedRead.isPlaceholder(found.value())) {
                throw new NoSuchElementException("key '" + key + "' is not in the cache");
            }
            long next;
            try {
                next = Math.addExact(Long.parseLong(new String(found.value(), StandardCharsets.US_ASCII)), delta);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("value at key '" + key + "' is not an integer");
            } catch (ArithmeticException e) {
                throw new IllegalStateException("incrementing key '" + key + "' by " + delta + " would overflow");
            }
            byte[] bytes = Long.toString(next).getBytes(StandardCharsets.US_ASCII);
            return store.compareAndSet(key, found.cas(), bytes, found.ttlMillis()).thenCompose(stored -> {
                if (stored) {
                    return completedFuture(next);
                }
                if (tries <= 1) {
                    throw new CacheBackendException("key '" + key + "' kept changing under " + store.name() + "; the increment was not applied", null);
                }
                int lost = INCREMENT_TRIES - tries;
                long pause = ThreadLocalRandom.current().nextLong(1 + Math.min(LONGEST_INCREMENT_PAUSE_MICROS, 50L << Math.min(lost, 20)));
                Executor later = CompletableFuture.delayedExecutor(pause, TimeUnit.MICROSECONDS);
                return CompletableFuture.supplyAsync(() -> key, later).thenCompose(again -> increment(store, key, delta, tries - 1));
            });
        });
    }

    /**
     * Absent: {@code add} a placeholder holding a new token. A placeholder: held. A value whose stamps are stale:
     * the placeholder replaces it by compare-and-set. A current value: a hit.
     */
    static CompletableFuture<LeasedRead> getOrLease(Store store, String key, long leaseMillis) {
        return store.getVersioned(key).thenCompose(found -> {
            if (found == null) {
                long token = newToken();
                return store.add(key, LeasedRead.placeholder(token), leaseMillis)
                        .thenApply(added -> added ? LeasedRead.granted(token) : LeasedRead.heldByAnother());
            }
            if (LeasedRead.isPlaceholder(found.value())) {
                return completedFuture(LeasedRead.heldByAnother());
            }
            return stampsCurrent(store, found.value()).thenCompose(current -> {
                if (current) {
                    return completedFuture(LeasedRead.hit(found.value()));
                }
                long token = newToken();
                return store.compareAndSet(key, found.cas(), LeasedRead.placeholder(token), leaseMillis)
                        .thenApply(replaced -> replaced ? LeasedRead.granted(token) : LeasedRead.heldByAnother());
            });
        });
    }

    /** The refresh lease: a key of its own, taken with {@code add}. */
    static CompletableFuture<LeasedRead> lease(Store store, String key, long leaseMillis) {
        long token = newToken();
        return store.add(leaseKey(key), LeasedRead.placeholder(token), leaseMillis)
                .thenApply(added -> added ? LeasedRead.granted(token) : LeasedRead.heldByAnother());
    }

    /**
     * A miss's lease is the placeholder in the key: it holds while the key still holds it, and the value
     * replaces it by compare-and-set. A refresh's lease is its own key: it must still hold the token, and the
     * key must hold what the holder saw, when the value replaces it by compare-and-set; the lease key goes
     * either way.
     */
    static CompletableFuture<Boolean> setIfLeased(Store store, String key, byte[] value, long ttlMillis, long token, byte[] replacing) {
        return store.getVersioned(key).thenCompose(found -> {
            if (found != null && LeasedRead.isPlaceholder(found.value(), token)) {
                return store.compareAndSet(key, found.cas(), value, ttlMillis);
            }
            if (found == null || LeasedRead.isPlaceholder(found.value())) {
                // The placeholder went (a write or delete voided the lease), or another caller's took its place.
                return releaseRefreshLease(store, key, token).thenApply(released -> false);
            }
            return store.getVersioned(leaseKey(key)).thenCompose(lease -> {
                if (lease == null || !LeasedRead.isPlaceholder(lease.value(), token)) {
                    return completedFuture(false);
                }
                CompletableFuture<Boolean> replaceable = replacing != null
                        && Arrays.equals(Envelope.bodyOf(found.value()), Envelope.bodyOf(replacing))
                        ? completedFuture(true)
                        : stampsCurrent(store, found.value()).thenApply(current -> !current);
                return replaceable.thenCompose(replace -> replace
                                ? store.compareAndSet(key, found.cas(), value, ttlMillis)
                                : completedFuture(false))
                        .thenCompose(stored -> store.compareAndSet(leaseKey(key), lease.cas(), null, Store.FOREVER)
                                .thenApply(released -> stored));
            });
        });
    }

    /** Ends whichever lease the token holds: the placeholder in the key, or the refresh lease beside it. */
    static CompletableFuture<Boolean> releaseLease(Store store, String key, long token) {
        return store.getVersioned(key).thenCompose(found -> found != null && LeasedRead.isPlaceholder(found.value(), token)
                ? store.compareAndSet(key, found.cas(), null, Store.FOREVER)
                : releaseRefreshLease(store, key, token));
    }

    private static CompletableFuture<Boolean> releaseRefreshLease(Store store, String key, long token) {
        return store.getVersioned(leaseKey(key)).thenCompose(lease -> lease != null && LeasedRead.isPlaceholder(lease.value(), token)
                ? store.compareAndSet(leaseKey(key), lease.cas(), null, Store.FOREVER)
                : completedFuture(false));
    }

    /**
     * Each tag's version: the one in its key, lengthened to twice the TTL needed when it would lapse sooner,
     * or a new one put there with {@code add} (a caller that loses that race reads the winner's).
     */
    static CompletableFuture<Map<String, String>> tagVersions(Store store, Collection<String> tags, long ttlMillis) {
        List<String> names = List.copyOf(new LinkedHashSet<>(tags));
        List<CompletableFuture<String>> versions = new ArrayList<>(names.size());
        for (String name : names) {
            versions.add(tagVersion(store, tagKey(name), ttlMillis, 3));
        }
        return all(versions).thenApply(found -> {
            Map<String, String> byName = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                byName.put(names.get(i), found.get(i));
            }
            return byName;
        });
    }

    private static CompletableFuture<String> tagVersion(Store store, String tagKey, long ttlMillis, int tries) {
        long kept = ttlMillis == Store.FOREVER ? Store.FOREVER : 2 * ttlMillis;
        return store.getVersioned(tagKey).thenCompose(found -> {
            if (found != null) {
                String version = new String(found.value(), StandardCharsets.US_ASCII);
                boolean tooShort = found.ttlMillis() != Store.FOREVER && (ttlMillis == Store.FOREVER || found.ttlMillis() < ttlMillis);
                return tooShort ? store.expire(tagKey, kept).thenApply(done -> version) : completedFuture(version);
            }
            String fresh = Long.toString(newToken());
            return store.add(tagKey, fresh.getBytes(StandardCharsets.US_ASCII), kept).thenCompose(added -> {
                if (added) {
                    return completedFuture(fresh);
                }
                if (tries <= 1) {
                    throw new CacheBackendException("tag key '" + tagKey + "' kept changing under " + store.name() + "; no version could be read", null);
                }
                return tagVersion(store, tagKey, ttlMillis, tries - 1);
            });
        });
    }
}
