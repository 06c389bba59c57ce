package dev.cachet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.memcached.LocalMemcached;
import dev.cachet.redis.LocalRedis;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.SimpleKey;
import org.springframework.cache.support.NullValue;

/**
 * Spring's {@link Cache} contract, as Spring's own in-memory caches keep it, on every store: the same
 * answers, exceptions and messages.
 */
class SpringCacheIT {
    /** A cached row, as @Cacheable methods return them. */
    public record Product(long id, String name, BigDecimal price, LocalDate added) {}

    @BeforeAll
    static void serversAreUp() {
        LocalRedis.require();
        LocalMemcached.require();
    }

    private void withCache(String store, boolean allowNulls, CacheTest test) {
        String prefix = "spring-" + UUID.randomUUID();
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CachetAutoConfiguration.class))
                .withPropertyValues(
                        "cachet.caches.products.store=" + store,
                        "cachet.caches.products.url=" + (store.equals("memcached") ? LocalMemcached.URL : LocalRedis.URL),
                        "cachet.caches.products.key-prefix=" + prefix,
                        "cachet.caches.products.allow-null-values=" + allowNulls,
                        "cachet.caches.products.allowed-types=" + Product.class.getName())
                .run(context -> {
                    Cache cache = context.getBean(CacheManager.class).getCache("products");
                    try {
                        test.run(cache);
                    } finally {
                        cache.clear();
                    }
                });
    }

    @FunctionalInterface
    private interface CacheTest {
        void run(Cache cache) throws Exception;
    }

    private static final Product PHONE = new Product(42, "phone", new BigDecimal("199.90"), LocalDate.of(2026, 11, 26));

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis", "tiered", "memcached"})
    void valuesComeBackWithTheirTypes(String store) {
        withCache(store, true, cache -> {
            cache.put(1L, PHONE);
            cache.put(new SimpleKey("list", 7), List.of(PHONE, PHONE));
            cache.put("count", 5L);
            cache.put("map", Map.of("a", PHONE));
            assertThat(cache.get(1L).get()).isEqualTo(PHONE);
            assertThat(cache.get(new SimpleKey("list", 7)).get()).isEqualTo(List.of(PHONE, PHONE));
            assertThat(cache.get("count").get()).isEqualTo(5L);
            assertThat(cache.get("map", Map.class)).isEqualTo(Map.of("a", PHONE));
            assertThat(cache.get(1L, Product.class)).isEqualTo(PHONE);
            assertThat(cache.get("absent")).isNull();
            assertThat(cache.get("absent", Product.class)).isNull();
            assertThatThrownBy(() -> cache.get(1L, String.class)).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("Cached value is not of required type [java.lang.String]");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis", "tiered", "memcached"})
    void nullsAreCachedWhenAllowed(String store) {
        withCache(store, true, cache -> {
            cache.put("nothing", null);
            assertThat(cache.get("nothing")).isNotNull();
            assertThat(cache.get("nothing").get()).isNull();
            assertThat(cache.get("nothing", String.class)).isNull();
            AtomicInteger loads = new AtomicInteger();
            String loaded = cache.get("loaded-null", () -> {
                loads.incrementAndGet();
                return null;
            });
            assertThat(loaded).isNull();
            Integer again = cache.get("loaded-null", loads::incrementAndGet);
            assertThat(again).isNull();
            assertThat(loads).hasValue(1);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis"})
    void nullsAreRefusedWithSpringsMessageWhenNot(String store) {
        withCache(store, false, cache -> {
            assertThatThrownBy(() -> cache.put("nothing", null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Cache 'products' is configured to not allow null values but null was provided");
            assertThatThrownBy(() -> cache.get("k", () -> null)).isInstanceOf(Cache.ValueRetrievalException.class)
                    .hasRootCauseMessage("Cache 'products' is configured to not allow null values but null was provided");
            assertThat(cache.get("nothing")).isNull();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis", "tiered", "memcached"})
    void getWithALoaderRunsItOnceHoweverManyThreadsAsk(String store) {
        withCache(store, true, cache -> {
            AtomicInteger loads = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Product>> results = new ArrayList<>();
            try (ExecutorService threads = Executors.newFixedThreadPool(20)) {
                for (int i = 0; i < 20; i++) {
                    results.add(threads.submit(() -> {
                        start.await();
                        return cache.get(42L, () -> {
                            loads.incrementAndGet();
                            Thread.sleep(50);
                            return PHONE;
                        });
                    }));
                }
                start.countDown();
                for (Future<Product> result : results) {
                    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(PHONE);
                }
            }
            assertThat(loads).hasValue(1);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis"})
    void aLoaderFailureIsAValueRetrievalException(String store) {
        withCache(store, true, cache -> {
            IOException down = new IOException("database down");
            assertThatThrownBy(() -> cache.get("k", () -> {
                throw down;
            })).isInstanceOf(Cache.ValueRetrievalException.class).hasCause(down)
                    .hasMessageContaining("Value for key 'k' could not be loaded");
            IllegalStateException bug = new IllegalStateException("bug");
            assertThatThrownBy(() -> cache.get("k", () -> {
                throw bug;
            })).isInstanceOf(Cache.ValueRetrievalException.class).hasCause(bug);
            assertThat(cache.get("k")).isNull();
        });
    }

    // --- Spring's own contract for a cache, as the fixtures of Spring's cache tests state it --------------

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis", "tiered", "memcached"})
    void putAndTypedGetsAsSpringsFixtureStatesThem(String store) {
        withCache(store, true, cache -> {
            String key = UUID.randomUUID().toString();
            assertThat(cache.get(key)).isNull();
            assertThat(cache.get(key, String.class)).isNull();
            assertThat(cache.get(key, Object.class)).isNull();

            cache.put(key, "george");
            assertThat(cache.get(key).get()).isEqualTo("george");
            assertThat(cache.get(key, String.class)).isEqualTo("george");
            assertThat(cache.get(key, Object.class)).isEqualTo("george");
            assertThat(cache.get(key, (Class<?>) null)).isEqualTo("george");

            cache.put(key, null);
            assertThat(cache.get(key)).isNotNull();
            assertThat(cache.get(key).get()).isNull();
            assertThat(cache.get(key, String.class)).isNull();

            // A NullValue that is not Spring's singleton (one read back from elsewhere) is a cached null too.
            cache.put(key, BeanUtils.instantiateClass(NullValue.class));
            assertThat(cache.get(key)).isNotNull();
            assertThat(cache.get(key).get()).isNull();
            assertThat(cache.get(key, Object.class)).isNull();

            assertThat(cache.getName()).isEqualTo("products");
            assertThat(cache.getNativeCache()).isInstanceOf(dev.cachet.Cache.class);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis", "tiered", "memcached"})
    void theValueLoaderAsSpringsFixtureStatesIt(String store) {
        withCache(store, true, cache -> {
            String loaded = UUID.randomUUID().toString();
            assertThat(cache.<Object>get(loaded, () -> "test")).isEqualTo("test");
            assertThat(cache.get(loaded).get()).isEqualTo("test");
            String loadedNull = UUID.randomUUID().toString();
            assertThat(cache.<Object>get(loadedNull, () -> null)).isNull();
            assertThat(cache.get(loadedNull)).isNotNull();
            assertThat(cache.get(loadedNull).get()).isNull();

            for (Object present : new Object[] {"existing", null}) {
                String key = UUID.randomUUID().toString();
                cache.put(key, present);
                assertThat(cache.<Object>get(key, () -> {
                    throw new IllegalStateException("the loader of a present key must not run");
                })).isEqualTo(present);
            }

            String failing = UUID.randomUUID().toString();
            assertThatThrownBy(() -> cache.get(failing, () -> {
                throw new UnsupportedOperationException("expected");
            })).isInstanceOf(Cache.ValueRetrievalException.class).cause().isInstanceOf(UnsupportedOperationException.class);

            String contended = UUID.randomUUID().toString();
            AtomicInteger counter = new AtomicInteger();
            List<Integer> results = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(10);
            for (int i = 0; i < 10; i++) {
                Thread.ofPlatform().start(() -> {
                    try {
                        results.add(cache.get(contended, () -> {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                            return counter.incrementAndGet();
                        }));
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(results).hasSize(10).containsOnly(1);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis", "tiered"})
    void putIfAbsentEvictAndClearKeepSpringsContract(String store) {
        withCache(store, true, cache -> {
            assertThat(cache.putIfAbsent("k", "first")).isNull();
            assertThat(cache.putIfAbsent("k", "second").get()).isEqualTo("first");
            assertThat(cache.evictIfPresent("k")).isTrue();
            assertThat(cache.evictIfPresent("k")).isFalse();
            cache.put("a", "1");
            cache.put("b", "2");
            cache.evict("a");
            assertThat(cache.get("a")).isNull();
            cache.clear();
            // Done when it returns, on every store.
            assertThat(cache.get("b")).isNull();
            assertThat(cache.invalidate()).isFalse();
            cache.put("c", "3");
            assertThat(cache.invalidate()).isTrue();
            assertThat(cache.get("c")).isNull();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis", "tiered", "memcached"})
    void retrieveIsAsynchronous(String store) {
        withCache(store, true, cache -> {
            assertThat(cache.retrieve("absent").join()).isNull();
            cache.put(1L, PHONE);
            assertThat(((Cache.ValueWrapper) cache.retrieve(1L).join()).get()).isEqualTo(PHONE);
            AtomicInteger loads = new AtomicInteger();
            CompletableFuture<Product> loaded = cache.retrieve(2L, () -> {
                loads.incrementAndGet();
                return CompletableFuture.completedFuture(PHONE);
            });
            assertThat(loaded.join()).isEqualTo(PHONE);
            assertThat(cache.retrieve(2L, () -> CompletableFuture.completedFuture(null)).join()).isEqualTo(PHONE);
            assertThat(loads).hasValue(1);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "redis"})
    void keysThatCannotBeNamedAreRefused(String store) {
        withCache(store, true, cache -> assertThatThrownBy(() -> cache.put(new Object(), "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache key of type java.lang.Object has no toString() of its own"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis"})
    void aClassOffTheAllowListIsNeverReadBack(String store) {
        withCache(store, true, cache -> {
            cache.put("stranger", new Stranger("x"));
            assertThat(cache.get("stranger")).isNull();
            dev.cachet.Cache cachet = (dev.cachet.Cache) cache.getNativeCache();
            assertThat(cachet.stats().decodeFailures()).isEqualTo(1);
            // A JDK class that acts when built (a Timer starts a thread) is not on the list either.
            byte[] timer = ("\u00c8{\"@class\":\"dev.cachet.spring.SpringValues$Holder\",\"value\":[\"java.util.Timer\",{}]}")
                    .getBytes(StandardCharsets.ISO_8859_1);
            dev.cachet.redis.RedisStore.create(LocalRedis.URL).set(cachet.makeKey("timer"), timer, 60_000).join();
            assertThat(cache.get("timer")).isNull();
            assertThat(cachet.stats().decodeFailures()).isEqualTo(2);
        });
    }

    /** A class no allow-list names. */
    public record Stranger(String name) {}
}
