package dev.cachet.spring.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.RunningServer;
import jakarta.servlet.Filter;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.XContentTypeOptionsHeaderWriter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Anonymous hits answered ahead of Spring Security's filter chain, over HTTP on a real server and Redis: only for
 * requests and pages without credentials, never for what the chain's firewall rejects.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = AnonymousHitsIT.App.class)
class AnonymousHitsIT extends RunningServer {
    private static final String PREFIX = "anonymous-hits-" + UUID.randomUUID();
    /** How many requests went through the security filter chain. */
    static final AtomicInteger CHAIN = new AtomicInteger();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Pages.class)
    static class App {
        /** A security filter chain, where Spring Boot puts it: counts its requests and adds a header, as the real one does. */
        @Bean
        FilterRegistrationBean<FilterChainProxy> securityChain() {
            Filter counting = (request, response, chain) -> {
                CHAIN.incrementAndGet();
                chain.doFilter(request, response);
            };
            FilterChainProxy proxy = new FilterChainProxy(new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE, counting,
                    new HeaderWriterFilter(List.of(new XContentTypeOptionsHeaderWriter()))));
            FilterRegistrationBean<FilterChainProxy> registration = new FilterRegistrationBean<>(proxy);
            registration.setOrder(-100);
            return registration;
        }
    }

    @RestController
    static class Pages {
        @GetMapping("/items/{id}")
        @CachePage(ttl = "1m", tags = "item:{id}")
        String item(@PathVariable String id) {
            return "item " + id;
        }

        @GetMapping("/shared")
        @CachePage(ttl = "1m")
        ResponseEntity<String> shared() {
            return ResponseEntity.ok().header("Cache-Control", "public").body("shared");
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cachet.caches.pages.store", () -> "redis");
        registry.add("cachet.caches.pages.url", () -> LocalRedis.URL);
        registry.add("cachet.caches.pages.key-prefix", () -> PREFIX);
        registry.add("cachet.web.cache", () -> "pages");
        registry.add("cachet.web.anonymous-hits-before-security", () -> "true");
    }

    @AfterEach
    void clear() {
        caches.get("pages").clear();
    }

    /** Sends {@code path} and says whether the security chain ran for it. */
    private boolean chainRan(String path, String... headers) throws Exception {
        int before = CHAIN.get();
        send("GET", path, headers);
        return CHAIN.get() > before;
    }

    @Test
    void anAnonymousHitIsAnsweredWithoutTheChainOnceTheChainHasLetOneThrough() throws Exception {
        HttpResponse<String> miss = send("GET", "/items/1");
        HttpResponse<String> late = send("GET", "/items/1");
        int before = CHAIN.get();
        HttpResponse<String> early = send("GET", "/items/1");
        assertThat(CHAIN.get()).as("the chain did not run").isEqualTo(before);
        assertThat(miss.headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(late.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(early.headers().firstValue("X-Cache")).hasValue("HIT");
        assertThat(early.body()).isEqualTo("item 1");
        assertThat(early.headers().firstValue("X-Content-Type-Options")).as("the chain's header, learned").hasValue("nosniff");
        assertThat(early.headers().firstValue("ETag")).isEqualTo(late.headers().firstValue("ETag"));
        assertThat(send("GET", "/items/1", "If-None-Match", late.headers().firstValue("ETag").orElseThrow()).statusCode()).isEqualTo(304);
        assertThat(send("HEAD", "/items/1").body()).isEmpty();
    }

    @Test
    void aRequestWithAnyCredentialOrCookieGoesThroughTheChain() throws Exception {
        send("GET", "/items/2");
        send("GET", "/items/2");
        assertThat(chainRan("/items/2")).isFalse();
        assertThat(chainRan("/items/2", "Authorization", "Bearer alice")).isTrue();
        assertThat(chainRan("/items/2", "Cookie", "JSESSIONID=abc")).isTrue();
        assertThat(chainRan("/items/2", "Cookie", "theme=dark")).as("any cookie at all").isTrue();
        assertThat(chainRan("/items/2", "Origin", "https://elsewhere.example")).isTrue();
    }

    @Test
    void aPageStoredForARequestWithCredentialsIsNeverAnsweredAheadOfTheChain() throws Exception {
        assertThat(send("GET", "/shared", "Authorization", "Bearer alice").headers().firstValue("X-Cache")).hasValue("MISS");
        assertThat(send("GET", "/shared").headers().firstValue("X-Cache")).as("shared, so the cache serves it").hasValue("HIT");
        assertThat(chainRan("/shared")).isTrue();
        assertThat(chainRan("/shared")).isTrue();
    }

    @Test
    void anInvalidatedPageIsRenderedAgain() throws Exception {
        send("GET", "/items/3");
        send("GET", "/items/3");
        assertThat(chainRan("/items/3")).isFalse();
        caches.get("pages").invalidateTags("item:3");
        assertThat(chainRan("/items/3")).isTrue();
    }

    @Test
    void whatTheFirewallRejectsGetsWhatItGetsWithoutTheCache() throws Exception {
        List<String> rejected = List.of("/items/4;x", "//items/4", "/items/%2e%2e/4", "/items/%2F4", "/items/4/../4");
        List<HttpResponse<String>> withoutCache = rejected.stream().map(this::get).toList();
        send("GET", "/items/4");
        send("GET", "/items/4");
        assertThat(chainRan("/items/4")).isFalse();
        for (int i = 0; i < rejected.size(); i++) {
            HttpResponse<String> answer = get(rejected.get(i));
            assertThat(answer.statusCode()).as(rejected.get(i)).isEqualTo(withoutCache.get(i).statusCode()).isGreaterThanOrEqualTo(400);
            assertThat(untimed(answer.body())).as(rejected.get(i)).isEqualTo(untimed(withoutCache.get(i).body()));
            assertThat(answer.headers().firstValue("X-Cache")).as(rejected.get(i)).isEmpty();
        }
    }

    /** An error body without the time it was made at. */
    private static String untimed(String body) {
        return body.replaceAll("\"timestamp\":\"[^\"]*\"", "");
    }

    private HttpResponse<String> get(String path) {
        try {
            return send("GET", path);
        } catch (Exception e) {
            throw new IllegalStateException(path, e);
        }
    }
}
