package dev.cachet;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The non-blocking form of a {@link Cache}: the same operations with the same meaning, each returning a
 * {@link CompletableFuture} that completes when the backend answers (or its deadline passes). No method
 * blocks the calling thread. Caller errors (bad keys, oversized values) complete the future exceptionally.
 * Obtained from {@link Cache#async()}; thread-safe.
 */
public interface AsyncCache {
    /** The blocking form of this cache, at the same version. */
    Cache sync();

    /** See {@link Cache#get(String, TypeRef)}. */
    <T> CompletableFuture<T> get(String key, TypeRef<T> type);

    /** See {@link Cache#get(String, Class)}. */
    default <T> CompletableFuture<T> get(String key, Class<T> type) {
        return get(key, TypeRef.of(type));
    }

    /** See {@link Cache#set(String, Object, Ttl)}. */
    CompletableFuture<Boolean> set(String key, Object value, Ttl ttl);

    /** See {@link Cache#add(String, Object, Ttl)}. */
    CompletableFuture<Boolean> add(String key, Object value, Ttl ttl);

    /** See {@link Cache#getMany(Collection, TypeRef)}. */
    <T> CompletableFuture<Map<String, T>> getMany(Collection<String> keys, TypeRef<T> type);

    /** See {@link Cache#setMany(Map, Ttl)}. */
    CompletableFuture<Set<String>> setMany(Map<String, ?> values, Ttl ttl);

    /** See {@link Cache#delete(String)}. */
    CompletableFuture<Boolean> delete(String key);

    /** See {@link Cache#deleteMany(Collection)}. */
    CompletableFuture<Long> deleteMany(Collection<String> keys);

    /** See {@link Cache#incr(String, long)}. */
    CompletableFuture<OptionalLong> incr(String key, long delta);

    /** See {@link Cache#touch(String, Ttl)}. */
    CompletableFuture<Boolean> touch(String key, Ttl ttl);

    /** See {@link Cache#contains(String)}. */
    CompletableFuture<Boolean> contains(String key);

    /** See {@link Cache#clear()}. */
    CompletableFuture<Long> clear();

    /** See {@link Cache#deleteByPattern(String)}. */
    CompletableFuture<Long> deleteByPattern(String pattern);

    /** See {@link Cache#countByPattern(String)}. */
    CompletableFuture<Long> countByPattern(String pattern);

    /** See {@link Cache#purgeOldVersions()}. */
    CompletableFuture<Long> purgeOldVersions();

    /** See {@link Cache#countOldVersions()}. */
    CompletableFuture<Long> countOldVersions();

    /**
     * See {@link Cache#getOrCompute(String, TypeRef, Ttl, java.util.concurrent.Callable)}. The loader is
     * called on the thread that completes the lookup (for Redis, a network thread), so it must only start
     * its work and return a stage, never block.
     */
    <T> CompletableFuture<T> getOrCompute(
            String key, TypeRef<T> type, Ttl ttl, Supplier<? extends CompletionStage<? extends T>> loader);

    /**
     * See {@link Cache#getOrCompute(String, TypeRef, ComputeOptions, java.util.concurrent.Callable)}; the
     * loader is called as for {@link #getOrCompute(String, TypeRef, Ttl, Supplier)}.
     */
    <T> CompletableFuture<T> getOrCompute(
            String key, TypeRef<T> type, ComputeOptions options, Supplier<? extends CompletionStage<? extends T>> loader);

    /** See {@link Cache#set(String, Object, Ttl, Collection)}. */
    CompletableFuture<Boolean> set(String key, Object value, Ttl ttl, Collection<String> tags);

    /** See {@link Cache#invalidateTags(Collection)}. */
    CompletableFuture<Boolean> invalidateTags(Collection<String> tags);

    /** See {@link Cache#incrVersion(String, int)}. */
    CompletableFuture<OptionalInt> incrVersion(String key, int delta);
}
