package dev.cachet.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachet.CacheOptions;
import dev.cachet.Ttl;
import dev.cachet.local.LocalStore;
import dev.cachet.redis.LocalRedis;
import dev.cachet.redis.RedisStore;
import dev.cachet.store.Store;
import java.math.BigDecimal;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;

/** A {@link CachetCacheManager} built from the public API alone, without Spring Boot, on the Redis on 6379. */
class CachetCacheManagerIT {
    /** A value of the application's own. */
    public record Product(long id, String name, BigDecimal price) {}

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @Test
    void aManagerBuiltWithoutBootServesItsCachesAndClosesItsStore() {
        Store store = RedisStore.create(LocalRedis.URL);
        String prefix = "manager-" + UUID.randomUUID();
        CachetCacheManager manager = CachetCacheManager.builder(store)
                .defaults(CacheOptions.builder().keyPrefix(prefix).defaultTtl(Ttl.ofMinutes(5)).build())
                .withCache("productCache")
                .withCache("catalog.products", CacheOptions.builder().name("pages").keyPrefix(prefix + "-pages")
                        .defaultTtl(Ttl.ofHours(1)).build())
                .allowedTypes(Product.class.getName())
                .build();
        assertThat(manager.getCacheNames()).containsExactly("productCache", "catalog.products");

        Cache products = manager.getCache("productCache");
        Product lamp = new Product(1, "lamp", new BigDecimal("19.90"));
        products.put(1L, lamp);
        assertThat(products.get(1L, Product.class)).isEqualTo(lamp);
        dev.cachet.Cache cachet = (dev.cachet.Cache) products.getNativeCache();
        assertThat(cachet.options().keyPrefix()).isEqualTo(prefix + ":productCache");
        assertThat(cachet.options().defaultTtl()).isEqualTo(Ttl.ofMinutes(5));
        Cache pages = manager.getCache("catalog.products");
        assertThat(((dev.cachet.Cache) pages.getNativeCache()).options().defaultTtl()).isEqualTo(Ttl.ofHours(1));
        assertThat(pages.get("p1", () -> "page one")).isEqualTo("page one");
        assertThat(manager.getCache("product-cache")).as("not configured, in any form").isNull();

        products.clear();
        pages.clear();
        manager.close();
        assertThatThrownBy(() -> store.get(prefix + ":productCache:1:1").join()).as("the manager closed its store")
                .isNotNull();
    }

    @Test
    void transactionAwarenessDecoratesEachCache() {
        try (CachetCacheManager manager = CachetCacheManager.builder(LocalStore.create()).withCache("products")
                .transactionAware(true).build()) {
            assertThat(manager.getCache("products")).isInstanceOf(TransactionAwareCacheDecorator.class);
        }
    }

    @Test
    void misuseIsRefusedNamingTheProblem() {
        try (Store store = LocalStore.create()) {
            assertThatThrownBy(() -> CachetCacheManager.builder(store).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one cache");
            assertThatThrownBy(() -> CachetCacheManager.builder(store).withCache("products").withCache("products"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'products' is added twice");
            assertThatThrownBy(() -> CachetCacheManager.builder(store).withCache(" "))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
            assertThatThrownBy(() -> CachetCacheManager.builder(store).allowedTypes(""))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be blank");
            assertThatThrownBy(() -> CachetCacheManager.builder(null)).isInstanceOf(NullPointerException.class);
        }
    }
}
