package dev.cachet.spring.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.CachetAutoConfiguration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The JCache manager over Cachet that {@code cachet.jcache.*} describes, on the Redis on 6379. */
class CachetJCacheAutoConfigurationIT {
    private final String run = "jcache-" + UUID.randomUUID();
    private final ApplicationContextRunner contexts = new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(
            CachetAutoConfiguration.class, CachetJCacheAutoConfiguration.class, CachetHibernateAutoConfiguration.class));

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @Test
    void aJCacheManagerOnTheConfiguredStoreIsThereForLibrariesThatTakeOne() {
        CacheManager[] seen = new CacheManager[1];
        contexts.withPropertyValues("cachet.defaults.url=" + LocalRedis.URL, "cachet.defaults.key-prefix=" + run,
                        "cachet.jcache.store=tiered")
                .run(context -> {
                    CacheManager manager = context.getBean(CacheManager.class);
                    seen[0] = manager;
                    Cache<Long, String> products = manager.createCache("products",
                            new MutableConfiguration<Long, String>().setTypes(Long.class, String.class));
                    products.put(1L, "lamp");
                    assertThat(products.get(1L)).isEqualTo("lamp");
                    dev.cachet.Cache cachet = products.unwrap(dev.cachet.Cache.class);
                    assertThat(cachet.options().keyPrefix()).startsWith(run + ":jcache");
                    products.clear();
                });
        assertThat(seen[0].isClosed()).as("closed with the context").isTrue();
    }

    @Test
    void aBadStoreStopsStartUpNamingTheProperty() {
        contexts.withPropertyValues("cachet.jcache.store=disk").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("cachet.jcache.store")
                    .hasMessageContaining("local, redis or tiered");
        });
    }

    @Test
    void withoutTheModuleOrWhenTurnedOffThereIsNone() {
        contexts.withClassLoader(new FilteredClassLoader("dev.cachet.jcache"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CacheManager.class));
        contexts.withPropertyValues("cachet.jcache.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(CacheManager.class));
    }

    @Test
    void failSoftAsTheApplicationsCaches() {
        contexts.run(context -> assertThat(context.getBean(CacheManager.class).getProperties()
                .getProperty("cachet.jcache.fail-soft")).isEqualTo("true"));
        contexts.withPropertyValues("cachet.defaults.fail-soft=false").run(context -> assertThat(context.getBean(CacheManager.class)
                .getProperties().getProperty("cachet.jcache.fail-soft")).isEqualTo("false"));
    }

    @Test
    void theStoreFollowsTheApplicationsDefaultStoreUnlessNamed() {
        contexts.withPropertyValues("cachet.defaults.url=" + LocalRedis.URL, "cachet.defaults.store=redis").run(context ->
                assertThat(context.getBean(CacheManager.class).getProperties().getProperty("cachet.jcache.store")).isEqualTo("redis"));
        contexts.withPropertyValues("cachet.defaults.store=redis", "cachet.jcache.store=local").run(context ->
                assertThat(context.getBean(CacheManager.class).getProperties().getProperty("cachet.jcache.store")).isEqualTo("local"));
        contexts.withPropertyValues("cachet.defaults.store=memcached").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("cachet.jcache.store")
                    .hasMessageContaining("memcached");
        });
    }

    @Test
    void hibernatesSecondLevelCacheIsGivenTheManager() {
        contexts.run(context -> {
            Map<String, Object> hibernate = new HashMap<>();
            context.getBean(HibernatePropertiesCustomizer.class).customize(hibernate);
            assertThat(hibernate).containsEntry("hibernate.javax.cache.cache_manager", context.getBean(CacheManager.class))
                    .containsEntry("hibernate.javax.cache.missing_cache_strategy", "create");
        });
    }

    @Test
    void anApplicationThatNamesItsOwnManagerForHibernateKeepsIt() {
        contexts.run(context -> {
            Map<String, Object> hibernate = new HashMap<>(Map.of("hibernate.javax.cache.uri", "classpath:ehcache.xml"));
            context.getBean(HibernatePropertiesCustomizer.class).customize(hibernate);
            assertThat(hibernate).containsOnlyKeys("hibernate.javax.cache.uri");
        });
        contexts.withPropertyValues("cachet.jcache.hibernate=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HibernatePropertiesCustomizer.class));
        contexts.withClassLoader(new FilteredClassLoader("org.hibernate.cache.jcache"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(HibernatePropertiesCustomizer.class));
    }
}
