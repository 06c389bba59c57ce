package dev.cachet.spring.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the whole response of a controller method (or of every method of a controller), as Django's
 * {@code cache_page}: GET and HEAD only, cacheable statuses only, never a private, no-store, max-age=0 or
 * cookie-setting response, never one user's page for another. See the README's "Whole responses".
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface CachePage {
    /**
     * How long the response is fresh, as a duration ({@code 10m}, {@code 1h}, {@code PT30S}); empty for the
     * response's own {@code s-maxage} or {@code max-age}, else the default.
     */
    String ttl() default "";

    /** The cache alias ({@code cachet.caches.<alias>}) to keep it in; empty for {@code cachet.web.cache}. */
    String cache() default "";

    /** What keys start with, as Django's {@code key_prefix}; empty for {@code cachet.web.key-prefix}. */
    String keyPrefix() default "";

    /** Serve the response this long past its TTL while one request regenerates it; needs {@link #ttl()}. */
    String staleWhileRevalidate() default "";

    /** Serve the response this long past its TTL while regenerating it fails (5xx); needs {@link #ttl()}. */
    String staleIfError() default "";

    /**
     * Tags of the cached response: invalidating any of them (after a write) drops it on every instance. A
     * {@code {name}} in a tag is the request's path variable of that name: {@code "product:{id}"}. It is the
     * text of the path as sent, so a handler whose variable can be spelled several ways ({@code 7}, {@code 07})
     * must answer only one of them with a cacheable response, or a page kept under another spelling carries a
     * tag that its writes never invalidate.
     */
    String[] tags() default {};

    /**
     * The query parameters that select the response. The key keeps these, in a fixed order, and ignores every
     * other, so that {@code ?utm_source=...} or a made-up parameter neither misses the cache nor fills it with
     * copies; {@code {}} ignores the whole query string. The default, {@code {"*"}}, keeps the query string as
     * it came. Leave out only parameters that nothing answering the request reads: not the handler, nor a
     * filter or interceptor in front of it (a locale switch, say).
     */
    String[] query() default {"*"};
}
