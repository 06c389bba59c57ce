package dev.cachet.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.RunningServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The per-site cache (cachet.web.site=true), streaming responses, methods other than GET, stale-if-error. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = SiteResponseCacheIT.App.class)
class SiteResponseCacheIT extends RunningServer {
    private static final String PREFIX = "site-" + UUID.randomUUID();
    static final AtomicInteger RUNS = new AtomicInteger();
    static volatile boolean failing;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Pages.class)
    static class App {
    }

    @RestController
    static class Pages {
        @GetMapping("/anything")
        ResponseEntity<String> anything() {
            return ResponseEntity.ok().header("Cache-Control", "max-age=60").body("anything " + RUNS.incrementAndGet());
        }

        @PostMapping("/anything")
        String post() {
            return "posted " + RUNS.incrementAndGet();
        }

        @GetMapping("/personal")
        ResponseEntity<String> personal() {
            return ResponseEntity.ok().header("Cache-Control", "private").body("personal " + RUNS.incrementAndGet());
        }

        @GetMapping("/stream")
        StreamingResponseBody stream() {
            RUNS.incrementAndGet();
            return out -> out.write("streamed".getBytes(StandardCharsets.UTF_8));
        }

        @GetMapping("/fragile")
        @CachePage(ttl = "200ms", staleIfError = "1m")
        ResponseEntity<String> fragile() {
            int run = RUNS.incrementAndGet();
            return failing ? ResponseEntity.status(503).body("down") : ResponseEntity.ok("fragile " + run);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cachet.caches.site.store", () -> "tiered");
        registry.add("cachet.caches.site.url", () -> LocalRedis.URL);
        registry.add("cachet.caches.site.key-prefix", () -> PREFIX);
        registry.add("cachet.web.cache", () -> "site");
        registry.add("cachet.web.site", () -> "true");
        registry.add("cachet.web.status-header", () -> "X-Page-Cache");
    }

    @AfterEach
    void clear() {
        caches.get("site").clear();
        RUNS.set(0);
        failing = false;
    }

    @Test
    void everyGetIsCachedPerSiteWithTheConfiguredHeader() throws Exception {
        assertThat(send("GET", "/anything").body()).isEqualTo("anything 1");
        HttpResponse<String> hit = send("GET", "/anything");
        assertThat(hit.body()).isEqualTo("anything 1");
        assertThat(hit.headers().firstValue("X-Page-Cache")).hasValue("HIT");
        assertThat(hit.headers().firstValue("X-Cache")).isEmpty();
    }

    @Test
    void concurrentRequestsForAPageThatIsNotStoredAreAllAnswered() throws Exception {
        send("GET", "/personal");
        List<Future<HttpResponse<String>>> responses = new ArrayList<>();
        try (ExecutorService callers = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 40; i++) {
                responses.add(callers.submit(() -> send("GET", "/personal")));
            }
            for (Future<HttpResponse<String>> response : responses) {
                assertThat(response.get().statusCode()).isEqualTo(200);
                assertThat(response.get().body()).startsWith("personal ");
            }
        }
    }

    @Test
    void otherMethodsAreNeverCached() throws Exception {
        assertThat(send("POST", "/anything").body()).isEqualTo("posted 1");
        assertThat(send("POST", "/anything").body()).isEqualTo("posted 2");
    }

    @Test
    void aStreamingResponseIsNeverStored() throws Exception {
        assertThat(send("GET", "/stream").body()).isEqualTo("streamed");
        assertThat(send("GET", "/stream").body()).isEqualTo("streamed");
        assertThat(RUNS).hasValue(2);
    }

    @Test
    void withinStaleIfErrorAFailingPageIsAnsweredFromTheCache() throws Exception {
        send("GET", "/fragile");
        assertThat(send("GET", "/fragile").body()).isEqualTo("fragile 1");
        failing = true;
        // Once the page is past its 200 ms TTL, its regeneration fails, and the cached page answers.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            HttpResponse<String> response = send("GET", "/fragile");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("fragile 1");
            return RUNS.get() > 1;
        });
        failing = false;
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> send("GET", "/fragile").body().matches("fragile [2-9][0-9]*"));
    }
}
