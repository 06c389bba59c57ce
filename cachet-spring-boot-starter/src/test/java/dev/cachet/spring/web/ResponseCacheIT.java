package dev.cachet.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.RunningServer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/** Every rule of the response cache, one test each, over HTTP against a real server and the real Redis. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = ResponseCacheIT.App.class)
class ResponseCacheIT extends RunningServer {
    private static final String PREFIX = "responses-" + UUID.randomUUID();
    /** How often each endpoint ran: a cached response does not run it. */
    static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    static int run(String endpoint) {
        return RUNS.computeIfAbsent(endpoint, e -> new AtomicInteger()).incrementAndGet();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Pages.class)
    static class App {
        /** Signs a request in as the user X-Test-User names, as an authentication filter would, ahead of the cache. */
        @Bean
        FilterRegistrationBean<OncePerRequestFilter> signIn() {
            FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {
                @Override
                protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                        throws ServletException, IOException {
                    String user = request.getHeader("X-Test-User");
                    chain.doFilter(user == null ? request : new HttpServletRequestWrapper(request) {
                        @Override
                        public Principal getUserPrincipal() {
                            return () -> user;
                        }
                    }, response);
                }
            });
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }

    @RestController
    static class Pages {
        @GetMapping("/public")
        @CachePage(ttl = "1m", tags = "public-pages")
        String publicPage() {
            return "public " + run("public");
        }

        @GetMapping("/plain")
        String notAnnotated() {
            return "plain " + run("plain");
        }

        @GetMapping("/private")
        @CachePage(ttl = "1m")
        ResponseEntity<String> privatePage() {
            return ResponseEntity.ok().header("Cache-Control", "private").body("private " + run("private"));
        }

        @GetMapping("/no-store")
        @CachePage(ttl = "1m")
        ResponseEntity<String> noStore() {
            return ResponseEntity.ok().header("Cache-Control", "no-store").body("no-store " + run("no-store"));
        }

        @GetMapping("/max-age-0")
        @CachePage
        ResponseEntity<String> maxAgeZero() {
            return ResponseEntity.ok().header("Cache-Control", "max-age=0").body("max-age-0 " + run("max-age-0"));
        }

        @GetMapping("/cookie")
        @CachePage(ttl = "1m")
        String cookie(HttpServletResponse response) {
            response.addCookie(new Cookie("visitor", "v" + run("cookie")));
            return "cookie";
        }

        @GetMapping("/vary")
        @CachePage(ttl = "1m")
        ResponseEntity<String> vary(@RequestHeader(name = "Accept-Language", defaultValue = "en") String language) {
            run("vary");
            return ResponseEntity.ok().header("Vary", "Accept-Language").body("fr".equals(language) ? "bonjour" : "hello");
        }

        @GetMapping("/account")
        @CachePage(ttl = "1m")
        String account(HttpServletRequest request) {
            run("account");
            String user = request.getHeader("Authorization");
            return user == null ? "welcome, guest" : "account of " + user;
        }

        @GetMapping("/shared")
        @CachePage(ttl = "1m")
        ResponseEntity<String> shared() {
            return ResponseEntity.ok().header("Cache-Control", "public").body("shared " + run("shared"));
        }

        @GetMapping("/links")
        @CachePage(ttl = "1m")
        String links(HttpServletRequest request) {
            run("links");
            String host = request.getHeader("X-Forwarded-Host");
            return "<a href=\"https://" + (host != null ? host : "shop.example") + "/cart\">cart</a>";
        }

        @GetMapping("/max-age")
        @CachePage
        ResponseEntity<String> ownMaxAge() {
            return ResponseEntity.ok().header("Cache-Control", "max-age=120").body("own " + run("max-age"));
        }

        @GetMapping("/search")
        @CachePage(ttl = "1m", query = {"q", "page"})
        String search(@RequestParam String q, @RequestParam(defaultValue = "1") int page) {
            return "search " + q + " " + page + " " + run("search");
        }

        @GetMapping("/home")
        @CachePage(ttl = "1m", query = {})
        String home() {
            return "home " + run("home");
        }

        @GetMapping("/items/{id}")
        @CachePage(ttl = "1m", tags = "item:{id}")
        String item(@PathVariable String id) {
            return "item " + id + " " + run("item-" + id);
        }

        @GetMapping("/s-maxage")
        @CachePage
        ResponseEntity<String> sharedMaxAge() {
            return ResponseEntity.ok().header("Cache-Control", "public, max-age=5, s-maxage=90").body("shared for 90 s " + run("s-maxage"));
        }

        @GetMapping("/broken")
        @CachePage(ttl = "1m")
        ResponseEntity<String> broken() {
            run("broken");
            return ResponseEntity.status(500).body("broken");
        }

        @GetMapping("/me")
        @CachePage(ttl = "1m")
        String me(HttpServletRequest request) {
            run("me");
            return request.getUserPrincipal() == null ? "guest" : "me: " + request.getUserPrincipal().getName();
        }

        @GetMapping("/huge")
        @CachePage(ttl = "1m")
        String huge() {
            run("huge");
            return "x".repeat(2 * 1024 * 1024);
        }

        @GetMapping("/missing")
        @CachePage(ttl = "1m")
        ResponseEntity<String> missing() {
            run("missing");
            return ResponseEntity.status(404).body("missing");
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cachet.caches.pages.store", () -> "redis");
        registry.add("cachet.caches.pages.url", () -> LocalRedis.URL);
        registry.add("cachet.caches.pages.key-prefix", () -> PREFIX);
        registry.add("cachet.web.cache", () -> "pages");
    }

    @AfterEach
    void clear() {
        caches.get("pages").invalidateTags("public-pages");
        caches.get("pages").clear();
        RUNS.clear();
    }

    private HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, headers);
    }

    private static int runs(String endpoint) {
        return RUNS.getOrDefault(endpoint, new AtomicInteger()).get();
    }

    @Test
    void aCacheableResponseIsServedFromTheCacheWithHitOrMissSaid() throws Exception {
        HttpResponse<String> first = get("/public");
        HttpResponse<String> second = get("/public");
        assertThat(first.body()).isEqualTo("public 1");
        assertThat(second.body()).isEqualTo("public 1");
        assertThat(first.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(second.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(runs("public")).isEqualTo(1);
        assertThat(get("/public?page=2").body()).as("the query is part of the key").isEqualTo("public 2");
        assertThat(get("/plain").body()).isEqualTo("plain 1");
        assertThat(get("/plain").body()).as("not annotated, not cached").isEqualTo("plain 2");
    }

    @Test
    void onlyTheQueryParametersThePageNamesSelectIt() throws Exception {
        assertThat(get("/search?q=lamp&page=2&utm_source=mail").body()).isEqualTo("search lamp 2 1");
        HttpResponse<String> reordered = get("/search?page=2&utm_source=feed&q=lamp&x=7");
        assertThat(reordered.body()).as("other parameters and the order do not matter").isEqualTo("search lamp 2 1");
        assertThat(reordered.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/search?q=lamp").body()).isEqualTo("search lamp 1 2");
        assertThat(get("/search?q=desk&page=2").body()).isEqualTo("search desk 2 3");
        assertThat(get("/search?q=lamp%20shade&page=2").body()).isEqualTo("search lamp shade 2 4");

        assertThat(get("/home?anything=1").body()).isEqualTo("home 1");
        assertThat(get("/home?anything=2&more").body()).as("no parameter selects the page").isEqualTo("home 1");
        assertThat(get("/home").body()).isEqualTo("home 1");
    }

    @Test
    void aTagOfThePageDropsItWhenInvalidated() throws Exception {
        get("/public");
        assertThat(get("/public").body()).isEqualTo("public 1");
        caches.get("pages").invalidateTags("public-pages");
        assertThat(get("/public").body()).isEqualTo("public 2");
    }

    @Test
    void aTagCanNameAPathVariable() throws Exception {
        get("/items/7");
        get("/items/8");
        assertThat(get("/items/7").body()).isEqualTo("item 7 1");
        caches.get("pages").invalidateTags("item:7");
        assertThat(get("/items/7").body()).isEqualTo("item 7 2");
        assertThat(get("/items/8").body()).as("another item's page stays").isEqualTo("item 8 1");
        caches.get("pages").invalidateTags("item:7", "item:8");
    }

    @Test
    void aMarkedPageWithoutCachingHeadersGetsAnExpiryAndAValidatorAndNoInventedModificationTime() throws Exception {
        HttpResponse<String> first = get("/public");
        assertThat(first.headers().firstValue("ETag")).isPresent();
        assertThat(first.headers().firstValue("Last-Modified")).isEmpty();
        assertThat(first.headers().firstValue("Expires")).hasValueSatisfying(expires -> assertThat(expires).matches(IMF_FIXDATE));
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("max-age=60");
        HttpResponse<String> hit = get("/public");
        assertThat(hit.headers().firstValue("ETag")).isEqualTo(first.headers().firstValue("ETag"));
        assertThat(hit.headers().firstValue("Age")).isPresent();
        assertThat(hit.headers().firstValue("Date")).hasValueSatisfying(date -> assertThat(date).matches(IMF_FIXDATE));
    }

    /** RFC 9110's IMF-fixdate: always two digits for the day and each part of the time. */
    static final String IMF_FIXDATE = "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";

    @Test
    void ifNoneMatchGets304FromTheCache() throws Exception {
        String etag = get("/public").headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> conditional = get("/public", "If-None-Match", etag);
        assertThat(conditional.statusCode()).isEqualTo(304);
        assertThat(conditional.body()).isEmpty();
        assertThat(conditional.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/public", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
        assertThat(runs("public")).isEqualTo(1);
    }

    @Test
    void privateIsNotStored() throws Exception {
        get("/private");
        assertThat(get("/private").body()).isEqualTo("private 2");
    }

    @Test
    void noStoreIsNotStored() throws Exception {
        get("/no-store");
        assertThat(get("/no-store").body()).isEqualTo("no-store 2");
    }

    @Test
    void maxAgeZeroIsNotStored() throws Exception {
        get("/max-age-0");
        assertThat(get("/max-age-0").body()).isEqualTo("max-age-0 2");
    }

    @Test
    void aResponseThatSetsACookieIsNotStored() throws Exception {
        assertThat(get("/cookie").headers().firstValue("Set-Cookie")).hasValue("visitor=v1");
        assertThat(get("/cookie").headers().firstValue("Set-Cookie")).as("rendered again, not replayed").hasValue("visitor=v2");
    }

    @Test
    void onlyCacheableStatusesAreStored() throws Exception {
        assertThat(get("/broken").statusCode()).isEqualTo(500);
        assertThat(get("/broken").statusCode()).isEqualTo(500);
        assertThat(runs("broken")).isEqualTo(2);
        get("/missing");
        get("/missing");
        assertThat(runs("missing")).isEqualTo(2);
    }

    @Test
    void varyIsLearnedAndRespected() throws Exception {
        assertThat(get("/vary", "Accept-Language", "fr").body()).isEqualTo("bonjour");
        assertThat(get("/vary", "Accept-Language", "en").body()).isEqualTo("hello");
        assertThat(get("/vary", "Accept-Language", "fr").body()).isEqualTo("bonjour");
        assertThat(get("/vary", "Accept-Language", "en").body()).isEqualTo("hello");
        assertThat(get("/vary", "Accept-Language", "fr").headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(runs("vary")).isEqualTo(2);
    }

    @Test
    void anAuthenticatedPageIsNeverServedToAnAnonymousRequest() throws Exception {
        assertThat(get("/account", "Authorization", "Bearer alice").body()).isEqualTo("account of Bearer alice");
        assertThat(get("/account").body()).isEqualTo("welcome, guest");
        // The anonymous page is cached; a request with credentials never gets it either.
        assertThat(get("/account").headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/account", "Authorization", "Bearer bob").body()).isEqualTo("account of Bearer bob");
        assertThat(get("/account", "Cookie", "JSESSIONID=abc").headers().firstValue("X-Cache")).hasValue("MISS");
    }

    @Test
    void aSignedInPrincipalCountsAsCredentials() throws Exception {
        assertThat(get("/me", "X-Test-User", "alice").body()).isEqualTo("me: alice");
        assertThat(get("/me").body()).isEqualTo("guest");
        assertThat(get("/me").headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/me", "X-Test-User", "bob").body()).isEqualTo("me: bob");
        assertThat(get("/me", "Cookie", "MYSESSION=x; JSESSIONID=abc").headers().firstValue("X-Cache")).hasValue("MISS");
    }

    @Test
    void aResponseTooLargeToKeepIsSentWhole() throws Exception {
        assertThat(get("/huge").body()).hasSize(2 * 1024 * 1024);
        assertThat(get("/huge").body()).hasSize(2 * 1024 * 1024);
        assertThat(runs("huge")).isEqualTo(2);
    }

    @Test
    void aPageThatSaysItMayBeSharedIsSharedWithCredentials() throws Exception {
        assertThat(get("/shared", "Authorization", "Bearer alice").body()).isEqualTo("shared 1");
        assertThat(get("/shared", "Authorization", "Bearer bob").body()).isEqualTo("shared 1");
        assertThat(get("/shared").body()).isEqualTo("shared 1");
    }

    @Test
    void anUnkeyedForwardedHostCannotPoisonTheCache() throws Exception {
        assertThat(get("/links", "X-Forwarded-Host", "evil.example").body()).contains("https://evil.example/cart");
        assertThat(get("/links").body()).isEqualTo("<a href=\"https://shop.example/cart\">cart</a>");
        assertThat(get("/links").headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(get("/links").body()).doesNotContain("evil");
    }

    @Test
    void withoutAnAnnotatedTtlTheResponsesOwnMaxAgeDecides() throws Exception {
        get("/max-age");
        HttpResponse<String> hit = get("/max-age");
        assertThat(hit.body()).isEqualTo("own 1");
        assertThat(hit.headers().firstValue("Cache-Control")).hasValue("max-age=120");
    }

    @Test
    void sMaxAgeDecidesForASharedCacheOverMaxAge() throws Exception {
        get("/s-maxage");
        HttpResponse<String> hit = get("/s-maxage");
        assertThat(hit.body()).isEqualTo("shared for 90 s 1");
        assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(hit.headers().firstValue("Cache-Control")).hasValue("public, max-age=5, s-maxage=90");
        assertThat(caches.get("pages").countByPattern("page:GET:*")).as("stored under the page keys").isPositive();
    }

    @Test
    void headIsAnsweredWithoutABody() throws Exception {
        get("/public");
        HttpResponse<String> first = send("HEAD", "/public");
        HttpResponse<String> second = send("HEAD", "/public");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEmpty();
        assertThat(second.headers().firstValue("X-Cache")).hasValue("HIT");
    }
}
