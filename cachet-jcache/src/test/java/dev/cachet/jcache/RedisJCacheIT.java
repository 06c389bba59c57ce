package dev.cachet.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.redis.LocalRedis;
import dev.cachet.store.Store;
import dev.cachet.tiered.TieredStore;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two providers on the machine's Redis, as two processes would be: each has its own connection and its own
 * locks, so only the store's compare-and-set keeps their changes apart.
 */
class RedisJCacheIT {
    private final String keyPrefix = "jcache-it-" + UUID.randomUUID();
    private final List<CacheManager> managers = new ArrayList<>();

    @BeforeEach
    void requireRedis() {
        LocalRedis.require();
    }

    @AfterEach
    void close() {
        managers.forEach(manager -> manager.getCacheNames().forEach(name -> manager.getCache(name).clear()));
        managers.forEach(CacheManager::close);
    }

    @Test
    void whatOneInstancePutsTheOtherReads() {
        Cache<String, Integer> first = cache("redis", "shared");
        Cache<String, Integer> second = cache("redis", "shared");
        first.put("a", 1);
        assertThat(second.get("a")).isEqualTo(1);
        second.remove("a");
        assertThat(first.containsKey("a")).isFalse();
    }

    @Test
    void entryProcessorsOnTwoInstancesNeverLoseAnUpdate() throws InterruptedException {
        List<Cache<String, Integer>> caches = List.of(cache("redis", "counter"), cache("redis", "counter"));
        List<Thread> threads = new ArrayList<>();
        for (Cache<String, Integer> cache : caches) {
            for (int t = 0; t < 3; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50; i++) {
                        cache.invoke("hits", RedisJCacheIT::increment);
                    }
                }));
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(caches.getFirst().get("hits")).isEqualTo(300);
    }

    @Test
    void onTheTieredStoreAChangeByOneInstanceReachesTheOthersFirstTier() {
        Cache<String, String> first = cache("tiered", "near");
        Cache<String, String> second = cache("tiered", "near");
        first.put("a", "old");
        assertThat(second.get("a")).isEqualTo("old");
        first.put("a", "new");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(second.get("a")).isEqualTo("new"));
    }

    @Test
    void onTheTieredStoreReadsAreAnsweredInProcess() {
        Cache<String, String> cache = cache("tiered", "reads");
        cache.put("a", "b");
        TieredStore store = (TieredStore) cache.unwrap(Store.class);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(cache.get("a")).isEqualTo("b");
            assertThat(store.firstTierHits()).isPositive();
        });
    }

    @Test
    void listenersHearTheChangesOfTheirOwnInstance() {
        Cache<String, Integer> cache = cache("redis", "heard");
        AtomicInteger created = new AtomicInteger();
        cache.registerCacheEntryListener(new javax.cache.configuration.MutableCacheEntryListenerConfiguration<String, Integer>(
                () -> (javax.cache.event.CacheEntryCreatedListener<String, Integer>) events -> events.forEach(e -> created.incrementAndGet()),
                null, false, true));
        cache.put("a", 1);
        cache.put("a", 2);
        assertThat(created).hasValue(1);
    }

    private <V> Cache<String, V> cache(String store, String name) {
        Properties properties = new Properties();
        properties.setProperty(Settings.STORE, store);
        properties.setProperty(Settings.KEY_PREFIX, keyPrefix);
        // A provider of its own, as another process would have.
        CacheManager manager = new CachetCachingProvider().getCacheManager(URI.create(LocalRedis.URL), null, properties);
        managers.add(manager);
        return manager.createCache(name, new MutableConfiguration<String, V>());
    }

    private static Integer increment(MutableEntry<String, Integer> entry, Object... arguments) {
        entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
        return null;
    }
}
