package dev.cachet.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.redis.LocalRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code @Cacheable} in two application contexts on one Redis, as two instances of a service: what one
 * loads the other reads, {@code sync = true} loads once across both, and an eviction inside a transaction
 * waits for the commit.
 */
class CacheableAcrossInstancesIT {
    /** Counts loads from "the database", across both contexts. */
    static final AtomicInteger LOADS = new AtomicInteger();

    /** A service whose reads are cached. */
    public static class ProductService {
        @Cacheable("products")
        public String name(long id) {
            LOADS.incrementAndGet();
            return "product " + id;
        }

        @Cacheable(cacheNames = "products", sync = true)
        public String slowName(long id) throws InterruptedException {
            LOADS.incrementAndGet();
            Thread.sleep(100);
            return "slow product " + id;
        }

        @CacheEvict("products")
        public void rename(long id) {
        }

        @CachePut(cacheNames = "products", key = "#id")
        public String save(long id, String name) {
            return name;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class Service {
        @Bean
        ProductService productService() {
            return new ProductService();
        }

        @Bean
        PlatformTransactionManager transactionManager() {
            return new NoResourceTransactionManager();
        }
    }

    /** Transactions with nothing behind them: enough for Spring's synchronizations to run at commit. */
    static final class NoResourceTransactionManager extends AbstractPlatformTransactionManager {
        private static final long serialVersionUID = 1L;

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
        }
    }

    private String prefix;

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @BeforeEach
    void reset() {
        LOADS.set(0);
        prefix = "cacheable-" + UUID.randomUUID();
    }

    private ApplicationContextRunner instance() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CachetAutoConfiguration.class))
                .withUserConfiguration(Service.class)
                .withPropertyValues("cachet.caches.products.store=redis", "cachet.caches.products.url=" + LocalRedis.URL,
                        "cachet.caches.products.key-prefix=" + prefix);
    }

    /** Runs {@code test} with two instances up at once, then clears their cache. */
    private void withTwoInstances(BiConsumer<ApplicationContext, ApplicationContext> test) {
        instance().run(a -> instance().run(b -> {
            try {
                test.accept(a, b);
            } finally {
                a.getBean(CachetCaches.class).get("products").clear();
            }
        }));
    }

    @Test
    void whatOneInstanceLoadsTheOtherReads() {
        withTwoInstances((first, second) -> {
            ProductService a = first.getBean(ProductService.class);
            ProductService b = second.getBean(ProductService.class);
            assertThat(a.name(1)).isEqualTo("product 1");
            assertThat(b.name(1)).isEqualTo("product 1");
            assertThat(a.name(1)).isEqualTo("product 1");
            assertThat(LOADS).hasValue(1);
            b.rename(1);
            assertThat(a.name(1)).isEqualTo("product 1");
            assertThat(LOADS).hasValue(2);
            // Written through on one instance, read on the other without a load.
            b.save(1, "renamed product 1");
            assertThat(a.name(1)).isEqualTo("renamed product 1");
            assertThat(LOADS).hasValue(2);
        });
    }

    @Test
    void syncLoadsOnceAcrossInstances() {
        withTwoInstances((first, second) -> loadsOnce(List.of(first.getBean(ProductService.class), second.getBean(ProductService.class))));
    }

    private static void loadsOnce(List<ProductService> services) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(40)) {
            for (int i = 0; i < 40; i++) {
                ProductService service = services.get(i % 2);
                results.add(callers.submit(() -> {
                    start.await();
                    return service.slowName(7);
                }));
            }
            start.countDown();
            for (Future<String> result : results) {
                assertThat(result).succeedsWithin(30, TimeUnit.SECONDS).isEqualTo("slow product 7");
            }
        }
        assertThat(LOADS).hasValue(1);
    }

    @Test
    void anEvictionInsideATransactionWaitsForTheCommit() {
        instance().run(context -> {
            ProductService service = context.getBean(ProductService.class);
            dev.cachet.Cache products = context.getBean(CachetCaches.class).get("products");
            service.name(3);
            TransactionTemplate transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
            transaction.executeWithoutResult(status -> {
                service.rename(3);
                // Not yet: until the commit, the database still holds what the cache holds.
                assertThat(products.contains("3")).isTrue();
            });
            assertThat(products.contains("3")).isFalse();
            products.clear();
        });
    }
}
