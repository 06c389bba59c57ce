package dev.cachet.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.redis.LocalRedis;
import dev.cachet.redis.RedisServers;
import dev.cachet.spring.RunningServer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
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
        @GetMapping({"/origin/{name}", "/documents/{name}"})
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

        /** Replaces or removes a document, answering 204 with the headers the query names. */
        @RequestMapping(value = "/documents/{name}", method = {RequestMethod.PUT, RequestMethod.DELETE})
        ResponseEntity<Void> write(@PathVariable String name, @RequestParam MultiValueMap<String, String> headers) {
            ResponseEntity.HeadersBuilder<?> response = ResponseEntity.noContent();
            headers.forEach((header, values) -> values.forEach(value -> response.header(header, value)));
            return response.build();
        }

        /** A page the application marks with a TTL, with the headers the query names. */
        @GetMapping("/marked/{name}")
        @CachePage(ttl = "1s")
        ResponseEntity<String> marked(@PathVariable String name, @RequestParam MultiValueMap<String, String> headers) {
            return origin(name, headers);
        }

        /** A page the application marks with a TTL and a stale window, with the headers the query names. */
        @GetMapping("/windowed/{name}")
        @CachePage(ttl = "1m", staleIfError = "2m")
        ResponseEntity<String> windowed(@PathVariable String name, @RequestParam MultiValueMap<String, String> headers) {
            return origin(name, headers);
        }

        /** A page the application marks without a TTL, and that says nothing of its freshness. */
        @GetMapping("/defaulted/{name}")
        @CachePage
        String defaulted(@PathVariable String name) {
            return name + " " + run(name);
        }

        /** In the request's language, French or English, without a Vary, as Spring answers by default. */
        @GetMapping("/greeting")
        ResponseEntity<String> greeting(Locale locale) {
            boolean french = locale.getLanguage().equals("fr");
            return ResponseEntity.ok().header("Cache-Control", "max-age=60").header("Content-Language", french ? "fr" : "en")
                    .body((french ? "bonjour " : "hello ") + run("greeting"));
        }

        /** Gzipped for a request that accepts it, with {@code Vary: Accept-Encoding}, as a compressing server answers. */
        @GetMapping("/compressed")
        ResponseEntity<byte[]> compressed(@RequestHeader(value = "Accept-Encoding", defaultValue = "") String accepted) throws IOException {
            byte[] text = ("compressed " + run("compressed")).getBytes(StandardCharsets.UTF_8);
            ResponseEntity.BodyBuilder response = ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).header("Cache-Control", "max-age=60")
                    .header("Vary", "Accept-Encoding");
            if (!accepted.contains("gzip")) {
                return response.body(text);
            }
            ByteArrayOutputStream zipped = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
                gzip.write(text);
            }
            return response.header("Content-Encoding", "gzip").body(zipped.toByteArray());
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
        // Far from every lifetime the tests give, so that a page kept for it shows.
        registry.add("cachet.caches.site.default-ttl", () -> "7m");
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
        return withHeaders("/origin/" + name, responseHeaders);
    }

    /** {@code pathWithoutQuery} with a query that asks for the given response header names and values, in pairs. */
    private static String withHeaders(String pathWithoutQuery, String... responseHeaders) {
        StringBuilder path = new StringBuilder(pathWithoutQuery);
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

    private static String cacheStatus(HttpResponse<String> response) {
        return response.headers().firstValue("X-Cache").orElseThrow();
    }

    /** The remaining TTL in Redis, in milliseconds, of each of the site cache's keys that match {@code pattern}. */
    private List<Long> ttls(String pattern) throws Exception {
        Cache site = caches.get("site");
        List<Long> ttls = new ArrayList<>();
        for (String key : RedisServers.cli("KEYS", site.makeKey(pattern)).lines().filter(line -> !line.isBlank()).toList()) {
            ttls.add(Long.parseLong(RedisServers.cli("PTTL", key).trim()));
        }
        return ttls;
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
    void aPageA304KeepsLongerTakesItsVaryRecordAlong() throws Exception {
        String[] varied = {"Cache-Control", "max-age=1", "ETag", "\"v1\"", "Vary", "X-Flavour"};
        send("GET", origin("revalidated-varied", varied), "X-Flavour", "plain");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> cacheStatus(send("GET", origin("revalidated-varied", varied), "X-Flavour", "plain")).equals("REVALIDATED"));
        long pageTtl = ttls("page:GET:*").getFirst();
        long varyTtl = ttls("page:vary:*").getFirst();
        // Stored a second or more before the 304, the record would lapse that much before the page without it.
        assertThat(varyTtl).as("the Vary record's TTL beside the refreshed page's, %d ms", pageTtl).isGreaterThan(pageTtl - 500);
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

    @Test
    void aPutOrDeleteThatSucceedsInvalidatesItsUrlAndItsContentLocationButNoOtherHostsUrls() throws Exception {
        for (String method : List.of("PUT", "DELETE")) {
            String name = method.toLowerCase(Locale.ROOT) + "-me";
            String page = withHeaders("/documents/" + name, "Cache-Control", "max-age=600");
            send("GET", page);
            assertThat(cacheStatus(send("GET", page))).isEqualTo("HIT");
            assertThat(send(method, "/documents/" + name).statusCode()).isEqualTo(204);
            assertThat(cacheStatus(send("GET", page))).as("after a " + method + " to it").isEqualTo("MISS");
        }
        String described = withHeaders("/documents/described", "Cache-Control", "max-age=600");
        send("GET", described);
        assertThat(send("PUT", withHeaders("/documents/other", "Content-Location", "/documents/described")).statusCode()).isEqualTo(204);
        assertThat(cacheStatus(send("GET", described))).as("named by Content-Location").isEqualTo("MISS");

        assertThat(cacheStatus(send("GET", described))).isEqualTo("HIT");
        long before = pages();
        String elsewhere = "http://other.example/documents/described";
        assertThat(send("DELETE", withHeaders("/documents/gone", "Location", elsewhere, "Content-Location", elsewhere)).statusCode())
                .isEqualTo(204);
        assertThat(send("DELETE", withHeaders("/documents/gone", "Location", "http://[not a url")).statusCode()).isEqualTo(204);
        assertThat(cacheStatus(send("GET", described))).as("another host's URL is not followed").isEqualTo("HIT");
        assertThat(pages()).isEqualTo(before);
    }

    @Test
    void proxyRevalidateMeansAConditionalRequestNotAReRender() throws Exception {
        String[] proxied = {"Cache-Control", "max-age=1, proxy-revalidate", "ETag", "\"p1\""};
        get("proxied", proxied);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> cacheStatus(get("proxied", proxied)).equals("REVALIDATED"));
        assertThat(get("proxied", proxied).body()).as("the stored body, after a 304").isEqualTo("proxied 1");
        // A page the application marks with a TTL is rendered again once it passes; with proxy-revalidate, revalidated.
        String rendered = withHeaders("/marked/rendered", "ETag", "\"r1\"");
        send("GET", rendered);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> send("GET", rendered).body().equals("rendered 2"));
        String strict = withHeaders("/marked/strict", "Cache-Control", "proxy-revalidate", "ETag", "\"s1\"");
        send("GET", strict);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> cacheStatus(send("GET", strict)).equals("REVALIDATED"));
        assertThat(send("GET", strict).body()).isEqualTo("strict 1");
    }

    @Test
    void aRequestNeverGetsARepresentationItsOwnAcceptLanguageOrAcceptEncodingWouldNotHaveProduced() throws Exception {
        HttpResponse<String> french = send("GET", "/greeting", "Accept-Language", "fr");
        assertThat(french.headers().firstValue("Content-Language")).hasValue("fr");
        HttpResponse<String> english = send("GET", "/greeting", "Accept-Language", "en");
        assertThat(cacheStatus(english)).isEqualTo("MISS");
        assertThat(english.headers().firstValue("Content-Language")).hasValue("en");
        assertThat(send("GET", "/greeting").body()).as("no Accept-Language: what the handler makes of none").startsWith("hello ");
        assertThat(send("GET", "/greeting", "Accept-Language", "fr").body()).isEqualTo("bonjour 1");
        HttpResponse<String> englishHit = send("GET", "/greeting", "Accept-Language", "en");
        assertThat(cacheStatus(englishHit)).isEqualTo("HIT");
        assertThat(englishHit.body()).startsWith("hello ");
        // Made-up variations of Accept-Language that all produce English add no page.
        for (int i = 0; i < 40; i++) {
            assertThat(send("GET", "/greeting", "Accept-Language", "en, x-made-up-" + i + ";q=0.1").body()).startsWith("hello ");
        }
        assertThat(pages()).isEqualTo(2);

        HttpResponse<String> gzipped = send("GET", "/compressed", "Accept-Encoding", "gzip");
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        HttpResponse<String> plain = send("GET", "/compressed");
        assertThat(cacheStatus(plain)).isEqualTo("MISS");
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.body()).isEqualTo("compressed 2");
        HttpResponse<String> gzippedHit = send("GET", "/compressed", "Accept-Encoding", "gzip");
        assertThat(cacheStatus(gzippedHit)).isEqualTo("HIT");
        assertThat(gzippedHit.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(send("GET", "/compressed", "Accept-Encoding", "identity").headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(send("GET", "/compressed").body()).isEqualTo("compressed 2");
    }

    @Test
    void aVaryRecordIsNeverKeptLongerThanThePagesItDescribes() throws Exception {
        List<String> urls = List.of(origin("varied", "Cache-Control", "max-age=30", "Vary", "X-Flavour"),
                origin("validated", "Cache-Control", "max-age=30", "Vary", "X-Flavour", "ETag", "\"v\""),
                withHeaders("/windowed/varied", "Vary", "X-Flavour"));
        for (String url : urls) {
            send("GET", url, "X-Flavour", "plain");
            send("GET", url, "X-Flavour", "sour");
            List<Long> pageTtls = ttls("page:GET:*");
            List<Long> varyTtls = ttls("page:vary:*");
            assertThat(pageTtls).as(url).hasSize(2).allMatch(ttl -> ttl > 0);
            assertThat(varyTtls).as(url).hasSize(1).allMatch(ttl -> ttl > 0 && ttl <= pageTtls.stream().mapToLong(Long::longValue).max().orElseThrow());
            caches.get("site").clear();
        }
    }

    @Test
    void aHeuristicLifetimeIsATenthOfTheTimeSinceLastModifiedAndAtMostADay() throws Exception {
        String[] modified = {"Last-Modified", HttpDates.format(System.currentTimeMillis() - 40_000)};
        get("modified", modified);
        assertThat(cacheStatus(get("modified", modified))).isEqualTo("HIT");
        await().atLeast(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> !cacheStatus(get("modified", modified)).equals("HIT"));
        // From its Date: modified 100 s before, a response sent 8 s ago is fresh, one sent 12 s ago already stale.
        long now = System.currentTimeMillis();
        String[] recent = {"Date", HttpDates.format(now - 8_000), "Last-Modified", HttpDates.format(now - 108_000)};
        get("recent", recent);
        assertThat(cacheStatus(get("recent", recent))).isEqualTo("HIT");
        String[] spent = {"Date", HttpDates.format(now - 12_000), "Last-Modified", HttpDates.format(now - 112_000)};
        get("spent", spent);
        get("spent", spent);
        assertThat(runs("spent")).isEqualTo(2);
        // Modified a thousand days ago: fresh for a day, not a hundred.
        long day = 24 * 3_600_000L;
        String[] ancient = {"Date", HttpDates.format(now - day + 60_000), "Last-Modified", HttpDates.format(now - 1_000 * day)};
        get("ancient", ancient);
        assertThat(cacheStatus(get("ancient", ancient))).isEqualTo("HIT");
        String[] pastADay = {"Date", HttpDates.format(now - day - 60_000), "Last-Modified", HttpDates.format(now - 1_000 * day)};
        get("past-a-day", pastADay);
        get("past-a-day", pastADay);
        assertThat(runs("past-a-day")).isEqualTo(2);
    }

    @Test
    void aMarkedPageWithoutALifetimeIsKeptForTheDefaultTtlWhichSiteModeNeverGives() throws Exception {
        send("GET", "/defaulted/plain");
        assertThat(cacheStatus(send("GET", "/defaulted/plain"))).isEqualTo("HIT");
        assertThat(ttls("page:GET:*")).singleElement().satisfies(ttl -> assertThat(ttl).isBetween(410_000L, 420_000L));
        get("unmarked");
        get("unmarked");
        assertThat(runs("unmarked")).as("no lifetime of its own and not marked: not stored, default TTL or not").isEqualTo(2);
        assertThat(pages()).isEqualTo(1);
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
