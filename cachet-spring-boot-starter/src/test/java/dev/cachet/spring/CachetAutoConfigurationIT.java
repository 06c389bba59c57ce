package dev.cachet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.Cache;
import dev.cachet.Ttl;
import dev.cachet.memcached.LocalMemcached;
import dev.cachet.redis.LocalRedis;
import dev.cachet.redis.RedisServers;
import dev.cachet.spring.actuate.CachetActuatorAutoConfiguration;
import dev.cachet.spring.actuate.CachetEndpoint;
import dev.cachet.spring.actuate.CachetMeters;
import dev.cachet.spring.actuate.RedisMonitor;
import dev.cachet.spring.thymeleaf.CachetDialect;
import dev.cachet.spring.thymeleaf.CachetThymeleafAutoConfiguration;
import dev.cachet.spring.web.CachetWebAutoConfiguration;
import dev.cachet.store.Store;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What the auto-configuration builds from {@code cachet.*} properties, and what it refuses. */
class CachetAutoConfigurationIT {
    private final String run = "autoconfig-" + UUID.randomUUID();
    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CachetAutoConfiguration.class));

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @Test
    void eachAliasBecomesACacheThatStartsFromTheDefaults() {
        contexts.withPropertyValues(
                        "cachet.defaults.default-ttl=10m",
                        "cachet.defaults.url=" + LocalRedis.URL,
                        "cachet.defaults.key-prefix=" + run,
                        "cachet.caches.products.store=redis",
                        "cachet.caches.products.default-ttl=1h",
                        "cachet.caches.pages.store=tiered",
                        "cachet.caches.pages.key-prefix=html",
                        "cachet.caches.sessions.store=local",
                        "cachet.caches.sessions.local.maximum-entries=100")
                .run(context -> {
                    CachetCaches caches = context.getBean(CachetCaches.class);
                    assertThat(caches.all()).containsOnlyKeys("products", "pages", "sessions");
                    Cache products = caches.get("products");
                    assertThat(products.options().defaultTtl()).isEqualTo(Ttl.ofHours(1));
                    assertThat(products.options().keyPrefix()).isEqualTo(run + ":products");
                    assertThat(caches.get("pages").options().keyPrefix()).isEqualTo(run + ":html");
                    assertThat(caches.get("pages").options().defaultTtl()).isEqualTo(Ttl.ofMinutes(10));
                    assertThat(caches.redisStore("products")).isPresent();
                    assertThat(caches.redisStore("sessions")).isEmpty();

                    products.set("p1", "phone");
                    assertThat(products.get("p1", String.class)).isEqualTo("phone");
                    caches.get("pages").set("home", "<html>");
                    assertThat(caches.get("pages").get("home", String.class)).isEqualTo("<html>");
                    products.clear();
                    caches.get("pages").clear();

                    assertThat(context.getBean(CacheManager.class).getCacheNames()).containsExactly("products", "pages", "sessions");
                });
    }

    @Test
    void aCacheManagerOfTheApplicationsOwnWins() {
        contexts.withUserConfiguration(OwnCacheManager.class)
                .withPropertyValues("cachet.caches.products.store=local")
                .run(context -> {
                    assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
                    assertThat(context.getBean(CachetCaches.class).all()).containsOnlyKeys("products");
                });
    }

    @Test
    void anApplicationWithoutTheOptionalLibrariesGetsTheCachesAlone() {
        contexts.withClassLoader(new FilteredClassLoader("io.micrometer", "org.thymeleaf", "org.springframework.boot.health",
                        "org.springframework.boot.actuate", "org.springframework.web.servlet"))
                .withConfiguration(AutoConfigurations.of(CachetActuatorAutoConfiguration.class, CachetWebAutoConfiguration.class,
                        CachetThymeleafAutoConfiguration.class))
                .withPropertyValues("cachet.caches.products.store=local")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CachetCaches.class).hasSingleBean(CacheManager.class);
                    assertThat(context).doesNotHaveBean(RedisMonitor.class).doesNotHaveBean(CachetDialect.class)
                            .doesNotHaveBean("cachetResponseCacheFilter");
                });
    }

    @Test
    void withTheOptionalLibrariesEachPartIsThere() {
        contexts.withConfiguration(AutoConfigurations.of(CachetActuatorAutoConfiguration.class, CachetThymeleafAutoConfiguration.class))
                .withPropertyValues("cachet.caches.products.store=local", "cachet.fragments.cache=products")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(RedisMonitor.class).hasSingleBean(CachetMeters.class)
                        .hasSingleBean(CachetEndpoint.class).hasSingleBean(CachetDialect.class).hasBean("cachetHealthIndicator"));
    }

    @Test
    void theCacheManagerCanBeLeftOut() {
        contexts.withPropertyValues("cachet.caches.products.store=local", "cachet.cache-manager.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(CacheManager.class);
                    assertThat(context.getBean(CachetCaches.class).all()).containsOnlyKeys("products");
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnCacheManager {
        @Bean
        CacheManager cacheManager() {
            return new ConcurrentMapCacheManager("mine");
        }
    }

    private void failsNaming(String property, String reason, String... properties) {
        contexts.withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("Property " + property)
                    .hasMessageContaining(reason)
                    .hasMessageNotContaining("secret");
        });
    }

    @Test
    void badPropertiesStopStartUpNamingTheProperty() {
        failsNaming("cachet.caches.products.default-ttl", "must be a positive duration",
                "cachet.caches.products.default-ttl=-1s");
        failsNaming("cachet.caches.products.default-ttl", "longer than max-ttl",
                "cachet.caches.products.default-ttl=2h", "cachet.caches.products.max-ttl=1h");
        failsNaming("cachet.caches.products.url", "needs a Redis URL",
                "cachet.caches.products.store=redis", "cachet.caches.products.url=");
        failsNaming("cachet.caches.products.url", "Scheme http not supported",
                "cachet.caches.products.store=redis", "cachet.caches.products.url=http://user:secret@example.com");
        failsNaming("cachet.caches.products.compression-threshold", "between 1B and 2GB",
                "cachet.caches.products.compression-threshold=0B");
        failsNaming("cachet.caches.products.local.maximum-entries", "must be positive",
                "cachet.caches.products.local.maximum-entries=0");
        failsNaming("cachet.caches.products.early-refresh", "zero or a positive number",
                "cachet.caches.products.early-refresh=-1");
        failsNaming("cachet.caches.products.stale-if-error", "zero or a positive duration",
                "cachet.caches.products.stale-if-error=-5s");
        failsNaming("cachet.defaults.breaker.failure-threshold".replace("defaults", "caches.products"), "must be positive",
                "cachet.caches.products.breaker.failure-threshold=0");
        failsNaming("cachet.caches.products.max-pending-invalidations", "must not be negative",
                "cachet.caches.products.max-pending-invalidations=-1");
        failsNaming("cachet.caches.products.trusted-certificates", "not a readable file", "cachet.caches.products.store=redis",
                "cachet.caches.products.url=rediss://127.0.0.1:6380", "cachet.caches.products.trusted-certificates=/nowhere/ca.pem");
        failsNaming("cachet.caches", "must not be blank", "cachet.caches[ ].store=local");
        failsNaming("cachet.caches.sessions.url", "memcached://host[:port]",
                "cachet.caches.sessions.store=memcached");
        failsNaming("cachet.caches.sessions.url", "port",
                "cachet.caches.sessions.store=memcached", "cachet.caches.sessions.url=memcached://127.0.0.1:99999");
        failsNaming("cachet.caches.sessions.cluster", "spreads its keys over the servers",
                "cachet.caches.sessions.store=memcached", "cachet.caches.sessions.url=" + LocalMemcached.URL,
                "cachet.caches.sessions.cluster=true");
    }

    /** What a Spring application writes, with no code of its own for Cachet: names as its own code has them. */
    public static class Catalog {
        private final AtomicInteger loads = new AtomicInteger();

        public int loads() {
            return loads.get();
        }

        @Cacheable("productCache")
        public String product(long id) {
            loads.incrementAndGet();
            return "product " + id;
        }

        @Cacheable("catalog.products")
        public String page(int page) {
            loads.incrementAndGet();
            return "page " + page;
        }

        @Cacheable("orderHistory")
        public String orders(String customer) {
            loads.incrementAndGet();
            return "orders of " + customer;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CatalogApplication {
        @Bean
        Catalog catalog() {
            return new Catalog();
        }
    }

    @Test
    void anyCacheNameASpringApplicationUsesWorksFromProperties() {
        contexts.withUserConfiguration(CatalogApplication.class)
                .withPropertyValues(
                        "cachet.defaults.key-prefix=" + run,
                        "cachet.defaults.url=" + LocalRedis.URL,
                        // As Spring Boot keeps a map key that is not lower-case kebab: in brackets.
                        "cachet.caches[productCache].store=redis",
                        "cachet.caches[productCache].default-ttl=1h",
                        "cachet.caches[catalog.products].store=tiered",
                        // Or in its relaxed form, which the cache manager finds for orderHistory.
                        "cachet.caches.order-history.store=local")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Catalog catalog = context.getBean(Catalog.class);
                    for (int i = 0; i < 3; i++) {
                        assertThat(catalog.product(7)).isEqualTo("product 7");
                        assertThat(catalog.page(2)).isEqualTo("page 2");
                        assertThat(catalog.orders("alice")).isEqualTo("orders of alice");
                    }
                    assertThat(catalog.loads()).isEqualTo(3);

                    CachetCaches caches = context.getBean(CachetCaches.class);
                    assertThat(caches.all()).containsOnlyKeys("productCache", "catalog.products", "order-history");
                    assertThat(caches.get("productCache").options().defaultTtl()).isEqualTo(Ttl.ofHours(1));
                    assertThat(caches.get("productCache").options().keyPrefix()).isEqualTo(run + ":productCache");
                    assertThat(caches.get("productCache").get("7", SpringValues.Holder.class).value()).isEqualTo("product 7");
                    CacheManager manager = context.getBean(CacheManager.class);
                    assertThat(manager.getCache("orderHistory").getName()).isEqualTo("orderHistory");
                    assertThat(manager.getCache("orderHistory").getNativeCache()).isSameAs(caches.get("order-history"));
                    assertThat(manager.getCache("order_history").getNativeCache()).isSameAs(caches.get("order-history"));
                    assertThat(manager.getCache("prodcts")).as("a typo finds nothing").isNull();
                    caches.all().values().forEach(Cache::clear);
                });
    }

    @Test
    void theRelaxedFormOfANameIsBootsPropertyForm() {
        assertThat(CachetCacheManager.relaxed("productCache")).isEqualTo("product-cache");
        assertThat(CachetCacheManager.relaxed("catalog.products")).isEqualTo("catalog-products");
        assertThat(CachetCacheManager.relaxed("order_history")).isEqualTo("order-history");
        assertThat(CachetCacheManager.relaxed("HTTPResponses")).isEqualTo("httpresponses");
        assertThat(CachetCacheManager.relaxed("products")).isEqualTo("products");
    }

    @Test
    void memcachedCachesShareAStorePerServerList() {
        LocalMemcached.require();
        contexts.withPropertyValues(
                        "cachet.defaults.key-prefix=" + run,
                        "cachet.caches.sessions.store=memcached",
                        "cachet.caches.sessions.url=" + LocalMemcached.URL,
                        "cachet.caches.carts.store=memcached",
                        "cachet.caches.carts.url=" + LocalMemcached.URL)
                .run(context -> {
                    CachetCaches caches = context.getBean(CachetCaches.class);
                    assertThat(caches.storeType("sessions")).isEqualTo("memcached");
                    assertThat(caches.redisStore("sessions")).isEmpty();
                    Cache sessions = caches.get("sessions");
                    sessions.set("s1", "alice");
                    assertThat(sessions.get("s1", String.class)).isEqualTo("alice");
                    assertThat(caches.get("carts").get("s1", String.class)).as("another prefix").isNull();
                    assertThat(sessions.clear()).isEqualTo(-1);
                    assertThat(sessions.get("s1", String.class)).isNull();
                });
    }

    @Test
    void redisAndTieredCachesOnOneRedisShareOneStoreThatClosesWithTheContext() {
        AtomicReference<Store> shared = new AtomicReference<>();
        contexts.withPropertyValues(
                        "cachet.defaults.url=" + LocalRedis.URL,
                        "cachet.defaults.key-prefix=" + run,
                        "cachet.caches.products.store=redis",
                        "cachet.caches.pages.store=tiered",
                        "cachet.caches.fragments.store=tiered")
                .run(context -> {
                    CachetCaches caches = context.getBean(CachetCaches.class);
                    Store store = caches.redisStore("products").orElseThrow();
                    assertThat(caches.redisStore("pages")).containsSame(store);
                    assertThat(caches.redisStore("fragments")).containsSame(store);
                    assertThat(caches.redisServers()).singleElement().satisfies(server ->
                            assertThat(server.aliases()).containsExactly("products", "pages", "fragments"));
                    for (String alias : List.of("products", "pages", "fragments")) {
                        Cache cache = caches.get(alias);
                        cache.set("k", alias);
                        assertThat(cache.get("k", String.class)).isEqualTo(alias);
                        assertThat(store.get(cache.makeKey("k")).join()).as("%s's value, in Redis", alias).isNotNull();
                        cache.clear();
                    }
                    shared.set(store);
                });
        assertThatThrownBy(() -> shared.get().get(run + ":pages:1:k").join())
                .as("the shared store, once the context closed").hasMessageContaining("is closed");
    }

    @Test
    void aMemcachedCacheWithoutTheMemcachedModuleIsRefusedByName() {
        contexts.withClassLoader(new FilteredClassLoader("dev.cachet.memcached"))
                .withPropertyValues("cachet.caches.sessions.store=memcached", "cachet.caches.sessions.url=" + LocalMemcached.URL)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause()
                            .hasMessageContaining("Property cachet.caches.sessions.store")
                            .hasMessageContaining("dev.cachet:cachet-memcached");
                });
    }

    @Test
    void aRedisWithoutMaxmemoryOrThatRefusesWritesWhenFullIsReportedOnce() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord log) {
                if (log.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(log.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(RedisMemoryCheck.class.getName());
        logger.addHandler(handler);
        try (RedisServers servers = new RedisServers()) {
            int unbounded = servers.start();
            int noeviction = servers.start("--maxmemory", "64mb", "--maxmemory-policy", "noeviction");
            int good = servers.start("--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru");
            contexts.withPropertyValues(
                            "cachet.caches.a.store=redis", "cachet.caches.a.url=redis://127.0.0.1:" + unbounded,
                            "cachet.caches.b.store=redis", "cachet.caches.b.url=redis://127.0.0.1:" + unbounded,
                            "cachet.caches.c.store=redis", "cachet.caches.c.url=redis://127.0.0.1:" + noeviction,
                            "cachet.caches.d.store=redis", "cachet.caches.d.url=redis://127.0.0.1:" + good)
                    .run(context -> {
                        context.getBean(RedisMemoryCheck.class).done().join();
                        String log = String.join("\n", warnings);
                        assertThat(log).containsOnlyOnce("127.0.0.1:" + unbounded + " (caches a, b) has no maxmemory");
                        assertThat(log).containsOnlyOnce("127.0.0.1:" + noeviction + " (caches c) has maxmemory-policy noeviction");
                        assertThat(log).doesNotContain("127.0.0.1:" + good + " (caches d)");
                    });
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void theMemoryCheckReadsTheInfoFields() {
        assertThat(RedisMemoryCheck.warning(Map.of("maxmemory", "0", "maxmemory_policy", "allkeys-lru"))).contains("no maxmemory");
        assertThat(RedisMemoryCheck.warning(Map.of("maxmemory", "1000", "maxmemory_policy", "noeviction"))).contains("noeviction");
        assertThat(RedisMemoryCheck.warning(Map.of("maxmemory", "1000", "maxmemory_policy", "volatile-lru"))).isNull();
    }
}
