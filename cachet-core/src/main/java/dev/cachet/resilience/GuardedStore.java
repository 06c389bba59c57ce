package dev.cachet.resilience;

import dev.cachet.CacheBackendException;
import dev.cachet.Ticker;
import dev.cachet.store.HeldValue;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import dev.cachet.store.Versioned;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one place where backend failures are handled: a store decorator with a {@link CircuitBreaker},
 * one retry for reads that failed fast without timing out, rate-limited logging and per-cause counts, and
 * fail-soft fallbacks.
 *
 * <p>Only {@link CacheBackendException} counts as a backend failure. In fail-soft mode it turns into the
 * operation's neutral result: null for reads (a miss), {@link LeasedRead#unavailable()} for leased reads and
 * leases, false for writes, every key for {@code setMany}, zero for deletes, {@code deleteMatching} and
 * {@code invalidateTags}, and null for {@code increment} and {@code tagVersions}. In strict mode it is passed on. Any
 * other exception is a caller error and is passed on in both modes; it does not count against the breaker.
 * Writes are never retried.
 *
 * <p>A {@code set}, {@code setMany}, {@code delete}, {@code deleteMany} or {@code invalidateTags} that failed
 * may have left the backend's old value in place, which every instance would read again once the backend
 * answers. The guard remembers those keys and tags (up to {@link ResilienceOptions#maxPendingInvalidations()};
 * {@code PendingInvalidations} keeps and replays them) and invalidates them with the next read from the
 * backend (sent ahead of it, so that the read costs one deadline, not two), and in the background every
 * {@link ResilienceOptions#openDuration()} until that succeeds, so that an instance without traffic replays
 * too. Until then every read is answered as if the backend were down; writes go ahead, because one that lands
 * before the replay is only taken out by it. Invalidations still pending when the store
 * is closed, or when the process ends, are lost: their values stay until they expire.
 *
 * <p>Wrap a store once and share the wrapper between caches to give them one breaker. Thread-safe.
 */
public final class GuardedStore implements Store {
    /**
     * A read is retried only when its first attempt failed this quickly (a reset connection, a reconnect in
     * progress), so that the retry costs at most one more deadline on top of a few milliseconds.
     */
    private static final long RETRY_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Store delegate;
    private final boolean failSoft;
    private final boolean retryReads;
    private final Shared shared;
    private final CircuitBreaker breaker;
    private final ErrorLog errors;
    private final Ticker ticker;
    private final PendingInvalidations pending;

    /** What a store and its {@link #strict()} view share. */
    private static final class Shared {
        final CircuitBreaker breaker;
        final ErrorLog errors;
        final Ticker ticker;
        final PendingInvalidations pending;

        Shared(Store backend, ResilienceOptions options, CircuitBreaker breaker) {
            this.breaker = breaker;
            this.errors = new ErrorLog(backend.name(), options);
            this.ticker = options.ticker();
            this.pending = new PendingInvalidations(backend, breaker, errors, options);
        }
    }

    /** Keys and tags an operation was to invalidate: remembered when it fails. */
    private record Invalidates(Collection<String> keys, Collection<String> tags) {}

    private GuardedStore(Store delegate, boolean failSoft, boolean retryReads, Shared shared) {
        this.delegate = delegate;
        this.failSoft = failSoft;
        this.retryReads = retryReads;
        this.shared = shared;
        this.breaker = shared.breaker;
        this.errors = shared.errors;
        this.ticker = shared.ticker;
        this.pending = shared.pending;
    }

    /** Guards {@code delegate} with {@code options}. */
    public static GuardedStore wrap(Store delegate, ResilienceOptions options) {
        Objects.requireNonNull(delegate, "delegate");
        return wrap(delegate, options, new CircuitBreaker(delegate.name(), options));
    }

    /**
     * Guards {@code delegate} with {@code options} and {@code breaker}, which other stores on the same backend
     * share: caches that each have a store of their own on one Redis (a tiered store per cache) then stop
     * calling it together after a few failures between them, instead of each paying its own few timeouts.
     */
    public static GuardedStore wrap(Store delegate, ResilienceOptions options, CircuitBreaker breaker) {
        if (delegate instanceof GuardedStore) {
            throw new IllegalArgumentException("store " + delegate.name() + " is already guarded");
        }
        Objects.requireNonNull(delegate, "delegate");
        Objects.requireNonNull(breaker, "breaker");
        return new GuardedStore(delegate, options.failSoft(), options.retryReads(), new Shared(delegate, options, breaker));
    }

    /**
     * A view of this store that shares its breaker, error counts and pending invalidations but passes backend
     * failures on, for operations whose result has no neutral value (an increment, a version move).
     */
    public GuardedStore strict() {
        return failSoft ? new GuardedStore(delegate, false, retryReads, shared) : this;
    }

    /** The store this one guards. */
    public Store delegate() {
        return delegate;
    }

    /** Whether backend failures become misses and {@code false} rather than exceptions. */
    public boolean failSoft() {
        return failSoft;
    }

    /** The breaker's current state. */
    public CircuitBreaker.State breakerState() {
        return breaker.state();
    }

    /** Backend failures so far, by cause (the failing exception's class, e.g. {@code CircuitOpen}). */
    public Map<String, Long> errorsByCause() {
        return errors.counts();
    }

    /** Keys and tags whose invalidation failed and is still to be replayed. */
    public int pendingInvalidations() {
        return pending.size();
    }

    /**
     * Keys and tags whose invalidation failed when {@link ResilienceOptions#maxPendingInvalidations()} were
     * already pending, so that it will not be replayed: their old values stay until they expire.
     */
    public long droppedInvalidations() {
        return pending.dropped();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    /** Passed on while no invalidation waits to be replayed: a held value could be one it should take out. */
    @Override
    public HeldValue held(String key) {
        return pending.isEmpty() ? delegate.held(key) : null;
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        return guard("GET", key, true, () -> delegate.get(key), () -> null);
    }

    @Override
    public CompletableFuture<StoredEntry> getEntry(String key) {
        return guard("GET", key, true, () -> delegate.getEntry(key), () -> null);
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String key) {
        return guard("GET", key, true, () -> delegate.getVersioned(key), () -> null);
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, long cas, byte[] value, long ttlMillis) {
        return guard("COMPARE_AND_SET", key, false, () -> delegate.compareAndSet(key, cas, value, ttlMillis), () -> false,
                new Invalidates(List.of(key), List.of()));
    }

    @Override
    public CompletableFuture<List<byte[]>> getMany(List<String> keys) {
        return guard("GET_MANY", describe(keys), true, () -> delegate.getMany(keys),
                () -> new ArrayList<>(Collections.nCopies(keys.size(), null)));
    }

    @Override
    public CompletableFuture<LeasedRead> getOrLease(String key, long leaseMillis) {
        return guard("GET", key, true, () -> delegate.getOrLease(key, leaseMillis), LeasedRead::unavailable);
    }

    @Override
    public CompletableFuture<LeasedRead> lease(String key, long leaseMillis) {
        return guard("LEASE", key, false, () -> delegate.lease(key, leaseMillis), LeasedRead::unavailable);
    }

    @Override
    public CompletableFuture<Boolean> setIfLeased(String key, byte[] value, long ttlMillis, long token, byte[] replacing) {
        return guard("SET", key, false, () -> delegate.setIfLeased(key, value, ttlMillis, token, replacing), () -> false);
    }

    /** Retried like a read: asking again for a version that the first attempt created finds it there. */
    @Override
    public CompletableFuture<Map<String, String>> tagVersions(Collection<String> tags, long ttlMillis) {
        return guard("TAG_VERSIONS", describe(tags), true, () -> delegate.tagVersions(tags, ttlMillis), () -> null);
    }

    @Override
    public CompletableFuture<Long> invalidateTags(Collection<String> tags) {
        return guard("INVALIDATE_TAGS", describe(tags), false, () -> delegate.invalidateTags(tags), () -> 0L,
                new Invalidates(List.of(), tags));
    }

    @Override
    public CompletableFuture<Boolean> releaseLease(String key, long token) {
        return guard("RELEASE", key, false, () -> delegate.releaseLease(key, token), () -> false);
    }

    @Override
    public CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis) {
        return guard("SET", key, false, () -> delegate.set(key, value, ttlMillis), () -> false,
                new Invalidates(List.of(key), List.of()));
    }

    @Override
    public CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis) {
        return guard("ADD", key, false, () -> delegate.add(key, value, ttlMillis), () -> false);
    }

    @Override
    public CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis) {
        return guard("SET_MANY", describe(entries.keySet()), false, () -> delegate.setMany(entries, ttlMillis),
                () -> Set.copyOf(entries.keySet()), new Invalidates(entries.keySet(), List.of()));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return guard("DELETE", key, false, () -> delegate.delete(key), () -> false, new Invalidates(List.of(key), List.of()));
    }

    @Override
    public CompletableFuture<Boolean> deleteIfSame(String key, byte[] expected) {
        return guard("DELETE", key, false, () -> delegate.deleteIfSame(key, expected), () -> false);
    }

    @Override
    public CompletableFuture<Long> deleteMany(Collection<String> keys) {
        return guard("DELETE_MANY", describe(keys), false, () -> delegate.deleteMany(keys), () -> 0L,
                new Invalidates(keys, List.of()));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        return guard("INCREMENT", key, false, () -> delegate.increment(key, delta), () -> null);
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        return guard("EXPIRE", key, false, () -> delegate.expire(key, ttlMillis), () -> false);
    }

    @Override
    public CompletableFuture<Boolean> contains(String key) {
        return guard("CONTAINS", key, true, () -> delegate.contains(key), () -> false);
    }

    @Override
    public CompletableFuture<Long> deleteMatching(String pattern, Predicate<String> filter, boolean dryRun) {
        return guard(dryRun ? "COUNT_MATCHING" : "DELETE_MATCHING", pattern, false,
                () -> delegate.deleteMatching(pattern, filter, dryRun), () -> 0L);
    }

    @Override
    public CompletableFuture<Long> clear(String prefix) {
        return guard("CLEAR", prefix, false, () -> delegate.clear(prefix), () -> 0L);
    }

    /** Closes the backend; invalidations still pending are given up, and logged. */
    @Override
    public void close() {
        pending.close();
        delegate.close();
    }

    private <T> CompletableFuture<T> guard(
            String operation, String key, boolean read, Supplier<CompletableFuture<T>> call, Supplier<T> fallback) {
        return guard(operation, key, read, call, fallback, null);
    }

    /**
     * Calls the backend through the breaker. Kept small so that it is inlined into each operation: the
     * call is then monomorphic and the in-process path costs no more than the store it guards.
     */
    private <T> CompletableFuture<T> guard(String operation, String key, boolean read,
            Supplier<CompletableFuture<T>> call, Supplier<T> fallback, Invalidates invalidates) {
        if (!pending.isEmpty()) {
            if (read) {
                return withReplay(operation, key, call, fallback, false);
            }
            // A write need not wait: if it lands before the replay, the replay only takes it out again, a miss.
            pending.replay();
        }
        return call(operation, key, read, call, fallback, invalidates);
    }

    private <T> CompletableFuture<T> call(String operation, String key, boolean read,
            Supplier<CompletableFuture<T>> call, Supplier<T> fallback, Invalidates invalidates) {
        if (!breaker.tryAcquire()) {
            return fail(operation, key, new CacheBackendException.CircuitOpen(delegate.name()), fallback, invalidates);
        }
        CompletableFuture<T> first = attempt(call);
        if (first.isDone() && !first.isCompletedExceptionally()) {
            breaker.onSuccess();
            return first;
        }
        // Stores return at once and answer later, so the clock read here is when the call went out.
        return recover(operation, key, read, ticker.read(), first, call, fallback, invalidates);
    }

    /**
     * A read while invalidations are pending: it must not find a value that a committed write should have taken
     * out. The replay's deletes go out before the read, on the same connection for the same key, so the backend
     * applies them before it answers the read, and the two share one deadline rather than taking one each. The
     * read is trusted only if the replay succeeded; a replay refused at once (the breaker, a pause after a
     * refusal) sends no read at all. A write that failed meanwhile (it was under way during the replay) is
     * replayed once more before the read is answered, as the read may have found what it left.
     */
    private <T> CompletableFuture<T> withReplay(String operation, String key, Supplier<CompletableFuture<T>> call,
            Supplier<T> fallback, boolean again) {
        CompletableFuture<Void> replayed = pending.replay();
        if (replayed.isCompletedExceptionally()) {
            return fail(operation, key, (CacheBackendException) Store.unwrap(replayed.exceptionNow()), fallback, null);
        }
        CompletableFuture<T> read = call(operation, key, true, call, fallback, null);
        return replayed.handle((done, error) -> error).thenCompose(error -> {
            if (error != null) {
                return read.handle((ignored, readError) -> fail(operation, key, (CacheBackendException) Store.unwrap(error), fallback, null))
                        .thenCompose(Function.identity());
            }
            return read.thenCompose(value -> !again && !pending.isEmpty()
                    ? withReplay(operation, key, call, fallback, true)
                    : CompletableFuture.completedFuture(value));
        });
    }

    private <T> CompletableFuture<T> recover(String operation, String key, boolean read, long started, CompletableFuture<T> first,
            Supplier<CompletableFuture<T>> call, Supplier<T> fallback, Invalidates invalidates) {
        return first.handle((value, error) -> {
            if (error == null) {
                breaker.onSuccess();
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = Store.unwrap(error);
            if (read && retryReads && ticker.read() - started <= RETRY_WINDOW_NANOS
                    && cause instanceof CacheBackendException backend
                    && !backend.isTimeout() && !(backend instanceof CacheBackendException.Refused)) {
                return attempt(call).handle((retried, again) -> settle(operation, key, retried, again, fallback, invalidates))
                        .thenCompose(Function.identity());
            }
            return settle(operation, key, value, error, fallback, invalidates);
        }).thenCompose(Function.identity());
    }

    private <T> CompletableFuture<T> settle(
            String operation, String key, T value, Throwable error, Supplier<T> fallback, Invalidates invalidates) {
        if (error == null) {
            breaker.onSuccess();
            return CompletableFuture.completedFuture(value);
        }
        Throwable cause = Store.unwrap(error);
        if (!(cause instanceof CacheBackendException backend)) {
            breaker.onSuccess();
            return CompletableFuture.failedFuture(cause);
        }
        if (!(backend instanceof CacheBackendException.Refused)) {
            breaker.onFailure();
        }
        return fail(operation, key, backend, fallback, invalidates);
    }

    private <T> CompletableFuture<T> fail(
            String operation, String key, CacheBackendException error, Supplier<T> fallback, Invalidates invalidates) {
        errors.record(operation, key, error);
        if (invalidates != null) {
            pending.remember(invalidates.keys(), invalidates.tags());
        }
        return failSoft ? CompletableFuture.completedFuture(fallback.get()) : CompletableFuture.failedFuture(error);
    }

    static <T> CompletableFuture<T> attempt(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }


    static String describe(Collection<String> keys) {
        return keys.isEmpty() ? "" : keys.iterator().next() + (keys.size() > 1 ? " and " + (keys.size() - 1) + " more" : "");
    }
}
