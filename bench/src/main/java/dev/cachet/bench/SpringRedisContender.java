package dev.cachet.bench;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.BatchStrategies;
import org.springframework.data.redis.cache.CacheStatistics;
import org.springframework.data.redis.cache.CacheStatisticsCollector;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.cache.RedisCacheWriter.RedisCacheWriterConfigurer;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Spring's cache over Redis as a Spring Boot application gets it: a {@code RedisCacheManager} on a
 * {@code LettuceConnectionFactory} (one shared native connection), {@code RedisCacheConfiguration}'s defaults
 * (JDK serialization of values, keys as {@code name::key}) with the run's TTL, read and written through
 * Spring's {@link Cache} API. It has no multi-key read, so get-many is one {@code get} per key.
 *
 * <p>Spring Data Redis 4's default writer sends a put on its reactive connection and returns before Redis has
 * it. Measured as it is, a closed loop would time only the queueing and pile up writes without bound; so the
 * default writer's puts are awaited here (the same command, issued by the same writer's {@code store}), and
 * {@code immediateWrites()} gives the writer whose {@code put} blocks by itself.
 */
final class SpringRedisContender implements Contender {
    private final String name;
    private final LettuceConnectionFactory factory;
    private final Cache cache;
    private final String[] keys;

    private SpringRedisContender(String name, LettuceConnectionFactory factory, Cache cache, int keys) {
        this.name = name;
        this.factory = factory;
        this.cache = cache;
        this.keys = new String[keys];
        for (int i = 0; i < keys; i++) {
            this.keys[i] = "k" + i;
        }
    }

    /** Spring's defaults: writes return before Redis has them, and are awaited by this contender. */
    static SpringRedisContender defaults(String url, int keys, Duration ttl) {
        return create("spring-redis", url, keys, ttl, writer -> {
        }, true);
    }

    /** Spring's writer with {@code immediateWrites()}: a put returns once Redis has the value. */
    static SpringRedisContender immediateWrites(String url, int keys, Duration ttl) {
        return create("spring-redis-immediate", url, keys, ttl, RedisCacheWriterConfigurer::immediateWrites, false);
    }

    private static SpringRedisContender create(String name, String url, int keys, Duration ttl,
            Consumer<RedisCacheWriterConfigurer> writes, boolean awaitWrites) {
        RedisURI uri = RedisURI.create(url);
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(uri.getHost(), uri.getPort());
        server.setDatabase(uri.getDatabase());
        LettuceConnectionFactory factory = new LettuceConnectionFactory(server);
        factory.afterPropertiesSet();
        factory.start();
        // SCAN rather than the default KEYS when clearing: the benchmark may share its Redis with others.
        RedisCacheWriter writer = RedisCacheWriter.create(factory, configurer -> writes.accept(configurer
                .batchStrategy(BatchStrategies.scan(1_000))));
        RedisCacheManager manager = RedisCacheManager.builder(awaitWrites ? new AwaitedPuts(writer) : writer)
                .cacheDefaults(RedisCacheConfiguration.defaultCacheConfig().entryTtl(ttl))
                .build();
        manager.afterPropertiesSet();
        return new SpringRedisContender(name, factory, manager.getCache("bench-" + name), keys);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean get(int key) {
        return cache.get(keys[key]) != null;
    }

    @Override
    public boolean set(int key, byte[] value) {
        cache.put(keys[key], value);
        return true;
    }

    @Override
    public long clear() {
        // Spring's clear() reports nothing; the keyspace is what was written.
        cache.clear();
        return keys.length;
    }

    @Override
    public void close() {
        factory.destroy();
    }

    /** The default writer with each put awaited: {@code store} is the command {@code put} sends and forgets. */
    private record AwaitedPuts(RedisCacheWriter writer) implements RedisCacheWriter {
        @Override
        public void put(String name, byte[] key, byte[] value, Duration ttl) {
            writer.store(name, key, value, ttl).join();
        }

        @Override
        public byte[] get(String name, byte[] key) {
            return writer.get(name, key);
        }

        @Override
        public byte[] get(String name, byte[] key, Duration ttl) {
            return writer.get(name, key, ttl);
        }

        @Override
        public boolean supportsAsyncRetrieve() {
            return writer.supportsAsyncRetrieve();
        }

        @Override
        public CompletableFuture<byte[]> retrieve(String name, byte[] key, Duration ttl) {
            return writer.retrieve(name, key, ttl);
        }

        @Override
        public CompletableFuture<Void> store(String name, byte[] key, byte[] value, Duration ttl) {
            return writer.store(name, key, value, ttl);
        }

        @Override
        public byte[] putIfAbsent(String name, byte[] key, byte[] value, Duration ttl) {
            return writer.putIfAbsent(name, key, value, ttl);
        }

        @Override
        public void evict(String name, byte[] key) {
            writer.evict(name, key);
        }

        @Override
        public void clear(String name, byte[] pattern) {
            writer.clear(name, pattern);
        }

        @Override
        public void clearStatistics(String name) {
            writer.clearStatistics(name);
        }

        @Override
        public RedisCacheWriter withStatisticsCollector(CacheStatisticsCollector collector) {
            return new AwaitedPuts(writer.withStatisticsCollector(collector));
        }

        @Override
        public CacheStatistics getCacheStatistics(String cacheName) {
            return writer.getCacheStatistics(cacheName);
        }
    }
}
