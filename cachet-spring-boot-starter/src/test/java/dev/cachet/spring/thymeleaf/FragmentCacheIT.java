package dev.cachet.spring.thymeleaf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.redis.LocalRedis;
import dev.cachet.spring.RunningServer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Controller;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Thymeleaf fragment caching over HTTP: a hit skips the fragment's rendering, vary selects copies, tags drop them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, classes = FragmentCacheIT.App.class)
class FragmentCacheIT extends RunningServer {
    private static final String PREFIX = "fragments-" + UUID.randomUUID();
    static final Renders RENDERS = new Renders();
    static final AtomicInteger PAGES = new AtomicInteger();
    static volatile List<String> items = List.of("first");

    /** Counts the sidebar's renderings, and runs what a test wants to happen in the middle of one. */
    static final class Renders {
        private final AtomicInteger count = new AtomicInteger();
        volatile Runnable during = () -> {};

        public int next() {
            during.run();
            return count.incrementAndGet();
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(Catalog.class)
    static class App {
    }

    @Controller
    static class Catalog {
        @GetMapping("/catalog")
        String catalog(@RequestParam String category, Model model) {
            model.addAttribute("category", category);
            model.addAttribute("renders", RENDERS);
            model.addAttribute("pages", PAGES);
            model.addAttribute("items", items);
            return "catalog";
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("cachet.caches.fragments.store", () -> "tiered");
        registry.add("cachet.caches.fragments.url", () -> LocalRedis.URL);
        registry.add("cachet.caches.fragments.key-prefix", () -> PREFIX);
        registry.add("cachet.fragments.cache", () -> "fragments");
    }

    @AfterEach
    void clear() {
        caches.get("fragments").invalidateTags("category:books", "category:music");
        caches.get("fragments").clear();
        RENDERS.count.set(0);
        RENDERS.during = () -> {};
        PAGES.set(0);
        items = List.of("first");
    }

    private String page(String category) throws Exception {
        HttpResponse<String> response = send("GET", "/catalog?category=" + category);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void aCachedFragmentIsNotRenderedAgainWhileTheRestOfThePageIs() throws Exception {
        String first = page("books");
        String second = page("books");
        assertThat(first).contains("sidebar rendered 1", "page rendered 1", "<li>first</li>", "data-category=\"books\"");
        assertThat(second).contains("sidebar rendered 1", "page rendered 2");
        assertThat(second).doesNotContain("cachet:");
        assertThat(RENDERS.count).hasValue(1);
    }

    @Test
    void varyValuesSelectTheirOwnCopies() throws Exception {
        assertThat(page("books")).contains("<h2>books</h2>", "sidebar rendered 1");
        assertThat(page("music")).contains("<h2>music</h2>", "sidebar rendered 2");
        assertThat(page("books")).contains("<h2>books</h2>", "sidebar rendered 1");
    }

    @Test
    void invalidatingTheTagOfWhatTheFragmentShowsRendersItAgain() throws Exception {
        assertThat(page("books")).contains("sidebar rendered 1", "<li>first</li>");
        items = List.of("first", "second");
        assertThat(page("books")).as("still the cached copy").contains("sidebar rendered 1").doesNotContain("second");
        caches.get("fragments").invalidateTags("category:books");
        assertThat(page("books")).contains("sidebar rendered 2", "<li>second</li>");
        assertThat(page("music")).contains("sidebar rendered 3");
    }

    @Test
    void aWriteThatLandsWhileTheFragmentRendersIsNotHiddenByThatRendering() throws Exception {
        // The request loaded its items before the write; the write commits and invalidates the tag while the
        // fragment renders those old items.
        RENDERS.during = () -> {
            RENDERS.during = () -> {};
            items = List.of("first", "second");
            caches.get("fragments").invalidateTags("category:books");
        };
        assertThat(page("books")).contains("sidebar rendered 1", "<li>first</li>").doesNotContain("second");
        assertThat(page("books")).as("the old rendering was not kept").contains("sidebar rendered 2", "<li>second</li>");
    }
}
