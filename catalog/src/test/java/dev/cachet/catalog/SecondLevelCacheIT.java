package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.TcpProxy;
import dev.cachet.catalog.product.Product;
import dev.cachet.catalog.product.ProductInput;
import dev.cachet.catalog.product.ProductRepository;
import dev.cachet.catalog.product.ProductService;
import dev.cachet.redis.LocalRedis;
import jakarta.persistence.EntityManagerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Hibernate's second-level cache in the catalog, on Cachet's JCache provider over the tiered store: two
 * instances on one PostgreSQL schema and the real Redis, the first through a proxy the test can cut. The
 * statements counted are the ones Hibernate prepares, which are all the statements a load by id can run.
 */
class SecondLevelCacheIT {
    private static final TestServices SERVICES = new TestServices();
    private static TcpProxy redis;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @BeforeAll
    static void start() throws Exception {
        TestServices.require();
        redis = new TcpProxy(LocalRedis.HOST, LocalRedis.PORT);
        first = instance("redis://127.0.0.1:" + redis.port(), true);
        second = instance(LocalRedis.URL, false);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {second, first, redis}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        SERVICES.drop();
    }

    /** An instance on the test's schema; the first one loads the demo data. */
    private static ConfigurableApplicationContext instance(String redisUrl, boolean loadsDemoData) {
        List<String> args = new ArrayList<>(List.of("--server.port=0"));
        SERVICES.properties(redisUrl).forEach((name, value) -> {
            if (loadsDemoData || !name.equals("catalog.demo.products")) {
                args.add("--" + name + "=" + value);
            }
        });
        if (!loadsDemoData) {
            args.add("--catalog.demo.products=0");
        }
        return new SpringApplicationBuilder(CatalogApplication.class).run(args.toArray(String[]::new));
    }

    private static ProductRepository products(ConfigurableApplicationContext instance) {
        return instance.getBean(ProductRepository.class);
    }

    private static Statistics statistics(ConfigurableApplicationContext instance) {
        return instance.getBean(EntityManagerFactory.class).unwrap(SessionFactory.class).getStatistics();
    }

    @Test
    void aSecondLoadByIdRunsNoSqlOnThisInstanceOrAnother() {
        Product loaded = products(first).findShown(7).orElseThrow();
        Statistics statistics = statistics(first);
        long statements = statistics.getPrepareStatementCount();
        long hits = statistics.getSecondLevelCacheHitCount();
        assertThat(products(first).findShown(7)).contains(loaded);
        assertThat(statistics.getPrepareStatementCount()).as("statements").isEqualTo(statements);
        assertThat(statistics.getSecondLevelCacheHitCount() - hits).as("the product and its category").isEqualTo(2);

        Statistics other = statistics(second);
        long otherStatements = other.getPrepareStatementCount();
        assertThat(products(second).findShown(7)).as("from Redis").contains(loaded);
        assertThat(other.getPrepareStatementCount()).as("statements on the other instance").isEqualTo(otherStatements);
    }

    @Test
    void anUpdateOnOneInstanceIsReadFreshOnTheOther() {
        assertThat(products(second).find(8)).isPresent();
        assertThat(products(second).find(8)).as("held by the other instance").isPresent();
        first.getBean(ProductService.class).patch(8, new ProductInput("Renamed On The First", null, null, null, null, null));
        await().atMost(Duration.ofSeconds(2)).until(() -> products(second).find(8).orElseThrow().name().equals("Renamed On The First"));
    }

    @Test
    void aTransactionThatRollsBackLeavesEveryInstanceReadingTheCommittedRow() {
        Product committed = products(first).find(9).orElseThrow();
        assertThat(products(second).find(9)).contains(committed);
        new TransactionTemplate(first.getBean(PlatformTransactionManager.class)).executeWithoutResult(status -> {
            // The update runs (the row is written and the entry locked) and is then rolled back.
            products(first).update(9, "Rolled Back", committed.slug(), committed.description(), committed.price(),
                    committed.categoryId(), committed.active());
            assertThat(products(second).find(9)).as("while the writer is open").contains(committed);
            status.setRollbackOnly();
        });
        assertThat(products(first).find(9)).contains(committed);
        assertThat(products(second).find(9)).contains(committed);
        assertThat(products(first).find(9)).as("cached again").contains(committed);
    }

    @Test
    void redisCutAtTheProxyCostsHitsNeverAnError() throws Exception {
        List<Long> ids = List.of(20L, 21L, 22L, 23L, 24L);
        List<Product> cached = ids.stream().map(id -> products(first).find(id).orElseThrow()).toList();
        Statistics statistics = statistics(first);
        redis.cut();
        try {
            long misses = statistics.getSecondLevelCacheMissCount();
            for (Product product : cached) {
                assertThat(products(first).find(product.id())).contains(product);
            }
            assertThat(statistics.getSecondLevelCacheMissCount() - misses).as("read from the database").isEqualTo(ids.size());
            first.getBean(ProductService.class).patch(20, new ProductInput("Written While Cut", null, null, null, null, null));
            assertThat(products(first).find(20).orElseThrow().name()).isEqualTo("Written While Cut");
        } finally {
            redis.restore();
        }
        // The entry Redis still holds from before is invalidated once Redis answers, never read on another instance.
        await().atMost(Duration.ofSeconds(10)).until(() -> products(second).find(20).orElseThrow().name().equals("Written While Cut"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            long hits = statistics.getSecondLevelCacheHitCount();
            products(first).find(21);
            assertThat(statistics.getSecondLevelCacheHitCount()).as("hits again").isGreaterThan(hits);
        });
    }
}
