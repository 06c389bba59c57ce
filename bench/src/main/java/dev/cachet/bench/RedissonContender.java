package dev.cachet.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.redisson.Redisson;
import org.redisson.api.RKeys;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.KeysScanOptions;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.api.options.LocalCachedMapOptions.EvictionPolicy;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;
import org.redisson.config.Config;

/**
 * Redisson, with its default single-server configuration (a pool of connections) and values stored as they
 * are ({@code ByteArrayCodec}), in two shapes: {@code RBucket} per key, the plain remote cache; and
 * {@code RLocalCachedMap}, a Redis hash with a bounded local cache in front of it kept coherent by
 * invalidation messages, the peer of Cachet's tiered store.
 */
final class RedissonContender implements Contender {
    private static final String BUCKET_PREFIX = "bench-redisson:";
    private static final String MAP_NAME = "bench-redisson-local";

    private final String name;
    private final RedissonClient client;
    private final String[] keys;
    private final Duration ttl;
    /** The local cached map, or null for the bucket shape. */
    private final RLocalCachedMap<String, byte[]> map;
    /** A hash has one TTL for the whole map, set once it exists. */
    private volatile boolean mapExpires;

    private RedissonContender(String name, RedissonClient client, String prefix, int keys, Duration ttl,
            RLocalCachedMap<String, byte[]> map) {
        this.name = name;
        this.client = client;
        this.keys = new String[keys];
        for (int i = 0; i < keys; i++) {
            this.keys[i] = prefix + "k" + i;
        }
        this.ttl = ttl;
        this.map = map;
    }

    /** One {@code RBucket} per key, made per call as applications do: {@code getBucket(key).get()}. */
    static RedissonContender buckets(String url, int keys, Duration ttl) {
        return new RedissonContender("redisson", connect(url), BUCKET_PREFIX, keys, ttl, null);
    }

    /**
     * An {@code RLocalCachedMap} whose local cache holds {@code localEntries}, evicting the least frequently
     * used (Redisson's closest policy to an ideal cache, and to the W-TinyLFU of Cachet's first tier).
     */
    static RedissonContender localCachedMap(String url, int keys, int localEntries, Duration ttl) {
        RedissonClient client = connect(url);
        RLocalCachedMap<String, byte[]> map = client.getLocalCachedMap(LocalCachedMapOptions.<String, byte[]>name(MAP_NAME)
                .codec(new CompositeCodec(StringCodec.INSTANCE, ByteArrayCodec.INSTANCE))
                .cacheSize(localEntries)
                .evictionPolicy(EvictionPolicy.LFU));
        return new RedissonContender("redisson-local", client, "", keys, ttl, map);
    }

    private static RedissonClient connect(String url) {
        Config config = new Config();
        config.useSingleServer().setAddress(url);
        return Redisson.create(config);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean get(int key) {
        if (map != null) {
            return map.get(keys[key]) != null;
        }
        return client.getBucket(keys[key], ByteArrayCodec.INSTANCE).get() != null;
    }

    @Override
    public boolean set(int key, byte[] value) {
        if (map == null) {
            client.getBucket(keys[key], ByteArrayCodec.INSTANCE).set(value, ttl);
            return true;
        }
        map.fastPut(keys[key], value);
        if (!mapExpires) {
            mapExpires = map.expire(ttl);
        }
        return true;
    }

    /** {@code RBuckets.get} (one {@code MGET}), or the map's {@code getAll} (local hits, one {@code HMGET} for the rest). */
    @Override
    public int getMany(int[] keys) {
        String[] names = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            names[i] = this.keys[keys[i]];
        }
        if (map != null) {
            return map.getAll(Set.of(names)).size();
        }
        return client.getBuckets(ByteArrayCodec.INSTANCE).get(names).size();
    }

    /** The map is one key; the buckets are found by SCAN and unlinked in batches, never with KEYS. */
    @Override
    public long clear() {
        if (map != null) {
            long size = map.size();
            map.delete();
            return size;
        }
        RKeys redisKeys = client.getKeys();
        long deleted = 0;
        List<String> batch = new ArrayList<>(1_000);
        for (String key : redisKeys.getKeys(KeysScanOptions.defaults().pattern(BUCKET_PREFIX + "*").chunkSize(1_000))) {
            batch.add(key);
            if (batch.size() == 1_000) {
                deleted += redisKeys.unlink(batch.toArray(String[]::new));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            deleted += redisKeys.unlink(batch.toArray(String[]::new));
        }
        return deleted;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
