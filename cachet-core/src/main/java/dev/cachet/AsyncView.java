package dev.cachet;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.CompletableFuture.failedFuture;

import dev.cachet.store.Envelope;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/** The cache at one version, non-blocking; every operation's logic lives here. */
final class AsyncView implements AsyncCache {
    /** Polls for a lease holder's value start this soon and back off to this interval. */
    private static final long FIRST_POLL_MILLIS = 2;
    private static final long LONGEST_POLL_MILLIS = 50;

    final CacheCore core;
    final int version;
    private final Keys.AtVersion keys;

    AsyncView(CacheCore core, int version) {
        this.core = core;
        this.version = version;
        this.keys = core.keys.at(version);
    }

    String key(String key) {
        return keys.make(key);
    }

    @Override
    public Cache sync() {
        return new SyncCache(this);
    }

    @Override
    public <T> CompletableFuture<T> get(String key, TypeRef<T> type) {
        return call(() -> {
            String stored = key(key);
            return core.store.get(stored).thenApply(bytes -> core.decode(stored, bytes, type));
        });
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Ttl ttl) {
        return call(() -> store(key, value, ttl));
    }

    /** The body of {@link #set}: caller errors are thrown, not returned in the future. */
    CompletableFuture<Boolean> store(String key, Object value, Ttl ttl) {
        String stored = key(key);
        long ttlMillis = core.ttlMillis(ttl);
        byte[] encoded = core.format.encode(key, value);
        core.sets.increment();
        if (ttlMillis == 0) {
            return softly(core.strictStore.delete(stored).thenApply(existed -> true), false);
        }
        return core.store.set(stored, encoded, ttlMillis);
    }

    @Override
    public CompletableFuture<Boolean> set(String key, Object value, Ttl ttl, Collection<String> tags) {
        return call(() -> {
            List<String> names = List.copyOf(new LinkedHashSet<>(tags));
            names.forEach(Envelope::checkTagName);
            if (names.isEmpty()) {
                return store(key, value, ttl);
            }
            long ttlMillis = core.ttlMillis(ttl);
            if (ttlMillis == 0) {
                return store(key, value, ttl);
            }
            String stored = key(key);
            byte[] body = core.format.encode(key, value);
            core.sets.increment();
            return core.store.tagVersions(names, ttlMillis).thenCompose(versions -> versions == null
                    ? completedFuture(false)
                    : core.store.set(stored, new Envelope(0, 0, versions, body).toBytes(), ttlMillis));
        });
    }

    @Override
    public CompletableFuture<Boolean> invalidateTags(Collection<String> tags) {
        return call(() -> {
            List<String> names = List.copyOf(new LinkedHashSet<>(tags));
            names.forEach(Envelope::checkTagName);
            return softly(core.strictStore.invalidateTags(names).thenApply(count -> true), false);
        });
    }

    @Override
    public CompletableFuture<Boolean> add(String key, Object value, Ttl ttl) {
        return call(() -> {
            String stored = key(key);
            long ttlMillis = core.ttlMillis(ttl);
            byte[] encoded = core.format.encode(key, value);
            if (ttlMillis == 0) {
                return completedFuture(false);
            }
            core.sets.increment();
            return core.store.add(stored, encoded, ttlMillis);
        });
    }

    @Override
    public <T> CompletableFuture<Map<String, T>> getMany(Collection<String> keys, TypeRef<T> type) {
        return call(() -> {
            Map<String, String> storedByKey = new LinkedHashMap<>();
            for (String key : keys) {
                storedByKey.computeIfAbsent(key, this::key);
            }
            if (storedByKey.isEmpty()) {
                return completedFuture(new LinkedHashMap<>());
            }
            List<String> stored = new ArrayList<>(storedByKey.values());
            return core.store.getMany(stored).thenApply(values -> {
                Map<String, T> found = new LinkedHashMap<>();
                int i = 0;
                for (Map.Entry<String, String> entry : storedByKey.entrySet()) {
                    T value = core.decode(entry.getValue(), values.get(i++), type);
                    if (value != null) {
                        found.put(entry.getKey(), value);
                    }
                }
                return found;
            });
        });
    }

    @Override
    public CompletableFuture<Set<String>> setMany(Map<String, ?> values, Ttl ttl) {
        return call(() -> {
            long ttlMillis = core.ttlMillis(ttl);
            Map<String, byte[]> encoded = new LinkedHashMap<>();
            Map<String, String> keyByStored = new HashMap<>();
            for (Map.Entry<String, ?> entry : values.entrySet()) {
                String stored = key(entry.getKey());
                encoded.put(stored, core.format.encode(entry.getKey(), entry.getValue()));
                keyByStored.put(stored, entry.getKey());
            }
            if (encoded.isEmpty()) {
                return completedFuture(Set.of());
            }
            core.sets.add(encoded.size());
            if (ttlMillis == 0) {
                return softly(core.strictStore.deleteMany(encoded.keySet()).thenApply(n -> Set.of()),
                        Set.copyOf(values.keySet()));
            }
            return core.store.setMany(encoded, ttlMillis).thenApply(failed -> {
                Set<String> failedKeys = new HashSet<>();
                failed.forEach(stored -> failedKeys.add(keyByStored.get(stored)));
                return failedKeys;
            });
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return call(() -> {
            String stored = key(key);
            core.deletes.increment();
            return core.store.delete(stored);
        });
    }

    @Override
    public CompletableFuture<Long> deleteMany(Collection<String> keys) {
        return call(() -> {
            Set<String> stored = new LinkedHashSet<>();
            for (String key : keys) {
                stored.add(key(key));
            }
            if (stored.isEmpty()) {
                return completedFuture(0L);
            }
            core.deletes.add(stored.size());
            return core.store.deleteMany(stored);
        });
    }

    @Override
    public CompletableFuture<OptionalLong> incr(String key, long delta) {
        return call(() -> softly(core.strictStore.increment(key(key), delta).thenApply(OptionalLong::of),
                OptionalLong.empty()));
    }

    @Override
    public CompletableFuture<Boolean> touch(String key, Ttl ttl) {
        return call(() -> {
            String stored = key(key);
            long ttlMillis = core.ttlMillis(ttl);
            return ttlMillis == 0 ? core.store.delete(stored) : core.store.expire(stored, ttlMillis);
        });
    }

    @Override
    public CompletableFuture<Boolean> contains(String key) {
        return call(() -> {
            String stored = key(key);
            return core.store.get(stored).thenApply(bytes -> bytes != null && core.fresh(bytes));
        });
    }

    @Override
    public CompletableFuture<Long> clear() {
        return core.store.clear(core.keys.clearPrefix());
    }

    @Override
    public CompletableFuture<Long> deleteByPattern(String pattern) {
        return call(() -> matching(pattern, false));
    }

    @Override
    public CompletableFuture<Long> countByPattern(String pattern) {
        return call(() -> matching(pattern, true));
    }

    CompletableFuture<Long> matching(String pattern, boolean dryRun) {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new IllegalArgumentException("pattern must not be empty; use clear() to delete everything");
        }
        Keys.checkNoControlCharacters("pattern", pattern);
        return core.store.deleteMatching(Store.escapeGlob(keys.versionPrefix()) + pattern, key -> true, dryRun);
    }

    @Override
    public CompletableFuture<Long> purgeOldVersions() {
        return call(() -> oldVersions(false));
    }

    @Override
    public CompletableFuture<Long> countOldVersions() {
        return call(() -> oldVersions(true));
    }

    CompletableFuture<Long> oldVersions(boolean dryRun) {
        String current = keys.versionPrefix();
        String prefix = core.keys.clearPrefix();
        return core.store.deleteMatching(Store.escapeGlob(prefix) + "*", key -> !key.startsWith(current), dryRun);
    }

    @Override
    public <T> CompletableFuture<T> getOrCompute(
            String key, TypeRef<T> type, Ttl ttl, Supplier<? extends CompletionStage<? extends T>> loader) {
        Objects.requireNonNull(ttl, "ttl");
        return getOrCompute(key, type, ComputeOptions.ttl(ttl), loader);
    }

    @Override
    public <T> CompletableFuture<T> getOrCompute(
            String key, TypeRef<T> type, ComputeOptions options, Supplier<? extends CompletionStage<? extends T>> loader) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(loader, "loader");
        return call(() -> {
            CacheCore.Policy policy = core.policy(options);
            String stored = key(key);
            return core.store.get(stored).thenCompose(bytes -> {
                Computation<T> computation = new Computation<>(key, stored, type, policy, loader);
                CacheCore.Found<T> found = core.found(stored, bytes, type);
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
            });
        });
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
            CompletableFuture<Object> running = core.loading.putIfAbsent(stored, mine);
            if (running != null) {
                return whenRunning.apply(running.thenApply(AsyncView::<T>cast));
            }
            mine.whenComplete((v, e) -> core.loading.remove(stored, mine));
            call(work).whenComplete((value, error) -> {
                if (error != null) {
                    mine.completeExceptionally(Store.unwrap(error));
                } else {
                    mine.complete(value);
                }
            });
            return mine.thenApply(AsyncView::<T>cast);
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
                if (core.loading.containsKey(stored)) {
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
            return AsyncView.this.load(loader);
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

    @Override
    public CompletableFuture<OptionalInt> incrVersion(String key, int delta) {
        return call(() -> {
            if (delta == 0) {
                throw new IllegalArgumentException("version delta must not be zero");
            }
            String from = key(key);
            int target = Math.addExact(version, delta);
            String to = core.keys.at(target).make(key);
            CompletableFuture<OptionalInt> moved = core.strictStore.getEntry(from).thenCompose(entry -> {
                if (entry == null) {
                    throw new NoSuchElementException("key '" + Keys.show(key) + "' is not in the cache at version " + version);
                }
                return core.strictStore.set(to, entry.value(), entry.ttlMillis())
                        .thenCompose(stored -> core.strictStore.delete(from))
                        .thenApply(deleted -> OptionalInt.of(target));
            });
            return softly(moved, OptionalInt.empty());
        });
    }

    /** Runs an operation, turning a caller error thrown before any I/O into a failed future. */
    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            return failedFuture(e);
        }
    }

    /** In fail-soft mode, a backend failure of a strict-store call becomes {@code fallback}. */
    private <T> CompletableFuture<T> softly(CompletableFuture<T> call, T fallback) {
        if (!core.store.failSoft()) {
            return call;
        }
        return call.exceptionallyCompose(error -> {
            Throwable cause = Store.unwrap(error);
            return cause instanceof CacheBackendException ? completedFuture(fallback) : failedFuture(cause);
        });
    }


    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }
}
