package dev.cachet;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static java.util.concurrent.CompletableFuture.failedFuture;

import dev.cachet.store.HeldValue;
import dev.cachet.store.Envelope;
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
import java.util.function.Supplier;

/** The cache at one version, non-blocking: key, store, decode; get-or-compute is {@link GetOrCompute}'s. */
final class AsyncView implements AsyncCache {
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
            HeldValue held = core.store.held(stored);
            return held != null ? CompletableFuture.completedFuture(core.decode(stored, held, type))
                    : core.store.get(stored).thenApply(bytes -> core.decode(stored, bytes, type));
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
        return call(() -> core.getOrCompute.run(key, key(key), type, core.policy(options), loader));
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
    static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
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

}
