package dev.cachet.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.RunningServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * RFC 9111's rules for a shared cache, over HTTP, in site mode in front of an "origin" whose response headers
 * each test chooses through the query string ({@code /origin/a?Cache-Control=max-age%3D60}), as a cache in
 * front of responses it did not write meets them; and the attacks an anonymous client can try.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = SharedCacheRulesIT.App.class)
class SharedCacheRulesIT extends RunningServer {
    private static final String PREFIX = "rules-" + UUID.randomUUID();
    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    static int run(String name) {
        return RUNS.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Origin.class)
    static class App {
    }

    @RestController
    static class Origin {
        /** Answers with the headers the query names, one per parameter, and a body that counts the runs. */
        @GetMapping("/origin/{name}")
        ResponseEntity<String> origin(@PathVariable String name, @RequestParam MultiValueMap<String, String> headers) {
            ResponseEntity.BodyBuilder response = ResponseEntity.ok();
            headers.forEach((header, values) -> values.forEach(value -> response.header(header, value)));
            return response.body(name + " " + run(name));
        }

        @PostMapping("/origin/{name}")
        ResponseEntity<String> change(@PathVariable String name, @RequestParam MultiValueMap<String, String> headers) {
            ResponseEntity.BodyBuilder response = ResponseEntity.ok();
            headers.forEach((header, values) -> values.forEach(value -> response.header(header, value)));
            return response.body("changed " + name);
        }

        @GetMapping(value = "/negotiated", produces = {"application/json", "text/plain"})
        ResponseEntity<String> negotiated() {
            return ResponseEntity.ok().header("Cache-Control", "max-age=60").body("\"negotiated " + run("negotiated") + "\"");
        }

        @GetMapping("/items/{id}")
        @CachePage(ttl = "1m", tags = "item:{id}")
        String item(@PathVariable String id) {
            return "item " + run("item");
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cachet.caches.site.store", () -> "redis");
        registry.add("cachet.caches.site.url", () -> LocalRedis.URL);
        registry.add("cachet.caches.site.key-prefix", () -> PREFIX);
        // Values that name their classes, as an application with allowed types of its own has them.
        registry.add("cachet.caches.site.allowed-types", () -> "com.example.");
        registry.add("cachet.web.cache", () -> "site");
        registry.add("cachet.web.site", () -> "true");
    }

    @AfterEach
    void clear() {
        caches.get("site").clear();
        RUNS.clear();
    }

    private HttpResponse<String> get(String name, String... responseHeaders) throws Exception {
        return send("GET", origin(name, responseHeaders));
    }

    private static String origin(String name, String... responseHeaders) {
        StringBuilder path = new StringBuilder("/origin/").append(name);
        for (int i = 0; i < responseHeaders.length; i += 2) {
            path.append(i == 0 ? '?' : '&').append(URLEncoder.encode(responseHeaders[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(responseHeaders[i + 1], StandardCharsets.UTF_8));
        }
        return path.toString();
    }

    private static int runs(String name) {
        return RUNS.getOrDefault(name, new AtomicInteger()).get();
    }

    private long pages() {
        return caches.get("site").countByPattern("page:GET:*");
    }

    @Test
    void anAgeFromUpstreamCountsAgainstTheLifetimeAndIsReplayedWithTheTimeSinceAdded() throws Exception {
        get("spent", "Cache-Control", "max-age=3600", "Age", "3600");
        get("spent", "Cache-Control", "max-age=3600", "Age", "3600");
        assertThat(runs("spent")).as("already as old as its lifetime: never fresh").isEqualTo(2);

        get("aged", "Cache-Control", "max-age=3600", "Age", "600");
        HttpResponse<String> hit = get("aged", "Cache-Control", "max-age=3600", "Age", "600");
        assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(Long.parseLong(hit.headers().firstValue("Age").orElseThrow())).isBetween(600L, 660L);
    }

    @Test
    void expiresCountsFromTheResponsesDateNotFromTheLocalClock() throws Exception {
        long now = System.currentTimeMillis();
        // An origin whose clock is an hour ahead: fresh for the two seconds between its Date and Expires.
        String[] skewed = {"Date", HttpDates.format(now + 3_600_000), "Expires", HttpDates.format(now + 3_602_000)};
        get("skewed", skewed);
        assertThat(get("skewed", skewed).headers().firstValue("X-Cache")).hasValue("HIT");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("skewed", skewed).headers().firstValue("X-Cache").orElseThrow().equals("MISS"));
        // Only Expires, two seconds ahead: fresh for two seconds, not for a default TTL.
        String[] brief = {"Expires", HttpDates.format(System.currentTimeMillis() + 2_000)};
        get("brief", brief);
        assertThat(get("brief", brief).headers().firstValue("X-Cache")).hasValue("HIT");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("brief", brief).headers().firstValue("X-Cache").orElseThrow().equals("MISS"));
    }

    @Test
    void anInvalidExpiresMeansAlreadyStale() throws Exception {
        String future = HttpDates.format(System.currentTimeMillis() + 3_600_000);
        get("one-digit-hour", "Expires", future.replaceFirst(" (\\d{2}):", " 7:"));
        get("one-digit-hour", "Expires", future.replaceFirst(" (\\d{2}):", " 7:"));
        String later = HttpDates.format(System.currentTimeMillis() + 7_200_000);
        get("two-lines", "Expires", future, "Expires", later);
        get("two-lines", "Expires", future, "Expires", later);
        assertThat(runs("one-digit-hour")).isEqualTo(2);
        assertThat(runs("two-lines")).isEqualTo(2);
    }

    @Test
    void aStoredResponseKeepsItsOwnCachingHeadersAndDate() throws Exception {
        String sent = HttpDates.format(System.currentTimeMillis() - 100_000);
        get("shared-only", "Cache-Control", "s-maxage=600", "Date", sent);
        HttpResponse<String> hit = get("shared-only", "Cache-Control", "s-maxage=600", "Date", sent);
        assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(hit.headers().allValues("Cache-Control")).containsExactly("s-maxage=600");
        assertThat(hit.headers().firstValue("Expires")).as("nothing that tells a browser to keep it").isEmpty();
        assertThat(hit.headers().firstValue("ETag")).isEmpty();
        assertThat(hit.headers().firstValue("Last-Modified")).isEmpty();
        assertThat(hit.headers().firstValue("Date")).as("the stored Date, not the server's").hasValue(sent);
        assertThat(Long.parseLong(hit.headers().firstValue("Age").orElseThrow())).isGreaterThanOrEqualTo(100);
    }

    @Test
    void aDateTheCacheWritesIsAnImfFixdate() throws Exception {
        get("undated", "Cache-Control", "max-age=60");
        HttpResponse<String> hit = get("undated", "Cache-Control", "max-age=60");
        assertThat(hit.headers().firstValue("Date")).hasValueSatisfying(date -> assertThat(date).matches(ResponseCacheIT.IMF_FIXDATE));
        assertThat(HttpDates.format(0)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(HttpDates.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(784111777000L);
        assertThat(HttpDates.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(784111777000L);
        assertThat(HttpDates.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(784111777000L);
        assertThat(HttpDates.parse("Sun, 6 Nov 1994 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
        assertThat(HttpDates.parse("Mon, 06 Nov 1994 08:49:37 GMT")).as("not that day").isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void anUnsafeRequestThatSucceedsInvalidatesItsUrlAndTheLocationsItNamesOnTheSameHost() throws Exception {
        String[] cacheable = {"Cache-Control", "max-age=600"};
        get("page", cacheable);
        assertThat(get("page", cacheable).headers().firstValue("X-Cache")).hasValue("HIT");
        send("POST", "/origin/page");
        assertThat(get("page", cacheable).headers().firstValue("X-Cache")).as("after a POST to it").hasValue("MISS");

        get("located", cacheable);
        send("POST", origin("elsewhere", "Location", "http://other.example/origin/located"));
        assertThat(get("located", cacheable).headers().firstValue("X-Cache")).as("another host's URL is left alone").hasValue("HIT");
        send("POST", origin("elsewhere", "Location", "/origin/located?whatever"));
        assertThat(get("located", cacheable).headers().firstValue("X-Cache")).as("named by Location").hasValue("MISS");
        send("DELETE", "/origin/located");
        assertThat(get("located", cacheable).headers().firstValue("X-Cache")).as("a method that is not allowed fails: nothing")
                .hasValue("HIT");
    }

    @Test
    void aStaleResponseWithAValidatorIsRevalidatedAndA304RefreshesIt() throws Exception {
        String[] validated = {"Cache-Control", "max-age=1", "ETag", "\"v1\""};
        get("validated", validated);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("validated", validated).headers().firstValue("X-Cache").orElseThrow().equals("REVALIDATED"));
        HttpResponse<String> refreshed = get("validated", validated);
        assertThat(refreshed.headers().firstValue("X-Cache")).as("fresh again after the 304").hasValue("HIT");
        assertThat(refreshed.body()).as("the stored body, the handler's 304 had none").isEqualTo("validated 1");
        assertThat(refreshed.headers().firstValue("ETag")).hasValue("\"v1\"");
        assertThat(send("GET", origin("validated", validated), "If-None-Match", "\"v1\"").statusCode()).isEqualTo(304);
    }

    @Test
    void mustRevalidateMeansAConditionalRequestNotAReRender() throws Exception {
        String modified = HttpDates.format(System.currentTimeMillis() - 60_000);
        String[] strict = {"Cache-Control", "max-age=1, must-revalidate", "Last-Modified", modified};
        get("strict", strict);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("strict", strict).headers().firstValue("X-Cache").orElseThrow().equals("REVALIDATED"));
        assertThat(get("strict", strict).body()).isEqualTo("strict 1");
        // A changed resource answers the conditional request in full, and that is what is stored and sent.
        String[] changed = {"Cache-Control", "max-age=1, must-revalidate", "ETag", "\"v2\""};
        get("changing", changed[0], changed[1], "ETag", "\"v1\"");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("changing", changed).body().equals("changing 2"));
    }

    @Test
    void inSiteModeAResponseWithoutFreshnessIsKeptOnlyForAHeuristicLifetime() throws Exception {
        get("bare");
        get("bare");
        assertThat(runs("bare")).as("no lifetime, no Last-Modified: not stored").isEqualTo(2);
        String modified = HttpDates.format(System.currentTimeMillis() - 10 * 24 * 3_600_000L);
        get("modified", "Last-Modified", modified);
        HttpResponse<String> hit = get("modified", "Last-Modified", modified);
        assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(hit.headers().firstValue("Cache-Control")).as("nothing added").isEmpty();
    }

    @Test
    void aMalformedOrZeroMaxAgeIsNotStored() throws Exception {
        for (String maxAge : List.of("max-age=00", "max-age=-1", "max-age=1.5", "s-maxage=0, max-age=60")) {
            String name = "malformed-" + RUNS.size();
            get(name, "Cache-Control", maxAge);
            get(name, "Cache-Control", maxAge);
            assertThat(runs(name)).as(maxAge).isEqualTo(2);
        }
    }

    @Test
    void aRequestNeverGetsARepresentationItsOwnAcceptWouldNotHaveProduced() throws Exception {
        HttpResponse<String> json = send("GET", "/negotiated", "Accept", "application/json");
        assertThat(json.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
        HttpResponse<String> text = send("GET", "/negotiated", "Accept", "text/plain");
        assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(send("GET", "/negotiated", "Accept", "image/png").statusCode()).isEqualTo(406);
        assertThat(send("GET", "/negotiated", "Accept", "application/json").headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(send("GET", "/negotiated", "Accept", "text/plain").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/plain");
        // Made-up variations of Accept that all produce JSON add no page.
        for (int i = 0; i < 40; i++) {
            send("GET", "/negotiated", "Accept", "application/json, application/x-made-up-" + i + ";q=0.1");
        }
        assertThat(pages()).isEqualTo(2);
    }

    @Test
    void madeUpHostsAndForwardingHeadersMakeNoEntries() throws Exception {
        for (int i = 0; i < 30; i++) {
            assertThat(raw("GET /origin/hosted?Cache-Control=max-age%3D600 HTTP/1.1", "Host: made-up-" + i + ".example"))
                    .startsWith("HTTP/1.1 200");
            send("GET", origin("hosted", "Cache-Control", "max-age=600"), "X-Forwarded-Host", "made-up-" + i + ".example");
            send("GET", origin("hosted", "Cache-Control", "max-age=600"), "X-Forwarded-Prefix", "/made-up-" + i);
        }
        assertThat(pages()).isZero();
        assertThat(caches.get("site").countByPattern("page:vary:*")).isZero();
        get("hosted", "Cache-Control", "max-age=600");
        assertThat(pages()).as("the site's own host").isEqualTo(1);
    }

    @Test
    void aPathVariableNoTagCanHoldIsAnsweredUncachedNotWithAnError() throws Exception {
        assertThat(send("GET", "/items/" + "x".repeat(300)).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/items/%01").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/items/7").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/items/7").headers().firstValue("X-Cache")).hasValue("HIT");
    }

    /** Sends a request line and headers over a socket of its own, as a client that sets any Host would. */
    private String raw(String requestLine, String... headers) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            List<String> lines = new ArrayList<>(List.of(requestLine));
            lines.addAll(List.of(headers));
            lines.add("Connection: close");
            out.write((String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
