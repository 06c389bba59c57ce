package dev.cachet.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.RunningServer;
import jakarta.servlet.http.HttpServletResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    static volatile CountDownLatch clientHasBytes = new CountDownLatch(1);
    static volatile boolean waitedInVain;
    private static final int CHUNK = 64 * 1024;

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

        /** 1.5 MiB, past the cache's 1 MiB limit, then a wait for the client to have seen some of it, then 0.5 MiB more. */
        @GetMapping("/download")
        void download(HttpServletResponse response) throws Exception {
            RUNS.incrementAndGet();
            response.setHeader("Cache-Control", "max-age=60");
            response.setContentType("application/octet-stream");
            OutputStream out = response.getOutputStream();
            byte[] chunk = new byte[CHUNK];
            for (int i = 0; i < 24; i++) {
                out.write(chunk);
            }
            out.flush();
            waitedInVain = !clientHasBytes.await(10, TimeUnit.SECONDS);
            for (int i = 0; i < 8; i++) {
                out.write(chunk);
            }
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
    void aBodyPastTheValueLimitGoesToTheClientAsItIsWrittenAndIsNotStored() throws Exception {
        clientHasBytes = new CountDownLatch(1);
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/download")).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        long received;
        try (InputStream body = response.body()) {
            assertThat(body.read()).isNotNegative();
            clientHasBytes.countDown();
            received = 1 + body.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(waitedInVain).as("the client had bytes while the handler was still writing").isFalse();
        assertThat(received).isEqualTo(32L * CHUNK);
        clientHasBytes = new CountDownLatch(0);
        assertThat(send("GET", "/download").headers().firstValue("X-Page-Cache")).as("too large to keep").hasValue("MISS");
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
