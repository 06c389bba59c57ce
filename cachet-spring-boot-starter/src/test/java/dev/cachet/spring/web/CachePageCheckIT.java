package dev.cachet.spring.web;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A {@link CachePage} that cannot work stops start-up, naming the handler, instead of failing requests. */
class CachePageCheckIT {
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(BadTtl.class)
    static class BadTtlApp {
    }

    @RestController
    static class BadTtl {
        @GetMapping("/soon")
        @CachePage(ttl = "soon")
        String soon() {
            return "soon";
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(UnknownCache.class)
    static class UnknownCacheApp {
    }

    @RestController
    static class UnknownCache {
        @GetMapping("/elsewhere")
        @CachePage(ttl = "1m", cache = "nowhere")
        String elsewhere() {
            return "elsewhere";
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(WindowWithoutTtl.class)
    static class WindowWithoutTtlApp {
    }

    @RestController
    static class WindowWithoutTtl {
        @GetMapping("/window")
        @CachePage(staleIfError = "1h")
        String window() {
            return "window";
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(UnknownVariable.class)
    static class UnknownVariableApp {
    }

    @RestController
    static class UnknownVariable {
        @GetMapping("/things/{id}")
        @CachePage(ttl = "1m", tags = "thing:{name}")
        String thing(@PathVariable String id) {
            return id;
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(StarAndNames.class)
    static class StarAndNamesApp {
    }

    @RestController
    static class StarAndNames {
        @GetMapping("/find")
        @CachePage(ttl = "1m", query = {"*", "q"})
        String find() {
            return "found";
        }
    }

    @Test
    void aQueryOfTheWholeStringAndOfNamedParameters() {
        failsToStart(StarAndNamesApp.class, "names \"*\" (the whole query string) and parameters in query: pick one");
    }

    @Test
    void aTagThatNamesNoPathVariable() {
        failsToStart(UnknownVariableApp.class, "tag 'thing:{name}' names 'name', which is none of its path variables [id]");
    }

    private static void failsToStart(Class<?> app, String message) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(app).properties("server.port=0",
                "cachet.caches.pages.store=local", "cachet.web.cache=pages", "spring.main.banner-mode=off").run().close())
                .hasStackTraceContaining(message);
    }

    @Test
    void aTtlThatIsNotADuration() {
        failsToStart(BadTtlApp.class, "(ttl) is not a duration: 'soon'");
    }

    @Test
    void aCacheThatIsNotConfigured() {
        failsToStart(UnknownCacheApp.class, "names cache 'nowhere', which is not configured");
    }

    @Test
    void aStaleWindowWithoutATtl() {
        failsToStart(WindowWithoutTtlApp.class, "has a stale window but no ttl");
    }
}
