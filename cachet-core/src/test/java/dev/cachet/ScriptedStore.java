package dev.cachet;

import dev.cachet.local.LocalStore;
import dev.cachet.store.HeldValue;
import dev.cachet.store.LeasedRead;
import dev.cachet.store.Store;
import dev.cachet.store.StoredEntry;
import dev.cachet.store.Versioned;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A local store that a test can make fail (the next {@code failures} calls, with {@code error}) or answer
 * late (the next call returns {@code nextReply}, which the test completes): backend behaviour on cue, for
 * the decorators' unit tests. Real outages are exercised against Redis by the Redis module's tests.
 */
public final class ScriptedStore implements Store {
    /** The store that answers when nothing is scripted. */
    public final Store delegate = LocalStore.create();
    /** How many of the next calls fail. */
    public final AtomicInteger failures = new AtomicInteger();
    /** Calls so far. */
    public final AtomicInteger calls = new AtomicInteger();
    /** What a failing call fails with. */
    public volatile Supplier<RuntimeException> error = () -> new CacheBackendException("connection reset", new IOException("reset"));

    /** Whether {@link #close()} was called. */
    public volatile boolean closed;

    /** When set, the next call returns this future, for replies that come later. */
    public final AtomicReference<CompletableFuture<Object>> nextReply = new AtomicReference<>();

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> maybeFail(Supplier<CompletableFuture<T>> call) {
        calls.incrementAndGet();
        CompletableFuture<Object> later = nextReply.getAndSet(null);
        if (later != null) {
            return (CompletableFuture<T>) (CompletableFuture<?>) later;
        }
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return CompletableFuture.failedFuture(error.get());
        }
        return call.get();
    }

    @Override
    public String name() {
        return "scripted";
    }

    /** Nothing in process: it stands for a backend whose every call is scripted to answer or fail. */
    @Override
    public HeldValue held(String key) {
        return null;
    }

    @Override
    public CompletableFuture<byte[]> get(String key) {
        return maybeFail(() -> delegate.get(key));
    }

    @Override
    public CompletableFuture<StoredEntry> getEntry(String key) {
        return maybeFail(() -> delegate.getEntry(key));
    }

    @Override
    public CompletableFuture<Versioned> getVersioned(String key) {
        return maybeFail(() -> delegate.getVersioned(key));
    }

    @Override
    public CompletableFuture<Boolean> compareAndSet(String key, long cas, byte[] value, long ttlMillis) {
        return maybeFail(() -> delegate.compareAndSet(key, cas, value, ttlMillis));
    }

    @Override
    public CompletableFuture<List<byte[]>> getMany(List<String> keys) {
        return maybeFail(() -> delegate.getMany(keys));
    }

    @Override
    public CompletableFuture<LeasedRead> getOrLease(String key, long leaseMillis) {
        return maybeFail(() -> delegate.getOrLease(key, leaseMillis));
    }

    @Override
    public CompletableFuture<LeasedRead> lease(String key, long leaseMillis) {
        return maybeFail(() -> delegate.lease(key, leaseMillis));
    }

    @Override
    public CompletableFuture<Boolean> setIfLeased(String key, byte[] value, long ttlMillis, long token, byte[] replacing) {
        return maybeFail(() -> delegate.setIfLeased(key, value, ttlMillis, token, replacing));
    }

    @Override
    public CompletableFuture<Map<String, String>> tagVersions(Collection<String> tags, long ttlMillis) {
        return maybeFail(() -> delegate.tagVersions(tags, ttlMillis));
    }

    @Override
    public CompletableFuture<Long> invalidateTags(Collection<String> tags) {
        return maybeFail(() -> delegate.invalidateTags(tags));
    }

    @Override
    public CompletableFuture<Boolean> releaseLease(String key, long token) {
        return maybeFail(() -> delegate.releaseLease(key, token));
    }

    @Override
    public CompletableFuture<Boolean> set(String key, byte[] value, long ttlMillis) {
        return maybeFail(() -> delegate.set(key, value, ttlMillis));
    }

    @Override
    public CompletableFuture<Boolean> add(String key, byte[] value, long ttlMillis) {
        return maybeFail(() -> delegate.add(key, value, ttlMillis));
    }

    @Override
    public CompletableFuture<Set<String>> setMany(Map<String, byte[]> entries, long ttlMillis) {
        return maybeFail(() -> delegate.setMany(entries, ttlMillis));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key) {
        return maybeFail(() -> delegate.delete(key));
    }

    @Override
    public CompletableFuture<Boolean> deleteIfSame(String key, byte[] expected) {
        return maybeFail(() -> delegate.deleteIfSame(key, expected));
    }

    @Override
    public CompletableFuture<Long> deleteMany(Collection<String> keys) {
        return maybeFail(() -> delegate.deleteMany(keys));
    }

    @Override
    public CompletableFuture<Long> increment(String key, long delta) {
        return maybeFail(() -> delegate.increment(key, delta));
    }

    @Override
    public CompletableFuture<Boolean> expire(String key, long ttlMillis) {
        return maybeFail(() -> delegate.expire(key, ttlMillis));
    }

    @Override
    public CompletableFuture<Boolean> contains(String key) {
        return maybeFail(() -> delegate.contains(key));
    }

    @Override
    public CompletableFuture<Long> deleteMatching(String pattern, Predicate<String> filter, boolean dryRun) {
        return maybeFail(() -> delegate.deleteMatching(pattern, filter, dryRun));
    }

    @Override
    public CompletableFuture<Long> clear(String prefix) {
        return maybeFail(() -> delegate.clear(prefix));
    }

    @Override
    public void close() {
        closed = true;
        delegate.close();
    }
}
