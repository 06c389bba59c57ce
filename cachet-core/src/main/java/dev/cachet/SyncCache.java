package dev.cachet;

import dev.cachet.store.HeldValue;
import dev.cachet.store.Store;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The blocking form: each operation waits for its asynchronous form, bounded by the store's deadline. */
final class SyncCache implements Cache {
    private final AsyncView async;

    SyncCache(AsyncView async) {
        this.async = async;
    }

    @Override
    public CacheOptions options() {
        return async.core.options;
    }

    @Override
    public int version() {
        return async.version;
    }

    @Override
    public Cache withVersion(int version) {
        return new SyncCache(async.core.async(version));
    }

    @Override
    public AsyncCache async() {
        return async;
    }

    @Override
    public String makeKey(String key) {
        return async.key(key);
    }

    @Override
    public <T> T get(String key, TypeRef<T> type) {
        // Decoding here rather than in a stage of the future keeps the in-process path free of allocations
        // the caller does not need.
        String stored = async.key(key);
        HeldValue held = async.core.store.held(stored);
        return held != null ? async.core.decode(stored, held, type) : async.core.decode(stored, join(async.core.store.get(stored)), type);
    }

    @Override
    public boolean set(String key, Object value, Ttl ttl) {
        return join(async.store(key, value, ttl));
    }

    @Override
    public boolean set(String key, Object value, Ttl ttl, Collection<String> tags) {
        return join(async.set(key, value, ttl, tags));
    }

    @Override
    public boolean invalidateTags(Collection<String> tags) {
        return join(async.invalidateTags(tags));
    }

    @Override
    public boolean add(String key, Object value, Ttl ttl) {
        return join(async.add(key, value, ttl));
    }

    @Override
    public <T> Map<String, T> getMany(Collection<String> keys, TypeRef<T> type) {
        return join(async.getMany(keys, type));
    }

    @Override
    public Set<String> setMany(Map<String, ?> values, Ttl ttl) {
        return join(async.setMany(values, ttl));
    }

    @Override
    public boolean delete(String key) {
        return join(async.delete(key));
    }

    @Override
    public long deleteMany(Collection<String> keys) {
        return join(async.deleteMany(keys));
    }

    @Override
    public OptionalLong incr(String key, long delta) {
        return join(async.incr(key, delta));
    }

    @Override
    public boolean touch(String key, Ttl ttl) {
        return join(async.touch(key, ttl));
    }

    @Override
    public boolean contains(String key) {
        return join(async.contains(key));
    }

    @Override
    public long clear() {
        return join(async.clear());
    }

    @Override
    public long deleteByPattern(String pattern) {
        return join(async.matching(pattern, false));
    }

    @Override
    public long countByPattern(String pattern) {
        return join(async.matching(pattern, true));
    }

    @Override
    public long purgeOldVersions() {
        return join(async.oldVersions(false));
    }

    @Override
    public long countOldVersions() {
        return join(async.oldVersions(true));
    }

    @Override
    public <T> T getOrCompute(String key, TypeRef<T> type, Ttl ttl, Callable<? extends T> loader) {
        Objects.requireNonNull(ttl, "ttl");
        return getOrCompute(key, type, ComputeOptions.ttl(ttl), loader);
    }

    @Override
    public <T> T getOrCompute(String key, TypeRef<T> type, ComputeOptions options, Callable<? extends T> loader) {
        Objects.requireNonNull(loader, "loader");
        // The asynchronous form asks for the value through a future that this thread completes, so the
        // loader runs here and never on a network thread.
        CompletableFuture<Void> wanted = new CompletableFuture<>();
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<T> flow = async.getOrCompute(key, type, options, () -> {
            wanted.complete(null);
            return result;
        });
        CompletableFuture.anyOf(flow, wanted).handle((done, error) -> null).join();
        if (wanted.isDone()) {
            try {
                result.complete(loader.call());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            } catch (Exception e) {
                result.completeExceptionally(new CacheLoaderException(key, e));
            }
        }
        return join(flow);
    }

    @Override
    public OptionalInt incrVersion(String key, int delta) {
        return join(async.incrVersion(key, delta));
    }

    @Override
    public CacheStats stats() {
        return async.core.stats();
    }

    /** Waits for {@code future} and throws what it failed with, unwrapped. */
    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = Store.unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new CacheException(cause.toString(), cause);
        }
    }
}
