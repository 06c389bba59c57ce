package dev.cachet.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.ComputeOptions;
import dev.cachet.Ttl;
import dev.cachet.memcached.LocalMemcached;
import dev.cachet.redis.LocalRedis;
import dev.cachet.redis.RedisServers;
import dev.cachet.spring.RunningServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real web server with Actuator and the Prometheus registry: after traffic, the scrape holds every
 * Cachet meter with a value above zero; health answers from the monitor, UP while only a fail-soft cache's
 * Redis is down; the endpoint lists caches and invalidates.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = ObservabilityIT.App.class)
class ObservabilityIT extends RunningServer {
    private static final String PREFIX = "observability-" + UUID.randomUUID();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        registry.add("cachet.defaults.url", () -> LocalRedis.URL);
        registry.add("cachet.defaults.key-prefix", () -> PREFIX);
        registry.add("cachet.caches.products.store", () -> "redis");
        registry.add("cachet.caches.products.lease-wait", () -> "20ms");
        registry.add("cachet.caches.products.stale-if-error", () -> "1m");
        registry.add("cachet.caches.pages.store", () -> "tiered");
        registry.add("cachet.caches.sessions.store", () -> "local");
        registry.add("cachet.caches.carts.store", () -> "memcached");
        registry.add("cachet.caches.carts.url", () -> LocalMemcached.URL);
        // Nothing listens there: a fail-soft cache whose Redis is down.
        int dead = RedisServers.freePort();
        registry.add("cachet.caches.broken.store", () -> "redis");
        registry.add("cachet.caches.broken.url", () -> "redis://127.0.0.1:" + dead);
        registry.add("management.endpoints.web.exposure.include", () -> "health,prometheus,cachet");
        registry.add("management.endpoint.health.show-details", () -> "always");
    }

    @Autowired
    RedisMonitor monitor;

    @BeforeAll
    static void memcachedIsUp() {
        LocalMemcached.require();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return send(method, path);
    }

    private void traffic() {
        Cache products = caches.get("products");
        products.set("p1", "phone");
        products.get("p1", String.class);
        products.get("absent", String.class);
        products.delete("p0");
        products.getOrCompute("p2", String.class, () -> "loaded");
        // A value past its TTL, served while its loader fails.
        products.getOrCompute("old", String.class, ComputeOptions.ttl(Ttl.ofMillis(1)), () -> "old");
        await().atMost(Duration.ofSeconds(5)).until(() -> !products.contains("old"));
        products.getOrCompute("old", String.class, ComputeOptions.ttl(Ttl.ofMillis(1)), () -> {
            throw new IllegalStateException("database down");
        });
        // Another instance holds the lease: this caller waits, then loads without storing.
        caches.redisStore("products").orElseThrow().getOrLease(products.makeKey("held"), 10_000).join();
        products.getOrCompute("held", String.class, () -> "mine");
        // Foreign bytes: a decode failure.
        caches.redisStore("products").orElseThrow().set(products.makeKey("foreign"), new byte[] {1, 2, 3}, 60_000).join();
        products.get("foreign", String.class);

        Cache pages = caches.get("pages");
        pages.set("home", "<html>");
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            pages.get("home", String.class);
            return caches.tieredStore("pages").orElseThrow().firstTierHits() > 0;
        });
        caches.get("sessions").set("s1", "alice");
        caches.get("carts").set("c1", "two lamps");
        caches.get("carts").get("c1", String.class);
        for (int i = 0; i < 10; i++) {
            caches.get("broken").get("k", String.class);
        }
    }

    private static double value(String scrape, String meter) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(meter) + " ([0-9.Ee+-]+)$").matcher(scrape);
        assertThat(line.find()).as("scrape has %s", meter).isTrue();
        return Double.parseDouble(line.group(1));
    }

    @Test
    void thePrometheusScrapeHoldsEveryMeterAboveZeroAfterTraffic() throws Exception {
        traffic();
        monitor.refresh().join();
        HttpResponse<String> response = call("GET", "/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        String scrape = response.body();
        String server = "server=\"redis://127.0.0.1:6379\"";
        for (String meter : List.of(
                "cachet_gets_total{cache=\"products\",result=\"hit\"}",
                "cachet_gets_total{cache=\"products\",result=\"miss\"}",
                "cachet_gets_total{cache=\"products\",result=\"stale\"}",
                "cachet_puts_total{cache=\"products\"}",
                "cachet_deletes_total{cache=\"products\"}",
                "cachet_loads_seconds_count{cache=\"products\"}",
                "cachet_loads_seconds_sum{cache=\"products\"}",
                "cachet_load_failures_total{cache=\"products\"}",
                "cachet_lease_waits_total{cache=\"products\"}",
                "cachet_decode_failures_total{cache=\"products\"}",
                "cachet_errors_total{cache=\"broken\",cause=\"circuit_open\"}",
                "cachet_errors_total{cache=\"broken\",cause=\"other\"}",
                "cachet_breaker_open{cache=\"broken\"}",
                "cachet_tier_gets_total{cache=\"pages\",tier=\"first\"}",
                "cachet_tier_gets_total{cache=\"pages\",tier=\"second\"}",
                "cachet_invalidations_received_total{cache=\"pages\"}",
                "cachet_local_size{cache=\"sessions\"}",
                "cachet_gets_total{cache=\"carts\",result=\"hit\"}",
                "cachet_redis_memory_used_bytes{" + server + "}",
                "cachet_redis_clients{" + server + "}",
                "cachet_redis_keyspace_hits_total{" + server + "}",
                "cachet_redis_keyspace_misses_total{" + server + "}",
                "cachet_redis_up{" + server + "}")) {
            assertThat(value(scrape, meter)).as(meter).isGreaterThan(0);
        }
        assertThat(scrape).contains("cachet_redis_memory_max_bytes{" + server + "}", "cachet_redis_evictions_total{" + server + "}");
        assertThat(value(scrape, "cachet_breaker_open{cache=\"products\"}")).isZero();
    }

    @Test
    void healthStaysUpWhileOnlyAFailSoftCachesRedisIsDown() throws Exception {
        monitor.refresh().join();
        HttpResponse<String> response = call("GET", "/actuator/health/cachet");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"UP\"", "\"degraded\"", "redis://127.0.0.1:6379", "\"broken\"");
    }

    @Test
    void theEndpointListsCachesAndInvalidates() throws Exception {
        Cache products = caches.get("products");
        products.set("p9", "tablet");
        products.set("list:1", "page one");
        products.set("list:2", "page two");
        products.set("tagged", "x", Ttl.ofMinutes(1), List.of(PREFIX + "-tag"));

        HttpResponse<String> listed = call("GET", "/actuator/cachet");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains("\"products\"", "\"pages\"", "\"store\":\"tiered\"", "\"hitRatio\"");
        assertThat(call("GET", "/actuator/cachet/nope").statusCode()).isEqualTo(404);

        assertThat(call("DELETE", "/actuator/cachet/products?key=p9").body()).contains("\"deleted\":true");
        assertThat(products.get("p9", String.class)).isNull();
        assertThat(call("DELETE", "/actuator/cachet/products?pattern=list:*&dryRun=true").body()).contains("\"matching\":2");
        assertThat(call("DELETE", "/actuator/cachet/products?pattern=list:*").body()).contains("\"deleted\":2");
        assertThat(call("DELETE", "/actuator/cachet/products?tag=" + PREFIX + "-tag").body()).contains("\"invalidated\":true");
        assertThat(products.get("tagged", String.class)).isNull();
        assertThat(call("DELETE", "/actuator/cachet/products").statusCode()).isEqualTo(400);
        assertThat(call("DELETE", "/actuator/cachet/products?key=a&tag=b").statusCode()).isEqualTo(400);
        assertThat(call("DELETE", "/actuator/cachet/nope?key=a").statusCode()).isEqualTo(400);
        assertThat(call("DELETE", "/actuator/cachet/products?key=a&dryRun=true").statusCode()).isEqualTo(400);
        HttpResponse<String> unlisted = call("DELETE", "/actuator/cachet/carts?pattern=c*");
        assertThat(unlisted.statusCode()).as("memcached cannot list keys").isEqualTo(400);
        products.clear();
    }
}
