package dev.cachet;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.CompletableFuture.failedFuture;

import dev.cachet.store.Envelope;
import dev.cachet.store.HeldValue;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The get-or-compute machine of one cache: a lease per key across instances, waiting for the holder's
 * value, stale-while-revalidate and stale-if-error windows, early refresh, and tag stamps read before the
 * loader runs. It sees the store only through {@link Store}'s lease and tag-version calls, so any store gets
 * all of it. Thread-safe.
 */
final class GetOrCompute {
    /** Polls for a lease holder's value start this soon and back off to this interval. */
    private static final long FIRST_POLL_MILLIS = 2;
    private static final long LONGEST_POLL_MILLIS = 50;

    private final CacheCore core;
    /** In-flight loads, by stored key: one loader per key per process. */
    private final ConcurrentHashMap<String, CompletableFuture<Object>> loading = new ConcurrentHashMap<>();

    GetOrCompute(CacheCore core) {
        this.core = core;
    }

    /**
     * The value at {@code stored} (the made key of {@code key}), loaded by {@code loader} and kept as
     * {@code policy} says when it is absent, stale, or due for an early refresh.
     */
    <T> CompletableFuture<T> run(String key, String stored, TypeRef<T> type, CacheCore.Policy policy,
            Supplier<? extends CompletionStage<? extends T>> loader) {
        HeldValue held = core.store.held(stored);
        if (held != null) {
            return decide(new Computation<>(key, stored, type, policy, loader), core.found(stored, held, type));
        }
        return core.store.get(stored).thenCompose(bytes ->
                decide(new Computation<>(key, stored, type, policy, loader), core.found(stored, bytes, type)));
    }

    /** What the first read found decides: a fresh hit is answered, anything else loads or refreshes. */
    private <T> CompletableFuture<T> decide(Computation<T> computation, CacheCore.Found<T> found) {
        CacheCore.Policy policy = computation.policy;
        if (found == null) {
            core.misses.increment();
            return computation.once(computation::miss, running -> running);
        }
        long now = core.now();
        if (found.freshAt(now)) {
            core.hits.increment();
            if (policy.refreshesEarly(found, now, ThreadLocalRandom.current().nextDouble())) {
                return computation.refresh(found, true, true);
            }
            return completedFuture(found.value());
        }
        long staleFor = now - found.freshUntil();
        boolean whileRevalidating = staleFor < policy.staleWhileRevalidateMillis();
        boolean ifError = staleFor < policy.staleIfErrorMillis();
        if (!whileRevalidating && !ifError) {
            // Past both windows (a writer's clock ahead of ours): a plain miss.
            core.misses.increment();
            return computation.once(computation::miss, running -> running);
        }
        // Counted once the outcome is known: the stale value served, or a miss.
        return computation.refresh(found, whileRevalidating, ifError).whenComplete((value, error) ->
                (error == null && value == found.value() ? core.staleHits : core.misses).increment());
    }

    /** One get-or-compute call past its first read: the miss and refresh paths. */
    private final class Computation<T> {
        private final String key;
        private final String stored;
        private final TypeRef<T> type;
        private final CacheCore.Policy policy;
        private final Supplier<? extends CompletionStage<? extends T>> loader;

        Computation(String key, String stored, TypeRef<T> type, CacheCore.Policy policy,
                Supplier<? extends CompletionStage<? extends T>> loader) {
            this.key = key;
            this.stored = stored;
            this.type = type;
            this.policy = policy;
            this.loader = loader;
        }

        /**
         * Runs {@code work} as this process's one load of the key; when one already runs, the caller gets
         * what {@code whenRunning} makes of it instead.
         */
        CompletableFuture<T> once(Supplier<CompletableFuture<T>> work, Function<CompletableFuture<T>, CompletableFuture<T>> whenRunning) {
            CompletableFuture<Object> mine = new CompletableFuture<>();
            CompletableFuture<Object> running = loading.putIfAbsent(stored, mine);
            if (running != null) {
                return whenRunning.apply(running.thenApply(GetOrCompute::<T>cast));
            }
            AsyncView.call(work).whenComplete((value, error) -> {
                // Out of the map before anyone hears the outcome: a caller that has it and asks again must start
                // afresh, not be handed this finished (perhaps failed) load.
                loading.remove(stored, mine);
                if (error != null) {
                    mine.completeExceptionally(Store.unwrap(error));
                } else {
                    mine.complete(value);
                }
            });
            return mine.thenApply(GetOrCompute::<T>cast);
        }

        /**
         * The miss path, once per key per process: take the key's lease (shared by every instance) and the
         * versions of the value's tags, load, and store only while the lease holds, so a value loaded before
         * a concurrent invalidation is never written after it. A caller that finds the lease held waits for
         * the holder's value up to {@link CacheOptions#leaseWait()}, then loads without storing.
         */
        CompletableFuture<T> miss() {
            CompletableFuture<Map<String, String>> stamps = stamps();
            return withStamps(core.store.getOrLease(stored, leaseMillis()), stamps).thenCompose(read -> {
                if (read.value() != null) {
                    CacheCore.Found<T> found = core.found(stored, read.value(), type);
                    if (found == null) {
                        return load();
                    }
                    if (found.freshAt(core.now())) {
                        return completedFuture(found.value());
                    }
                    // A value that another caller stored, already stale: refresh it here, under a lease.
                    return withStamps(core.store.lease(stored, leaseMillis()), stamps)
                            .thenCompose(lease -> loadUnder(lease, found.stored(), stamps));
                }
                return loadUnder(read, null, stamps);
            });
        }

        /**
         * The path of a value that is stale, or fresh but chosen for early refresh: one caller per key (across
         * instances, by lease) loads and stores the new value. When {@code serveWhileBusy}, the others return
         * the value they found at once; otherwise they wait for the refresh as on a miss. A failed load answers
         * the value found when {@code serveOnError}. The value found is only ever returned to the caller that
         * found it, never shared with other callers in the process, who may have read after an invalidation.
         */
        CompletableFuture<T> refresh(CacheCore.Found<T> found, boolean serveWhileBusy, boolean serveOnError) {
            CompletableFuture<T> refreshed;
            if (serveWhileBusy) {
                if (loading.containsKey(stored)) {
                    return completedFuture(found.value());
                }
                CompletableFuture<Map<String, String>> stamps = stamps();
                refreshed = withStamps(core.store.lease(stored, leaseMillis()), stamps).thenCompose(lease -> {
                    if (lease.held()) {
                        return completedFuture(found.value());
                    }
                    return once(() -> loadUnder(lease, found.stored(), stamps), running -> {
                        // Another caller here got there first: leave the refresh to it.
                        if (lease.granted()) {
                            core.store.releaseLease(stored, lease.token());
                        }
                        return completedFuture(found.value());
                    });
                });
            } else {
                refreshed = once(() -> {
                    CompletableFuture<Map<String, String>> stamps = stamps();
                    return withStamps(core.store.lease(stored, leaseMillis()), stamps)
                            .thenCompose(lease -> loadUnder(lease, found.stored(), stamps));
                }, running -> running);
            }
            if (!serveOnError) {
                return refreshed;
            }
            return refreshed.handle((value, error) -> error == null ? value : found.value());
        }

        /**
         * Loads as the lease allows: under a granted lease, and stores over {@code replacing} if the lease still
         * holds; with the lease held elsewhere, waits for the holder's value, then loads without storing; with
         * no answer from the store, loads without storing.
         */
        private CompletableFuture<T> loadUnder(LeasedRead lease, byte[] replacing, CompletableFuture<Map<String, String>> stamps) {
            if (lease.granted()) {
                return loadAndStore(lease.token(), replacing, stamps.join());
            }
            if (lease.held()) {
                core.leaseWaits.increment();
                return awaitHolder(FIRST_POLL_MILLIS, System.nanoTime() + core.options.leaseWait().toNanos())
                        .thenCompose(value -> value != null ? completedFuture(value) : load());
            }
            return load();
        }

        /** The current versions of the value's tags, read before it loads; null when the store could not say. */
        private CompletableFuture<Map<String, String>> stamps() {
            return policy.tags().isEmpty() ? completedFuture(Map.of()) : core.store.tagVersions(policy.tags(), policy.storedTtlMillis());
        }

        /**
         * The leased read once the tag versions are in too, so the loader runs only after both; when the
         * versions could not be read (strict mode), a lease granted meanwhile is released first.
         */
        private CompletableFuture<LeasedRead> withStamps(CompletableFuture<LeasedRead> leased, CompletableFuture<Map<String, String>> stamps) {
            return leased.thenCompose(read -> stamps.handle((versions, error) -> {
                if (error == null) {
                    return completedFuture(read);
                }
                CompletableFuture<Boolean> released = read.granted() ? core.store.releaseLease(stored, read.token()) : completedFuture(false);
                return released.<LeasedRead>thenCompose(done -> failedFuture(Store.unwrap(error)));
            }).thenCompose(Function.identity()));
        }

        private long leaseMillis() {
            return core.options.leaseTtl().toMillis();
        }

        /**
         * Loads under the lease {@code token} and stores the value if the lease still holds; releases the lease
         * at once when there is nothing to store, so the next caller loads without waiting for it to lapse.
         */
        private CompletableFuture<T> loadAndStore(long token, byte[] replacing, Map<String, String> stamps) {
            long started = core.options.resilience().ticker().read();
            return load().handle((value, error) -> {
                long loadMillis = TimeUnit.NANOSECONDS.toMillis(core.options.resilience().ticker().read() - started);
                if (error != null || value == null || policy.ttlMillis() == 0 || stamps == null || policy.valueTags() == null) {
                    return store(token, replacing, value, error, stamps, loadMillis);
                }
                CompletableFuture<Map<String, String>> all;
                try {
                    all = withValueTags(value, stamps);
                } catch (RuntimeException badTags) {
                    return store(token, replacing, value, badTags, null, loadMillis);
                }
                return all.handle((versions, failed) -> failed != null
                        ? store(token, replacing, value, Store.unwrap(failed), null, loadMillis)
                        : store(token, replacing, value, null, versions, loadMillis)).thenCompose(Function.identity());
            }).thenCompose(Function.identity());
        }

        /**
         * {@code stamps} and the versions of the loaded value's own tags, read now; null, as for {@code stamps},
         * when the store could not say.
         */
        private CompletableFuture<Map<String, String>> withValueTags(T value, Map<String, String> stamps) {
            Set<String> more = new LinkedHashSet<>();
            for (String tag : policy.valueTags().apply(value)) {
                Envelope.checkTagName(tag);
                if (!stamps.containsKey(tag)) {
                    more.add(tag);
                }
            }
            if (more.isEmpty()) {
                return completedFuture(stamps);
            }
            return core.store.tagVersions(more, policy.storedTtlMillis()).thenApply(versions -> {
                if (versions == null) {
                    return null;
                }
                Map<String, String> all = new HashMap<>(stamps);
                all.putAll(versions);
                return all;
            });
        }

        /**
         * Stores {@code value} with {@code stamps} if the lease {@code token} still holds, and answers it (or
         * {@code error}); releases the lease at once when there is nothing to store.
         */
        private CompletableFuture<T> store(long token, byte[] replacing, T value, Throwable error, Map<String, String> stamps,
                long loadMillis) {
            Throwable failure = error;
            byte[] encoded;
            try {
                encoded = failure != null || value == null || policy.ttlMillis() == 0 || stamps == null
                        ? null
                        : core.encode(key, value, policy, stamps, loadMillis);
            } catch (ValueTooLargeException tooLarge) {
                // The caller still gets what it loaded; the cache just cannot keep it.
                core.reportTooLarge(stored, tooLarge);
                encoded = null;
            } catch (RuntimeException e) {
                failure = e;
                encoded = null;
            }
            if (encoded == null) {
                Throwable released = failure;
                return core.store.releaseLease(stored, token).thenCompose(done -> released == null
                        ? completedFuture(value)
                        : CompletableFuture.<T>failedFuture(Store.unwrap(released)));
            }
            core.sets.increment();
            return core.store.setIfLeased(stored, encoded, policy.storedTtlMillis(), token, replacing).thenApply(ok -> value);
        }

        /** Polls, backing off, for a fresh value from the lease holder; null once the deadline passes. */
        private CompletableFuture<T> awaitHolder(long delayMillis, long deadline) {
            Executor later = CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> stored, later).thenCompose(core.store::get).thenCompose(bytes -> {
                CacheCore.Found<T> found = core.found(stored, bytes, type);
                if (found != null && found.freshAt(core.now())) {
                    return completedFuture(found.value());
                }
                if (System.nanoTime() - deadline >= 0) {
                    return completedFuture(null);
                }
                return awaitHolder(Math.min(delayMillis * 2, LONGEST_POLL_MILLIS), deadline);
            });
        }

        private CompletableFuture<T> load() {
            return GetOrCompute.this.load(loader);
        }
    }

    private <T> CompletableFuture<T> load(Supplier<? extends CompletionStage<? extends T>> loader) {
        core.loads.increment();
        long started = core.options.resilience().ticker().read();
        CompletableFuture<T> loaded;
        try {
            loaded = loader.get().<T>thenApply(v -> v).toCompletableFuture();
        } catch (RuntimeException | Error e) {
            loaded = failedFuture(e);
        }
        return loaded.whenComplete((value, error) -> {
            core.loadNanos.add(core.options.resilience().ticker().read() - started);
            if (error != null) {
                core.loadFailures.increment();
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
