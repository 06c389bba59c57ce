package dev.cachet.resilience;

import dev.cachet.CacheBackendException;
import dev.cachet.Ticker;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
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
    private final CircuitBreaker breaker;
    private final ErrorLog errors;
    private final Ticker ticker;

    private GuardedStore(
            Store delegate, boolean failSoft, boolean retryReads, CircuitBreaker breaker, ErrorLog errors, Ticker ticker) {
        this.delegate = delegate;
        this.failSoft = failSoft;
        this.retryReads = retryReads;
        this.breaker = breaker;
        this.errors = errors;
        this.ticker = ticker;
    }

    /** Guards {@code delegate} with {@code options}. */
    public static GuardedStore wrap(Store delegate, ResilienceOptions options) {
        if (delegate instanceof GuardedStore) {
            throw new IllegalArgumentException("store " + delegate.name() + " is already guarded");
        }
        Objects.requireNonNull(delegate, "delegate");
        return new GuardedStore(delegate, options.failSoft(), options.retryReads(),
                new CircuitBreaker(delegate.name(), options), new ErrorLog(delegate.name(), options), options.ticker());
    }

    /**
     * A view of this store that shares its breaker and error counts but passes backend failures on, for
     * operations whose result has no neutral value (an increment, a version move).
     */
    public GuardedStore strict() {
        return failSoft ? new GuardedStore(delegate, false, retryReads, breaker, errors, ticker) : this;
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

    @Override
    public String name() {
        return delegate.name();
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
        return guard("INVALIDATE_TAGS", describe(tags), false, () -> delegate.invalidateTags(tags), () -> 0L);
    }

    @Override
    public CompletableFuture<Boolean> releaseLease(String key, long token) {
        return guard("RELEASE", key, false, () -> delegate.releaseLease(key, token), () -> false);
    }

    @Override
    public CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis) {
        return guard("SET", key, false, () -> delegate.set(key, value, ttlMillis), () -> false);
    }

    @Override
    public CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis) {
        return guard("ADD", key, false, () -> delegate.add(key, value, ttlMillis), () -> false);
    }

    @Override
    public CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis) {
        return guard("SET_MANY", describe(entries.keySet()), false, () -> delegate.setMany(entries, ttlMillis),
                () -> Set.copyOf(entries.keySet()));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return guard("DELETE", key, false, () -> delegate.delete(key), () -> false);
    }

    @Override
    public CompletableFuture<Boolean> deleteIfSame(String key, byte[] expected) {
        return guard("DELETE", key, false, () -> delegate.deleteIfSame(key, expected), () -> false);
    }

    @Override
    public CompletableFuture<Long> deleteMany(Collection<String> keys) {
        return guard("DELETE_MANY", describe(keys), false, () -> delegate.deleteMany(keys), () -> 0L);
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
    public void close() {
        delegate.close();
    }

    /**
     * Calls the backend through the breaker. Kept small so that it is inlined into each operation: the
     * call is then monomorphic and the in-process path costs no more than the store it guards.
     */
    private <T> CompletableFuture<T> guard(
            String operation, String key, boolean read, Supplier<CompletableFuture<T>> call, Supplier<T> fallback) {
        if (!breaker.tryAcquire()) {
            return fail(operation, key, new CacheBackendException.CircuitOpen(delegate.name()), fallback);
        }
        CompletableFuture<T> first = attempt(call);
        if (first.isDone() && !first.isCompletedExceptionally()) {
            breaker.onSuccess();
            return first;
        }
        // Stores return at once and answer later, so the clock read here is when the call went out.
        return recover(operation, key, read, ticker.read(), first, call, fallback);
    }

    private <T> CompletableFuture<T> recover(String operation, String key, boolean read, long started,
            CompletableFuture<T> first, Supplier<CompletableFuture<T>> call, Supplier<T> fallback) {
        return first.handle((value, error) -> {
            if (error == null) {
                breaker.onSuccess();
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = Store.unwrap(error);
            if (read && retryReads && ticker.read() - started <= RETRY_WINDOW_NANOS
                    && cause instanceof CacheBackendException backend
                    && !backend.isTimeout() && !(backend instanceof CacheBackendException.Refused)) {
                return attempt(call).handle((retried, again) -> settle(operation, key, retried, again, fallback))
                        .thenCompose(Function.identity());
            }
            return settle(operation, key, value, error, fallback);
        }).thenCompose(Function.identity());
    }

    private <T> CompletableFuture<T> settle(String operation, String key, T value, Throwable error, Supplier<T> fallback) {
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
        return fail(operation, key, backend, fallback);
    }

    private <T> CompletableFuture<T> fail(String operation, String key, CacheBackendException error, Supplier<T> fallback) {
        errors.record(operation, key, error);
        return failSoft ? CompletableFuture.completedFuture(fallback.get()) : CompletableFuture.failedFuture(error);
    }

    private static <T> CompletableFuture<T> attempt(Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }


    private static String describe(Collection<String> keys) {
        return keys.isEmpty() ? "" : keys.iterator().next() + (keys.size() > 1 ? " and " + (keys.size() - 1) + " more" : "");
    }
}
