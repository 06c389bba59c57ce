package dev.cachet.spring.web;

import dev.cachet.Cache;
import dev.cachet.CacheLoaderException;
import dev.cachet.ComputeOptions;
import dev.cachet.Ttl;
import dev.cachet.TypeRef;
import dev.cachet.ValueTooLargeException;
import dev.cachet.spring.CachetCaches;
import dev.cachet.spring.CachetProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.WebUtils;

/**
 * The whole-response cache: Django's cache middleware and {@code cache_page}, with the rules a shared cache
 * must keep (RFC 9111). Only GET and HEAD, only cacheable statuses; never a streaming response, a response
 * that is {@code private}, {@code no-store}, {@code no-cache} or {@code max-age=0}, one that sets a cookie, or
 * one that says {@code Vary: *}. The key is the method, scheme, host, path and query, the forwarding headers
 * a proxy sets (so that a forged {@code X-Forwarded-Host} can only ever reach its sender), and the values of
 * the headers the response named in {@code Vary}, learned per URL. A request with credentials (an
 * {@code Authorization} header or a session cookie) is answered from, or stored in, the cache only when the
 * response says a shared cache may keep it ({@code public} or {@code s-maxage}).
 *
 * <p>Stored responses get {@code ETag}, {@code Last-Modified}, {@code Expires} and {@code Cache-Control: max-age}
 * when they have none, conditional requests get 304 from the cache, and a header says HIT or MISS. Regeneration
 * goes through get-or-compute, so one request per key (across instances) renders a missing page while the
 * others wait for it, and the endpoint's stale windows apply.
 */
final class ResponseCacheFilter extends OncePerRequestFilter {
    private static final TypeRef<CachedResponse> RESPONSE = TypeRef.of(CachedResponse.class);
    private static final TypeRef<List<String>> HEADER_NAMES = new TypeRef<>() {};
    /** Request headers through which a proxy says what URL the client asked for: always part of the key. */
    private static final List<String> FORWARDING = List.of("forwarded", "x-forwarded-host", "x-forwarded-proto",
            "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-server", "x-forwarded-ssl", "x-original-url", "x-rewrite-url");
    /** Response headers that describe one connection or one exchange, never replayed. */
    private static final Set<String> NOT_REPLAYED = Set.of("set-cookie", "connection", "keep-alive", "transfer-encoding",
            "date", "age", "trailer", "upgrade", "proxy-connection");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;
    private static final Duration VARY_AT_LEAST = Duration.ofDays(1);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

    private final CachetCaches caches;
    private final CachetProperties.Web web;
    private final ObjectProvider<RequestMappingHandlerMapping> mappings;
    private final Map<Method, Handling> handlings = new ConcurrentHashMap<>();
    private volatile List<RequestMappingHandlerMapping> resolvedMappings;

    ResponseCacheFilter(CachetCaches caches, CachetProperties.Web web, ObjectProvider<RequestMappingHandlerMapping> mappings) {
        this.caches = caches;
        this.web = web;
        this.mappings = mappings;
    }

    /** How one request's response is cached; {@code query} null to key on the whole query string. */
    private record Policy(Cache cache, String keyPrefix, Duration ttl, Duration staleWhileRevalidate, Duration staleIfError,
            List<String> tags, Set<String> query) {}

    /** A response this request generated, buffered; {@code requestNoStore} when the request said {@code no-store}. */
    private record Generated(ContentCachingResponseWrapper wrapper, boolean streaming, boolean requestNoStore) {
        int status() {
            return wrapper.getStatus();
        }

        String header(String name) {
            return wrapper.getHeader(name);
        }
    }

    /** A generated response that failed (5xx): the loader's failure, so that stale-if-error can apply. */
    private static final class ServerError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ServerError(int status) {
            super("status " + status, null, false, false);
        }
    }

    /** A streamed (asynchronous) response is written on its async dispatch: the buffer is passed on then. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isAsyncDispatch(request)) {
            chain.doFilter(request, response);
            ContentCachingResponseWrapper buffered = WebUtils.getNativeResponse(response, ContentCachingResponseWrapper.class);
            if (buffered != null && !request.isAsyncStarted()) {
                buffered.copyBodyToResponse();
            }
            return;
        }
        String method = request.getMethod();
        Policy policy = "GET".equals(method) || "HEAD".equals(method) ? policy(request) : null;
        if (policy == null) {
            chain.doFilter(request, response);
            return;
        }
        Cache cache = policy.cache();
        boolean credentials = hasCredentials(request);
        String base = baseKey(request, policy.query());
        String varyKey = policy.keyPrefix() + ":vary:" + sha256Hex(base);
        List<String> vary = cache.get(varyKey, HEADER_NAMES);
        if (vary == null) {
            // Nothing cached for this URL yet: render, and learn which headers it varies on.
            Generated generated = generate(request, response, chain);
            store(policy, request, base, varyKey, generated, storable(policy, generated, credentials));
            send(request, generated);
            return;
        }
        String key = pageKey(policy, request, base, vary);
        if (credentials) {
            CachedResponse found = cache.get(key, RESPONSE);
            if (found != null && found.shared()) {
                replay(request, response, found);
                return;
            }
            Generated generated = generate(request, response, chain);
            store(policy, request, base, varyKey, generated, storable(policy, generated, true));
            send(request, generated);
            return;
        }
        Generated[] generated = new Generated[1];
        CachedResponse found;
        try {
            found = cache.getOrCompute(key, RESPONSE, computeOptions(policy), () -> {
                Generated fresh = generate(request, response, chain);
                generated[0] = fresh;
                if (fresh.status() >= 500) {
                    throw new ServerError(fresh.status());
                }
                CachedResponse storable = storable(policy, fresh, false);
                if (storable == null) {
                    return null;
                }
                List<String> learned = varyOf(fresh);
                if (!learned.equals(vary) || policy.ttl() == null) {
                    // Keyed or timed by what this response says: stored here rather than by get-or-compute.
                    store(policy, request, base, varyKey, fresh, storable);
                    return null;
                }
                learn(policy, varyKey, vary, fresh);
                return storable;
            });
        } catch (ServerError e) {
            send(request, generated[0]);
            return;
        } catch (CacheLoaderException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof ServletException servlet) {
                throw servlet;
            }
            throw new ServletException(e.getCause());
        }
        if (found == null && generated[0] == null) {
            // Another request here loaded the page and it was not to be stored: render this one too.
            Generated own = generate(request, response, chain);
            store(policy, request, base, varyKey, own, storable(policy, own, false));
            send(request, own);
            return;
        }
        if (found != null && (generated[0] == null || generated[0].status() >= 500)) {
            if (generated[0] != null) {
                // Stale-if-error: drop the failed rendering, answer with what was cached.
                generated[0].wrapper().resetBuffer();
            }
            replay(request, response, found);
        } else {
            send(request, generated[0]);
        }
    }

    private ComputeOptions computeOptions(Policy policy) {
        ComputeOptions.Builder options = ComputeOptions.builder().ttl(policy.ttl() != null ? Ttl.of(policy.ttl()) : defaultTtl(policy))
                .tags(policy.tags());
        if (policy.staleWhileRevalidate() != null) {
            options.staleWhileRevalidate(policy.staleWhileRevalidate());
        }
        if (policy.staleIfError() != null) {
            options.staleIfError(policy.staleIfError());
        }
        return options.build();
    }

    private Generated generate(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ContentCachingResponseWrapper wrapper = new ContentCachingResponseWrapper(response);
        chain.doFilter(request, wrapper);
        String type = wrapper.getContentType();
        boolean streaming = request.isAsyncStarted() || type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        boolean noStore = cacheControl(list(request.getHeaders("Cache-Control"))).containsKey("no-store");
        return new Generated(wrapper, streaming, noStore);
    }

    /** The response as it may be stored, with the headers it lacks added; null when it may not be stored. */
    private CachedResponse storable(Policy policy, Generated generated, boolean credentials) {
        ContentCachingResponseWrapper wrapper = generated.wrapper();
        if (generated.streaming() || !web.getCacheableStatuses().contains(wrapper.getStatus())
                || !wrapper.getHeaders("Set-Cookie").isEmpty() || generated.requestNoStore()) {
            return null;
        }
        Map<String, String> control = cacheControl(wrapper.getHeaders("Cache-Control"));
        if (control.containsKey("private") || control.containsKey("no-store") || control.containsKey("no-cache")
                || "0".equals(control.get("max-age")) || "0".equals(control.get("s-maxage"))
                || !control.containsKey("max-age") && !control.containsKey("s-maxage") && (noCachePragma(wrapper) || expired(wrapper))) {
            return null;
        }
        if (varyOf(generated).contains("*")) {
            return null;
        }
        boolean shared = control.containsKey("public") || control.containsKey("s-maxage");
        if (credentials && !shared) {
            return null;
        }
        Duration ttl = ttl(policy, generated);
        if (!ttl.isPositive()) {
            return null;
        }
        long now = System.currentTimeMillis();
        byte[] body = wrapper.getContentAsByteArray();
        if (wrapper.getHeader("ETag") == null) {
            wrapper.setHeader("ETag", "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(sha256(body)).substring(0, 22) + "\"");
        }
        if (wrapper.getHeader("Last-Modified") == null) {
            wrapper.setHeader("Last-Modified", httpDate(now));
        }
        if (wrapper.getHeader("Expires") == null) {
            wrapper.setHeader("Expires", httpDate(now + ttl.toMillis()));
        }
        if (!control.containsKey("max-age")) {
            String existing = wrapper.getHeader("Cache-Control");
            wrapper.setHeader("Cache-Control", (existing == null || existing.isBlank() ? "" : existing + ", ") + "max-age=" + ttl.toSeconds());
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : wrapper.getHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!NOT_REPLAYED.contains(lower) && !lower.equals(web.getStatusHeader().toLowerCase(Locale.ROOT))) {
                headers.put(name, new ArrayList<>(wrapper.getHeaders(name)));
            }
        }
        if (wrapper.getContentType() != null && !headers.containsKey("Content-Type")) {
            headers.put("Content-Type", List.of(wrapper.getContentType()));
        }
        return new CachedResponse(wrapper.getStatus(), headers, body, now, shared);
    }

    /** Stores a storable response (none when null) under the key its own Vary gives, and learns that Vary for the URL. */
    private void store(Policy policy, HttpServletRequest request, String base, String varyKey, Generated generated,
            CachedResponse storable) {
        if (storable == null) {
            return;
        }
        Ttl ttl = Ttl.of(ttl(policy, generated));
        List<String> vary = varyOf(generated);
        learn(policy, varyKey, vary, generated);
        String key = pageKey(policy, request, base, vary);
        try {
            if (policy.ttl() != null) {
                // Stored as get-or-compute stores it, so the endpoint's stale windows apply to it too.
                policy.cache().getOrCompute(key, RESPONSE, computeOptions(policy), () -> storable);
            } else {
                policy.cache().set(key, storable, ttl, policy.tags());
            }
        } catch (ValueTooLargeException tooLarge) {
            // Sent as rendered; too large to keep.
        }
    }

    /**
     * Keeps the URL's Vary, for at least a day and at least as long as its pages with their stale windows:
     * while it is known, a missing page is rendered by one request per key; without it, by every request.
     */
    private void learn(Policy policy, String varyKey, List<String> vary, Generated generated) {
        Duration pages = ttl(policy, generated).plus(max(policy.staleWhileRevalidate(), policy.staleIfError()));
        policy.cache().set(varyKey, vary, Ttl.of(max(pages, VARY_AT_LEAST)));
    }

    private static Duration max(Duration a, Duration b) {
        Duration first = a != null ? a : Duration.ZERO;
        Duration second = b != null ? b : Duration.ZERO;
        return first.compareTo(second) >= 0 ? first : second;
    }

    private Duration ttl(Policy policy, Generated generated) {
        if (policy.ttl() != null) {
            return policy.ttl();
        }
        Map<String, String> control = cacheControl(generated.wrapper().getHeaders("Cache-Control"));
        for (String directive : List.of("s-maxage", "max-age")) {
            String seconds = control.get(directive);
            if (seconds != null) {
                try {
                    return Duration.ofSeconds(Long.parseLong(seconds));
                } catch (NumberFormatException malformed) {
                    return Duration.ZERO;
                }
            }
        }
        return Duration.ofMillis(defaultTtl(policy).toMillis());
    }

    private Ttl defaultTtl(Policy policy) {
        return web.getDefaultTtl() != null ? Ttl.of(web.getDefaultTtl()) : policy.cache().options().defaultTtl();
    }

    /** Writes a generated response: 304 when the request's validators match it, else as rendered. */
    private void send(HttpServletRequest request, Generated generated) throws IOException {
        ContentCachingResponseWrapper wrapper = generated.wrapper();
        statusHeader(wrapper, "MISS");
        if (request.isAsyncStarted()) {
            return;
        }
        if (wrapper.getStatus() == 200 && notModified(request, wrapper.getHeader("ETag"), wrapper.getHeader("Last-Modified"))) {
            wrapper.resetBuffer();
            wrapper.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            wrapper.setContentLength(0);
            wrapper.getResponse().setContentLength(0);
            return;
        }
        wrapper.copyBodyToResponse();
    }

    /** Writes a cached response: 304 when the request's validators match it. */
    private void replay(HttpServletRequest request, HttpServletResponse response, CachedResponse found) throws IOException {
        found.headers().forEach((name, values) -> {
            response.setHeader(name, null);
            values.forEach(value -> response.addHeader(name, value));
        });
        response.setHeader("Age", Long.toString(Math.max(0, (System.currentTimeMillis() - found.storedAt()) / 1000)));
        statusHeader(response, "HIT");
        String etag = first(found.headers(), "ETag");
        if (found.status() == 200 && notModified(request, etag, first(found.headers(), "Last-Modified"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(found.status());
        response.setContentLength(found.body().length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(found.body());
        }
    }

    private void statusHeader(HttpServletResponse response, String value) {
        if (web.getStatusHeader() != null && !web.getStatusHeader().isBlank()) {
            response.setHeader(web.getStatusHeader(), value);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().getFirst();
            }
        }
        return null;
    }

    /** RFC 9110 13.1: If-None-Match (weak comparison) decides; If-Modified-Since only without it. */
    private static boolean notModified(HttpServletRequest request, String etag, String lastModified) {
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null) {
            if (etag == null) {
                return false;
            }
            String ours = weak(etag);
            for (String tag : ifNoneMatch.split(",")) {
                String theirs = tag.trim();
                if (theirs.equals("*") || weak(theirs).equals(ours)) {
                    return true;
                }
            }
            return false;
        }
        String ifModifiedSince = request.getHeader("If-Modified-Since");
        if (ifModifiedSince == null || lastModified == null) {
            return false;
        }
        try {
            return !ZonedDateTime.parse(lastModified, HTTP_DATE).isAfter(ZonedDateTime.parse(ifModifiedSince, HTTP_DATE));
        } catch (DateTimeParseException malformed) {
            return false;
        }
    }

    private static String weak(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }

    /**
     * Whether the request comes with who its sender is: a signed-in principal (the filter runs after
     * authentication), a session, an Authorization header, or a session cookie by its configured name.
     */
    private boolean hasCredentials(HttpServletRequest request) {
        if (request.getUserPrincipal() != null || request.getRequestedSessionId() != null || request.getHeader("Authorization") != null) {
            return true;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (web.getSessionCookies().contains(cookie.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Method, URL as the request names it (with the parameters of {@code query} only, unless it is null), and
     * every forwarding header: what selects a page before Vary.
     */
    private static String baseKey(HttpServletRequest request, Set<String> query) {
        StringBuilder key = new StringBuilder(request.getMethod()).append(' ').append(request.getRequestURL());
        String kept = query == null ? request.getQueryString() : keptQuery(request.getQueryString(), query);
        if (kept != null) {
            key.append('?').append(kept);
        }
        for (String header : FORWARDING) {
            appendHeader(key, request, header);
        }
        return key.toString();
    }

    /**
     * The parameters of {@code queryString} named in {@code names}, sorted by name (a repeated one keeps its
     * order), as they came; null when none is left. A name that cannot be decoded keeps the whole string,
     * so that nothing the handler might read is ever dropped from the key.
     */
    private static String keptQuery(String queryString, Set<String> names) {
        if (queryString == null || queryString.isEmpty()) {
            return null;
        }
        List<String[]> kept = new ArrayList<>();
        for (String parameter : queryString.split("&")) {
            int equals = parameter.indexOf('=');
            String name;
            try {
                name = URLDecoder.decode(equals < 0 ? parameter : parameter.substring(0, equals), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return queryString;
            }
            if (names.contains(name)) {
                kept.add(new String[] {name, parameter});
            }
        }
        if (kept.isEmpty()) {
            return null;
        }
        kept.sort(Comparator.comparing(parameter -> parameter[0]));
        StringJoiner query = new StringJoiner("&");
        kept.forEach(parameter -> query.add(parameter[1]));
        return query.toString();
    }

    /** The parameter names of {@link CachePage#query()}; null for all. */
    private static Set<String> query(String[] names, String where) {
        List<String> list = List.of(names);
        if (list.contains("*")) {
            if (list.size() > 1) {
                throw new IllegalStateException(where + " names \"*\" (the whole query string) and parameters in query: pick one");
            }
            return null;
        }
        for (String name : list) {
            if (name.isBlank()) {
                throw new IllegalStateException(where + " has a blank parameter name in query");
            }
        }
        return Set.copyOf(list);
    }

    private static String pageKey(Policy policy, HttpServletRequest request, String base, List<String> vary) {
        StringBuilder key = new StringBuilder(base);
        for (String header : vary) {
            appendHeader(key, request, header);
        }
        return policy.keyPrefix() + ":" + request.getMethod() + ":" + sha256Hex(key.toString());
    }

    private static void appendHeader(StringBuilder key, HttpServletRequest request, String header) {
        key.append('\n').append(header).append(':');
        var values = request.getHeaders(header);
        while (values != null && values.hasMoreElements()) {
            key.append(values.nextElement()).append('\u0000');
        }
    }

    /** The header names of a response's Vary, lower-cased and sorted, so that equal lists compare equal. */
    private static List<String> varyOf(Generated generated) {
        Set<String> names = new TreeSet<>();
        for (String value : generated.wrapper().getHeaders("Vary")) {
            for (String name : value.split(",")) {
                if (!name.isBlank()) {
                    names.add(name.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return new ArrayList<>(names);
    }

    private static List<String> list(Enumeration<String> values) {
        return values == null ? List.of() : Collections.list(values);
    }

    /** HTTP/1.0's no-cache, which only counts when Cache-Control gives no lifetime. */
    private static boolean noCachePragma(ContentCachingResponseWrapper wrapper) {
        return wrapper.getHeaders("Pragma").stream().anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("no-cache"));
    }

    /** An Expires that has passed (or is not a date, which RFC 9111 reads as the past). */
    private static boolean expired(ContentCachingResponseWrapper wrapper) {
        String expires = wrapper.getHeader("Expires");
        if (expires == null) {
            return false;
        }
        try {
            return !ZonedDateTime.parse(expires, HTTP_DATE).toInstant().isAfter(Instant.now());
        } catch (DateTimeParseException malformed) {
            return true;
        }
    }

    private static Map<String, String> cacheControl(Iterable<String> values) {
        Map<String, String> directives = new LinkedHashMap<>();
        for (String value : values) {
            for (String directive : value.split(",")) {
                String trimmed = directive.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                String name = (eq < 0 ? trimmed : trimmed.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String argument = eq < 0 ? "" : trimmed.substring(eq + 1).trim().replace("\"", "");
                directives.put(name, argument);
            }
        }
        return directives;
    }

    /** The policy of this request: its handler's {@link CachePage}, else the per-site one, else none. */
    private Policy policy(HttpServletRequest request) {
        HandlerMethod method = handler(request);
        Handling handling = method == null ? Handling.PLAIN : handlings.computeIfAbsent(method.getMethod(), m -> handling(method));
        if (handling.streams()) {
            // Never buffered: its body must reach the client as it is written.
            return null;
        }
        if (handling.policy() == null) {
            return web.isSite()
                    ? new Policy(cache(null, "cachet.web.site"), web.getKeyPrefix(), null, null, null, List.of(), null)
                    : null;
        }
        Policy policy = handling.policy();
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        List<String> tags = new ArrayList<>(policy.tags().size());
        for (String tag : policy.tags()) {
            tags.add(resolve(tag, variables, method));
        }
        return new Policy(policy.cache(), policy.keyPrefix(), policy.ttl(), policy.staleWhileRevalidate(), policy.staleIfError(), tags,
                policy.query());
    }

    /** A tag with each {@code {name}} replaced by the request's path variable of that name. */
    private static String resolve(String tag, Map<String, String> variables, HandlerMethod method) {
        Matcher placeholder = PLACEHOLDER.matcher(tag);
        StringBuilder resolved = new StringBuilder();
        while (placeholder.find()) {
            String value = variables == null ? null : variables.get(placeholder.group(1));
            if (value == null) {
                throw new IllegalStateException("@CachePage on " + method.getShortLogMessage() + ": tag '" + tag
                        + "' names path variable '" + placeholder.group(1) + "', which the request does not have");
            }
            placeholder.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        placeholder.appendTail(resolved);
        return resolved.toString();
    }

    /** The policy an annotated handler asks for; checked for every handler at start-up (see {@link #check}). */
    private Policy policy(HandlerMethod method, CachePage page) {
        String where = "@CachePage on " + method.getShortLogMessage();
        Duration ttl = duration(page.ttl(), where + " (ttl)");
        Duration whileRevalidating = duration(page.staleWhileRevalidate(), where + " (staleWhileRevalidate)");
        Duration ifError = duration(page.staleIfError(), where + " (staleIfError)");
        if (ttl == null && (whileRevalidating != null || ifError != null)) {
            throw new IllegalStateException(where + " has a stale window but no ttl: the windows count from the TTL it gives");
        }
        return new Policy(cache(page.cache().isEmpty() ? null : page.cache(), where),
                page.keyPrefix().isEmpty() ? web.getKeyPrefix() : page.keyPrefix(), ttl, whileRevalidating, ifError,
                List.of(page.tags()), query(page.query(), where));
    }

    /**
     * Checks every {@link CachePage} of the application's handlers, so that a bad duration, an unknown cache
     * alias or a stale window without a TTL stops start-up rather than failing requests.
     *
     * @throws IllegalStateException naming the handler and what is wrong
     */
    void check() {
        handlerMappings().forEach(mapping -> mapping.getHandlerMethods().values().forEach(method -> {
            Handling handling = handling(method);
            handlings.put(method.getMethod(), handling);
            CachePage page = annotation(method);
            if (page != null) {
                for (String tag : page.tags()) {
                    Matcher placeholder = PLACEHOLDER.matcher(tag);
                    while (placeholder.find()) {
                        if (!pathVariables(method).contains(placeholder.group(1))) {
                            throw new IllegalStateException("@CachePage on " + method.getShortLogMessage() + ": tag '" + tag
                                    + "' names '" + placeholder.group(1) + "', which is none of its path variables " + pathVariables(method));
                        }
                    }
                }
            }
        }));
    }

    private Cache cache(String alias, String where) {
        String name = alias != null ? alias : web.getCache();
        if (name == null) {
            throw new IllegalStateException(where + " names no cache, and cachet.web.cache is not set");
        }
        if (!caches.all().containsKey(name)) {
            throw new IllegalStateException(where + " names cache '" + name + "', which is not configured; configured: "
                    + caches.all().keySet());
        }
        return caches.get(name);
    }

    private static Duration duration(String text, String where) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + " is not a duration: '" + text + "'", e);
        }
    }

    private static CachePage annotation(HandlerMethod method) {
        CachePage onMethod = method.getMethodAnnotation(CachePage.class);
        return onMethod != null ? onMethod : method.getBeanType().getAnnotation(CachePage.class);
    }

    /** How a handler's responses are treated: worked out once per handler, not on every request. */
    private record Handling(boolean streams, Policy policy) {
        static final Handling PLAIN = new Handling(false, null);
    }

    private Handling handling(HandlerMethod method) {
        CachePage page = annotation(method);
        return new Handling(streams(method), page == null ? null : policy(method, page));
    }

    /** The names of a handler's {@code @PathVariable} parameters. */
    private static List<String> pathVariables(HandlerMethod method) {
        List<String> names = new ArrayList<>();
        for (var parameter : method.getMethodParameters()) {
            PathVariable variable = parameter.getParameterAnnotation(PathVariable.class);
            if (variable != null) {
                String name = !variable.name().isEmpty() ? variable.name() : !variable.value().isEmpty() ? variable.value()
                        : parameter.getParameterName();
                names.add(name);
            }
        }
        return names;
    }

    /** Whether a handler answers asynchronously or as a stream (emitters, streaming bodies, deferred results). */
    private static boolean streams(HandlerMethod method) {
        ResolvableType type = ResolvableType.forMethodReturnType(method.getMethod());
        if (type.resolve() == ResponseEntity.class) {
            type = type.getGeneric(0);
        }
        Class<?> body = type.resolve(Object.class);
        return StreamingResponseBody.class.isAssignableFrom(body) || ResponseBodyEmitter.class.isAssignableFrom(body)
                || Callable.class.isAssignableFrom(body) || DeferredResult.class.isAssignableFrom(body)
                || CompletionStage.class.isAssignableFrom(body) || body.getName().startsWith("org.reactivestreams.")
                || body.getName().startsWith("reactor.core.publisher.");
    }

    /**
     * The application's handler mappings, looked up once: asking the bean factory on every request cost a
     * cached page more than reading it.
     */
    private List<RequestMappingHandlerMapping> handlerMappings() {
        List<RequestMappingHandlerMapping> found = resolvedMappings;
        if (found == null) {
            found = mappings.orderedStream().toList();
            resolvedMappings = found;
        }
        return found;
    }

    /** The controller method that will handle the request, asked of each request mapping in order. */
    private HandlerMethod handler(HttpServletRequest request) {
        // Before the DispatcherServlet, the mappings need the parsed path that the servlet would parse.
        Object parsed = request.getAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE);
        try {
            ServletRequestPathUtils.parseAndCache(request);
            for (RequestMappingHandlerMapping mapping : handlerMappings()) {
                HandlerExecutionChain chain = mapping.getHandler(request);
                if (chain != null && chain.getHandler() instanceof HandlerMethod method) {
                    return method;
                }
            }
            return null;
        } catch (Exception notMapped) {
            return null;
        } finally {
            request.setAttribute(ServletRequestPathUtils.PATH_ATTRIBUTE, parsed);
        }
    }

    private static String httpDate(long epochMillis) {
        return HTTP_DATE.format(Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }
}
