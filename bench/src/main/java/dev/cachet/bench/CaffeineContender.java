package dev.cachet.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw Caffeine holding the value arrays themselves (or, as text, a {@code String} of them), with the same entry
 * bound and expiry as Cachet's local store.
 */
final class CaffeineContender implements Contender {
    private final Cache<String, Object> cache;
    private final String[] keys;
    private final boolean text;

    CaffeineContender(long maximumEntries, int keys, Duration ttl) {
        this(maximumEntries, keys, ttl, false);
    }

    CaffeineContender(long maximumEntries, int keys, Duration ttl, boolean text) {
        this.text = text;
        this.cache = Caffeine.newBuilder().maximumSize(maximumEntries).expireAfterWrite(ttl).build();
        this.keys = new String[keys];
        for (int i = 0; i < keys; i++) {
            this.keys[i] = "bench-caffeine:k" + i;
        }
    }

    @Override
    public String name() {
        return text ? "caffeine-text" : "caffeine";
    }

    @Override
    public boolean get(int key) {
        return cache.getIfPresent(keys[key]) != null;
    }

    @Override
    public boolean set(int key, byte[] value) {
        cache.put(keys[key], text ? new String(value, StandardCharsets.ISO_8859_1) : value);
        return true;
    }

    @Override
    public int getMany(int[] keys) {
        List<String> names = new ArrayList<>(keys.length);
        for (int key : keys) {
            names.add(this.keys[key]);
        }
        return cache.getAllPresent(names).size();
    }

    @Override
    public long clear() {
        long size = cache.estimatedSize();
        cache.invalidateAll();
        return size;
    }
}
