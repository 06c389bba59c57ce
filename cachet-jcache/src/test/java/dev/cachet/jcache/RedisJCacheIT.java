package dev.cachet.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.TcpProxy;
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
import javax.cache.CacheException;
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
        TieredStore store = cache.unwrap(TieredStore.class);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(cache.get("a")).isEqualTo("b");
            assertThat(store.firstTierHits()).isPositive();
        });
    }

    @Test
    void onTheTieredStoreAManagersCachesShareOneRedisStoreThatOutlivesEachCache() {
        Cache<String, String> kept = cache("tiered", "kept");
        Cache<String, String> closed = kept.getCacheManager().createCache("closed", new MutableConfiguration<>());
        Store redis = kept.unwrap(TieredStore.class).secondTier();
        assertThat(closed.unwrap(TieredStore.class).secondTier()).isSameAs(redis);

        closed.put("a", "1");
        closed.close();
        kept.put("a", "2");
        assertThat(cache("tiered", "kept").get("a")).as("written through the shared store after the other cache closed")
                .isEqualTo("2");
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

    @Test
    void onTheTieredStoreListenersHearTheChangesOfOtherInstancesOnceEach() {
        Cache<String, Integer> writer = cache("tiered", "elsewhere");
        Cache<String, Integer> watched = cache("tiered", "elsewhere");
        // Changes are reported once the tracking connection is up: the first tier answers from then on.
        watched.put("warm", 0);
        TieredStore tiered = watched.unwrap(TieredStore.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> watched.get("warm") != null && tiered.firstTierHits() > 0);
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        watched.registerCacheEntryListener(new javax.cache.configuration.MutableCacheEntryListenerConfiguration<String, Integer>(
                () -> new Recorder(heard), null, true, true));
        writer.put("a", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("CREATED a=1"));
        assertThat(watched.get("a")).isEqualTo(1);
        writer.put("a", 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("UPDATED a=2 was 1"));
        writer.remove("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("REMOVED a was 2"));
        watched.put("b", 5);
        writer.put("c", 7);
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("CREATED c=7"));
        assertThat(heard).as("its own write once, not again when Redis reports it")
                .containsExactly("CREATED a=1", "UPDATED a=2 was 1", "REMOVED a was 2", "CREATED b=5", "CREATED c=7");
    }

    /** Writes down each event it hears. */
    private record Recorder(List<String> heard) implements javax.cache.event.CacheEntryCreatedListener<String, Integer>,
            javax.cache.event.CacheEntryUpdatedListener<String, Integer>, javax.cache.event.CacheEntryRemovedListener<String, Integer> {
        @Override
        public void onCreated(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends Integer>> events) {
            events.forEach(event -> heard.add("CREATED " + event.getKey() + "=" + event.getValue()));
        }

        @Override
        public void onUpdated(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends Integer>> events) {
            events.forEach(event -> heard.add("UPDATED " + event.getKey() + "=" + event.getValue() + " was " + event.getOldValue()));
        }

        @Override
        public void onRemoved(Iterable<javax.cache.event.CacheEntryEvent<? extends String, ? extends Integer>> events) {
            events.forEach(event -> heard.add("REMOVED " + event.getKey() + " was " + event.getOldValue()));
        }
    }

    @Test
    void failSoftARedisCutCostsHitsNeverAnErrorAndAWriteItMissedIsNotReadBack() throws Exception {
        for (String store : List.of("redis", "tiered")) {
            try (TcpProxy proxy = new TcpProxy(LocalRedis.HOST, LocalRedis.PORT)) {
                Cache<String, String> cache = cache(store, "soft-" + store, "redis://127.0.0.1:" + proxy.port(), true);
                Cache<String, String> direct = cache(store, "soft-" + store);
                cache.put("kept", "old");
                cache.put("changed", "old");
                proxy.cut();
                assertThat(cache.get("kept")).as(store).isNull();
                cache.put("changed", "new");
                assertThat(cache.putIfAbsent("added", "new")).isTrue();
                assertThat(cache.remove("kept")).isFalse();
                assertThat(cache.getAll(java.util.Set.of("kept", "changed"))).isEmpty();
                assertThat(direct.get("changed")).as("the write did not land").isEqualTo("old");
                proxy.restore();
                // The key whose write failed is invalidated before the cache reads Redis again: never "old".
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(direct.get("changed")).as(store).isNull());
                assertThat(cache.get("changed")).isNull();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cache.get("kept")).isEqualTo("old"));
                cache.clear();
                closeAlone(cache);
            }
        }
    }

    @Test
    void strictARedisCutIsACacheException() throws Exception {
        try (TcpProxy proxy = new TcpProxy(LocalRedis.HOST, LocalRedis.PORT)) {
            Cache<String, String> cache = cache("redis", "strict", "redis://127.0.0.1:" + proxy.port(), false);
            proxy.cut();
            assertThatThrownBy(() -> cache.get("a")).isInstanceOf(CacheException.class);
            assertThatThrownBy(() -> cache.put("a", "b")).isInstanceOf(CacheException.class);
            closeAlone(cache);
        }
    }

    /** Closes the manager of a cache that reaches Redis through a proxy the test is about to close. */
    private void closeAlone(Cache<?, ?> cache) {
        managers.remove(cache.getCacheManager());
        cache.getCacheManager().close();
    }

    private <V> Cache<String, V> cache(String store, String name) {
        return cache(store, name, LocalRedis.URL, false);
    }

    private <V> Cache<String, V> cache(String store, String name, String redisUrl, boolean failSoft) {
        Properties properties = new Properties();
        properties.setProperty(Settings.STORE, store);
        properties.setProperty(Settings.KEY_PREFIX, keyPrefix);
        properties.setProperty(Settings.FAIL_SOFT, Boolean.toString(failSoft));
        // A provider of its own, as another process would have.
        CacheManager manager = new CachetCachingProvider().getCacheManager(URI.create(redisUrl), null, properties);
        managers.add(manager);
        return manager.createCache(name, new MutableConfiguration<String, V>());
    }

    private static Integer increment(MutableEntry<String, Integer> entry, Object... arguments) {
        entry.setValue(entry.exists() ? entry.getValue() + 1 : 1);
        return null;
    }
}
