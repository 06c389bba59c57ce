package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.TcpProxy;
import dev.cachet.catalog.category.CategoryRepository;
import dev.cachet.catalog.cli.CacheCli;
import dev.cachet.catalog.product.Product;
import dev.cachet.catalog.product.ProductPage;
import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.CachetCaches;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The cache commands, run against the live database and Redis (with the service running, for {@code stats}),
 * printing what they did and exiting with 0, 1 or 2.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CacheCommandsIT {
    private static final TestServices SERVICES = new TestServices();

    @BeforeAll
    static void servicesAreUp() {
        TestServices.require();
    }

    @AfterAll
    static void dropSchema() throws Exception {
        SERVICES.drop();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        SERVICES.properties(LocalRedis.URL).forEach((name, value) -> registry.add(name, () -> value));
    }

    @LocalServerPort
    int port;

    @Autowired
    CachetCaches caches;

    @Autowired
    CategoryRepository categories;

    /** What a command printed and its exit code. */
    private record Run(int code, String out, String err) {}

    private Run cache(String... args) {
        return cacheWithRedisAt(LocalRedis.URL, args);
    }

    private Run cacheWithRedisAt(String redisUrl, String... args) {
        List<String> all = new ArrayList<>(List.of("cache"));
        all.addAll(List.of(args));
        SERVICES.properties(redisUrl).forEach((name, value) -> all.add("--" + name + "=" + value));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CacheCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void warmPutsACategorysPagesAndProductsInTheCaches() {
        Run run = cache("warm", "--category", "1", "--ttl", "600");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("warming [", "warmed 1 categories: 2 pages and");
        assertThat(caches.get("objects").countByPattern("product:*")).isPositive();
        assertThat(caches.get("queries").contains("products:category:1:page:1")).isTrue();

        Run all = cache("warm");
        assertThat(all.code()).isZero();
        assertThat(all.out()).contains("warmed 3 categories");
    }

    @Test
    void invalidateDropsByCategoryTagOrPatternAndCountsInADryRun() {
        cache("warm", "--category", "2");
        assertThat(caches.get("queries").contains("products:category:2:page:1")).isTrue();
        List<Long> inCategory = categories.productIds(2);
        long product = inCategory.getFirst();
        String expected = "category 2: tag category:2 and the tags of its " + inCategory.size() + " products, in 5 caches";
        assertThat(caches.get("objects").get("product:" + product, Product.class)).isNotNull();
        Run wouldDo = cache("invalidate", "--category", "2", "--dry-run");
        assertThat(wouldDo.code()).as(wouldDo.err()).isZero();
        assertThat(wouldDo.out()).contains("would invalidate " + expected,
                "(dry run, nothing invalidated)");
        assertThat(caches.get("queries").contains("products:category:2:page:1")).isTrue();
        Run byCategory = cache("invalidate", "--category", "2");
        assertThat(byCategory.code()).as(byCategory.err()).isZero();
        assertThat(byCategory.out()).contains("invalidating [", "invalidated " + expected);
        assertThat(caches.get("queries").contains("products:category:2:page:1")).isFalse();
        assertThat(caches.get("objects").get("product:" + product, Product.class)).as("its products too").isNull();

        cache("warm", "--category", "2");
        Run dryRun = cache("invalidate", "--pattern", "products:category:2:*", "--dry-run");
        assertThat(dryRun.out()).contains("queries    2 keys match", "(dry run, nothing deleted)");
        assertThat(caches.get("queries").contains("products:category:2:page:1")).isTrue();
        Run deleted = cache("invalidate", "--pattern", "products:category:2:*");
        assertThat(deleted.out()).contains("pattern 'products:category:2:*': 2 keys deleted");
        cache("warm", "--category", "2");
        ProductPage shown = caches.get("queries").get("products:category:2:page:1", ProductPage.class);
        long onPage = shown.results().getLast().id();
        assertThat(cache("invalidate", "--tag", "product:" + onPage).out()).contains("invalidated tag product:" + onPage + ", in 5 caches");
        assertThat(caches.get("queries").get("products:category:2:page:1", ProductPage.class))
                .as("the page that shows the product went with it").isNull();
        assertThat(caches.get("queries").get("products:category:2:page:2", ProductPage.class)).as("the other page stays").isNotNull();
        assertThat(cache("invalidate", "--tag", "product:5", "--dry-run").out()).contains("would invalidate tag product:5");
    }

    @Test
    void statsShowsTheServicesCountersAndRedis() {
        caches.get("objects").get("product:1", Object.class);
        // At least one key in Redis' database 0, whatever ran before.
        assertThat(caches.get("objects").set("stats", "shown")).isTrue();
        Run run = cache("stats", "--service", "http://127.0.0.1:" + port);
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("objects", "queries", "pages", "fragments", "hit ratio",
                "redis redis://127.0.0.1:6379: memory", "evicted", "keyspace hits", "redis redis://127.0.0.1:6379: keyspace db0 keys=");
    }

    @Test
    void purgeVersionsCountsThenDeletesOldVersions() {
        caches.get("objects").withVersion(7).set("old", "entry");
        Run dryRun = cache("purge-versions", "--dry-run");
        assertThat(dryRun.code()).isZero();
        assertThat(dryRun.out()).contains("objects    version 1 current, 1 entries of other versions found");
        Run purged = cache("purge-versions");
        assertThat(purged.out()).contains("1 entries of old versions deleted");
        assertThat(caches.get("objects").withVersion(7).contains("old")).isFalse();
    }

    @Test
    void failuresAndBadArgumentsExitNonZeroWithAMessage() {
        Run noChoice = cache("invalidate");
        assertThat(noChoice.code()).isEqualTo(2);
        assertThat(noChoice.err()).contains("give exactly one of --category, --tag and --pattern");
        Run badTtl = cache("warm", "--ttl", "0");
        assertThat(badTtl.code()).isEqualTo(2);
        assertThat(badTtl.err()).contains("--ttl must be a positive number of seconds");
        Run noCategory = cache("warm", "--category", "999");
        assertThat(noCategory.code()).isEqualTo(1);
        assertThat(noCategory.err()).contains("failed: no category 999");
        Run noService = cache("stats", "--service", "http://127.0.0.1:1");
        assertThat(noService.code()).isEqualTo(1);
        assertThat(noService.err()).contains("cannot reach the service at http://127.0.0.1:1");
        Run unknown = cache("frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        List<String> local = new ArrayList<>(List.of("cache", "invalidate", "--tag", "x"));
        SERVICES.properties(LocalRedis.URL).forEach((name, value) -> local.add("--" + name + "=" + (name.equals("cachet.defaults.store") ? "local" : value)));
        StringWriter localErr = new StringWriter();
        assertThat(CacheCli.run(local.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(localErr))).isEqualTo(1);
        assertThat(localErr.toString()).contains("every cache is in process");
        Run noDatabase = new Run(CacheCli.run(new String[] {"cache", "stats", "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none"},
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())), "", "");
        assertThat(noDatabase.code()).isEqualTo(1);
    }

    @Test
    void withRedisCutOffTheCommandsFailInsteadOfReportingNothingDone() throws Exception {
        try (TcpProxy redis = new TcpProxy(LocalRedis.HOST, LocalRedis.PORT)) {
            String url = "redis://127.0.0.1:" + redis.port();
            redis.cut();
            for (String[] command : List.of(new String[] {"invalidate", "--tag", "product:5"},
                    new String[] {"invalidate", "--pattern", "product:*"}, new String[] {"purge-versions"},
                    new String[] {"warm", "--category", "1"})) {
                Run run = cacheWithRedisAt(url, command);
                assertThat(run.code()).as(String.join(" ", command) + ": " + run.out()).isEqualTo(1);
                assertThat(run.err()).contains("cache " + command[0] + ": failed:").doesNotContain("deleted");
            }
        }
    }

    @Test
    void aBadCommandLineIsRefusedBeforeTheDatabaseIsAskedAnything() {
        StringWriter err = new StringWriter();
        int code = CacheCli.run(new String[] {"cache", "invalidate", "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("give exactly one of --category, --tag and --pattern").doesNotContain("cannot start");
    }
}
