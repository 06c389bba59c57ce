package dev.cachet.spring.web;

import dev.cachet.Cache;
import dev.cachet.CacheLoaderException;
import dev.cachet.ComputeOptions;
import dev.cachet.Ttl;
import dev.cachet.TypeRef;
import dev.cachet.ValueTooLargeException;
import dev.cachet.spring.CachetProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.WebUtils;

/**
 * The whole-response cache: Django's cache middleware and {@code cache_page}, kept as a shared cache keeps
 * RFC 9111. {@link SharedCacheRules} says exactly when a response is stored and how long it is fresh,
 * {@link ResponseKeys} what it is found by and which requests use the cache; this filter buffers a response,
 * stores it, replays it (with its own {@code Date} and its current {@code Age}), revalidates a stale one with
 * its validators, answers conditional requests with 304, and invalidates a URL's pages when an unsafe request
 * to it (or to its {@code Location}) succeeds.
 *
 * <p>Stored headers are the response's own. Only a response that has no {@code Cache-Control} and no
 * {@code Expires}, from a handler whose {@code @CachePage} gives a TTL, gets {@code Cache-Control: max-age},
 * {@code Expires} and, when it has none, an {@code ETag} of its body, as Django's {@code cache_page} adds them.
 * A request with credentials is answered from, or stored in, the cache only when the response says a shared
 * cache may keep it. Regeneration goes through get-or-compute, so one request per key (across instances)
 * renders a missing page while the others wait for it, and the endpoint's stale windows apply, unless the
 * response says {@code must-revalidate} or {@code proxy-revalidate}.
 */
final class ResponseCacheFilter extends OncePerRequestFilter {
    private static final TypeRef<CachedResponse> RESPONSE = TypeRef.of(CachedResponse.class);
    private static final TypeRef<ResponseKeys.Variants> VARIANTS = TypeRef.of(ResponseKeys.Variants.class);
    /** Methods that do not change what they ask for (RFC 9110 §9.2.1); any other that succeeds invalidates. */
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    /** Response headers that describe one connection or one exchange, never replayed. */
    private static final Set<String> NOT_REPLAYED = Set.of("set-cookie", "connection", "keep-alive", "transfer-encoding",
            "age", "trailer", "upgrade", "proxy-connection");
    /** Headers of a 304 that say nothing of the stored body's metadata and do not replace the stored ones. */
    private static final Set<String> NOT_REFRESHED = Set.of("content-length", "content-type", "content-encoding", "content-range");
    private static final long REVALIDATION_MIN_MILLIS = 60_000;
    private static final long REVALIDATION_MAX_MILLIS = 24 * 3_600_000L;
    /** How much of an unsafe request's answer is held back until its invalidation is done; the rest goes as it is written. */
    private static final int UNSAFE_BUFFER_BYTES = 1 << 20;
    private static final System.Logger LOG = System.getLogger(ResponseCacheFilter.class.getName());

    private final CachetProperties.Web web;
    private final ResponseKeys keys;
    private final PagePolicies policies;

    ResponseCacheFilter(CachetProperties.Web web, ResponseKeys keys, PagePolicies policies) {
        this.web = web;
        this.keys = keys;
        this.policies = policies;
    }

    /** What this filter keys pages by and which requests it takes. */
    ResponseKeys keys() {
        return keys;
    }

    /**
     * Checks every {@link CachePage} of the application's handlers, so that a bad duration, an unknown cache
     * alias or a stale window without a TTL stops start-up rather than failing requests.
     *
     * @throws IllegalStateException naming the handler and what is wrong
     */
    void check() {
        policies.check();
    }

    /**
     * A response this request generated, buffered, with when the request went to the handler and when the
     * response came back; {@code requestNoStore} when the request said {@code no-store}.
     */
    private record Generated(BoundedResponseBuffer wrapper, boolean streaming, boolean requestNoStore, long requestTime,
            long responseTime) {
        int status() {
            return wrapper.getStatus();
        }
    }

    /**
     * What a request's URL is to the cache: its base key, the key of its {@link ResponseKeys.Variants} record and
     * that record as read (null when there is none), and the digest of the request's negotiation.
     */
    private record Url(String base, String variantsKey, ResponseKeys.Variants variants, String negotiation) {}

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
        if (!SAFE_METHODS.contains(method)) {
            unsafe(request, response, chain);
            return;
        }
        PagePolicies.Policy policy = ("GET".equals(method) || "HEAD".equals(method)) && keys.cacheable(request) ? policies.policy(request) : null;
        if (policy == null) {
            chain.doFilter(request, response);
            return;
        }
        Cache cache = policy.cache();
        boolean credentials = hasCredentials(request);
        String base = ResponseKeys.base(request, policy.query());
        String variantsKey = ResponseKeys.variantsKey(policy.keyPrefix(), base);
        ResponseKeys.Variants variants = cache.get(variantsKey, VARIANTS);
        Url url = new Url(base, variantsKey, variants, ResponseKeys.negotiation(request));
        String representation = variants == null ? null : variants.produced().get(url.negotiation());
        if (representation == null) {
            // Nothing cached for this URL and this negotiation yet: render, and learn what it produces.
            Generated generated = generate(policy, request, response, chain);
            store(policy, request, url, generated, storable(policy, request, generated, credentials));
            send(request, generated);
            return;
        }
        List<String> vary = variants.vary();
        String key = ResponseKeys.pageKey(policy.keyPrefix(), request, base, representation, vary);
        if (credentials) {
            CachedResponse found = cache.get(key, RESPONSE);
            if (found != null && found.shared()) {
                if (revalidates(policy, found)) {
                    revalidate(policy, request, response, chain, url, key, found, true);
                    return;
                }
                replay(request, response, found, "HIT");
                return;
            }
            Generated generated = generate(policy, request, response, chain);
            store(policy, request, url, generated, storable(policy, request, generated, true));
            send(request, generated);
            return;
        }
        Generated[] generated = new Generated[1];
        CachedResponse found;
        try {
            found = cache.getOrCompute(key, RESPONSE, computeOptions(policy, request), () -> {
                Generated fresh = generate(policy, request, response, chain);
                generated[0] = fresh;
                if (fresh.status() >= 500) {
                    throw new ServerError(fresh.status());
                }
                CachedResponse storable = storable(policy, request, fresh, false);
                if (storable == null) {
                    return null;
                }
                if (!varyOf(fresh).equals(vary) || !representationOf(fresh).equals(representation) || !timedByCache(policy, storable)) {
                    // Keyed, timed or windowed by what this response says: stored here rather than by get-or-compute.
                    store(policy, request, url, fresh, storable);
                    return null;
                }
                learn(policy, url, fresh, storable);
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
            Generated own = generate(policy, request, response, chain);
            store(policy, request, url, own, storable(policy, request, own, false));
            send(request, own);
            return;
        }
        if (found != null && generated[0] == null && revalidates(policy, found)) {
            revalidate(policy, request, response, chain, url, key, found, false);
            return;
        }
        if (found != null && (generated[0] == null || generated[0].status() >= 500)) {
            if (generated[0] != null) {
                // Stale-if-error: drop the failed rendering, answer with what was cached.
                generated[0].wrapper().resetBuffer();
            }
            if (found.anonymous() && AnonymousRequests.anonymous(request)) {
                request.setAttribute(AnonymousRequests.ANSWERED,
                        new AnonymousRequests.Answered(cache, policy.keyPrefix(), base, representation, vary, found));
            }
            replay(request, response, found, "HIT");
        } else {
            send(request, generated[0]);
        }
    }

    /**
     * An unsafe request: passed on, and once it has succeeded (2xx or 3xx) and before its answer leaves, the
     * pages of its URL, and of the URLs its {@code Location} and {@code Content-Location} name on the same host,
     * are invalidated in every cache that holds responses (RFC 9111 §4.4).
     */
    private void unsafe(HttpServletRequest request, HttpServletResponse response, FilterChain chain) throws IOException, ServletException {
        Set<Cache> responseCaches = policies.responseCaches();
        if (responseCaches.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        BoundedResponseBuffer wrapper = new BoundedResponseBuffer(response, UNSAFE_BUFFER_BYTES);
        chain.doFilter(request, wrapper);
        int status = wrapper.getStatus();
        if (status >= 200 && status < 400) {
            List<String> tags = new ArrayList<>(List.of(ResponseKeys.urlTag(request)));
            for (String header : List.of("Location", "Content-Location")) {
                String location = wrapper.getHeader(header);
                String tag = location == null ? null : ResponseKeys.urlTag(request, location);
                if (tag != null && !tags.contains(tag)) {
                    tags.add(tag);
                }
            }
            for (Cache cache : responseCaches) {
                if (!cache.invalidateTags(tags)) {
                    LOG.log(System.Logger.Level.WARNING, "cache {0}: invalidating the pages of {1} {2} failed; it is replayed"
                            + " when the cache's store answers again", cache.options().name(), request.getMethod(), request.getRequestURI());
                }
            }
        }
        if (!request.isAsyncStarted()) {
            wrapper.copyBodyToResponse();
        }
    }

    private ComputeOptions computeOptions(PagePolicies.Policy policy, HttpServletRequest request) {
        ComputeOptions.Builder options = ComputeOptions.builder().ttl(policy.ttl() != null ? Ttl.of(policy.ttl()) : defaultTtl(policy))
                .tags(tags(policy, request));
        if (policy.staleWhileRevalidate() != null) {
            options.staleWhileRevalidate(policy.staleWhileRevalidate());
        }
        if (policy.staleIfError() != null) {
            options.staleIfError(policy.staleIfError());
        }
        return options.build();
    }

    /** The policy's tags and the tag of the request's URL, which unsafe requests to it invalidate. */
    private static List<String> tags(PagePolicies.Policy policy, HttpServletRequest request) {
        List<String> tags = new ArrayList<>(policy.tags());
        tags.add(ResponseKeys.urlTag(request));
        return tags;
    }

    private Generated generate(PagePolicies.Policy policy, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        BoundedResponseBuffer wrapper = new BoundedResponseBuffer(response, policy.cache().options().maxValueBytes());
        // Said before the handler runs: a body that passes the buffer's limit commits the response as it goes.
        statusHeader(wrapper, "MISS");
        long requestTime = System.currentTimeMillis();
        chain.doFilter(request, wrapper);
        long responseTime = System.currentTimeMillis();
        String type = wrapper.getContentType();
        boolean streaming = request.isAsyncStarted() || type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
        boolean noStore = SharedCacheRules.cacheControl(list(request.getHeaders("Cache-Control"))).containsKey("no-store");
        return new Generated(wrapper, streaming, noStore, requestTime, responseTime);
    }

    /** The response as it may be stored, as {@link SharedCacheRules} says; null when it may not be stored. */
    private CachedResponse storable(PagePolicies.Policy policy, HttpServletRequest request, Generated generated, boolean credentials) {
        BoundedResponseBuffer wrapper = generated.wrapper();
        if (generated.streaming() || wrapper.passedThrough() || !web.getCacheableStatuses().contains(wrapper.getStatus())
                || !wrapper.getHeaders("Set-Cookie").isEmpty() || generated.requestNoStore() || varyOf(generated).contains("*")) {
            return null;
        }
        Map<String, String> control = SharedCacheRules.cacheControl(wrapper.getHeaders("Cache-Control"));
        if (SharedCacheRules.forbidsStoring(control)
                || !control.containsKey("max-age") && !control.containsKey("s-maxage") && noCachePragma(wrapper)) {
            return null;
        }
        boolean shared = SharedCacheRules.sharedWithCredentials(control);
        if (credentials && !shared) {
            return null;
        }
        long date = HttpDates.parse(wrapper.getHeader("Date"));
        boolean dated = date != Long.MIN_VALUE;
        if (!dated) {
            date = generated.responseTime();
        }
        long initialAge = SharedCacheRules.initialAge(wrapper.getHeader("Age"), date, generated.requestTime(), generated.responseTime());
        long lifetime = lifetime(policy, wrapper.getStatus(), control, List.copyOf(wrapper.getHeaders("Expires")),
                wrapper.getHeader("Last-Modified"), date);
        if (initialAge < 0 || lifetime <= initialAge) {
            return null;
        }
        byte[] body = wrapper.getContentAsByteArray();
        boolean ownCachingHeaders = !wrapper.getHeaders("Cache-Control").isEmpty() || !wrapper.getHeaders("Expires").isEmpty();
        if (!ownCachingHeaders && policy.ttl() != null) {
            wrapper.setHeader("Cache-Control", "max-age=" + policy.ttl().toSeconds());
            wrapper.setHeader("Expires", HttpDates.format(generated.responseTime() + policy.ttl().toMillis()));
            if (wrapper.getHeader("ETag") == null && wrapper.getHeader("Last-Modified") == null) {
                wrapper.setHeader("ETag", "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(ResponseKeys.sha256(body)).substring(0, 22) + "\"");
            }
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
        if (!dated) {
            // A cache must send a Date (RFC 9110 §6.6.1): the time the response was made, replayed on every hit.
            headers.put("Date", List.of(HttpDates.format(generated.responseTime())));
        }
        boolean mustRevalidate = control.containsKey("must-revalidate") || control.containsKey("proxy-revalidate");
        return new CachedResponse(wrapper.getStatus(), headers, body, generated.responseTime(), shared, initialAge, lifetime,
                mustRevalidate, AnonymousRequests.anonymous(request));
    }

    /**
     * The freshness lifetime in milliseconds: the handler's TTL; else the response's own; else, for a handler
     * marked {@link CachePage}, the default TTL; else a heuristic one (0 when none is allowed).
     */
    private long lifetime(PagePolicies.Policy policy, int status, Map<String, String> control, List<String> expires,
            String lastModified, long date) {
        if (policy.ttl() != null) {
            return policy.ttl().toMillis();
        }
        long own = SharedCacheRules.explicitLifetime(control, expires, date);
        if (own >= 0) {
            return own;
        }
        if (policy.annotated()) {
            Ttl ttl = defaultTtl(policy);
            return ttl.isForever() ? Long.MAX_VALUE / 2 : ttl.toMillis();
        }
        return SharedCacheRules.heuristicLifetime(status, control, lastModified, date);
    }

    /**
     * Stores a storable response (none when null) under the key its own representation and Vary give, for what
     * is left of its freshness, and learns both for the URL.
     */
    private void store(PagePolicies.Policy policy, HttpServletRequest request, Url url, Generated generated, CachedResponse storable) {
        if (storable == null) {
            return;
        }
        learn(policy, url, generated, storable);
        String key = ResponseKeys.pageKey(policy.keyPrefix(), request, url.base(), representationOf(generated), varyOf(generated));
        try {
            if (timedByCache(policy, storable)) {
                // Stored as get-or-compute stores it, so the endpoint's stale windows apply to it too.
                policy.cache().getOrCompute(key, RESPONSE, computeOptions(policy, request), () -> storable);
            } else {
                policy.cache().set(key, storable, Ttl.of(Duration.ofMillis(kept(storable))), tags(policy, request));
            }
        } catch (ValueTooLargeException tooLarge) {
            // Sent as rendered; too large to keep.
        }
    }

    /** Keeps what the URL's pages vary on, for as long as this page is kept (with its stale windows): no longer. */
    private void learn(PagePolicies.Policy policy, Url url, Generated generated, CachedResponse storable) {
        ResponseKeys.Variants variants = (url.variants() != null ? url.variants() : ResponseKeys.Variants.none())
                .learn(varyOf(generated), url.negotiation(), representationOf(generated));
        Duration page = timedByCache(policy, storable)
                ? Duration.ofMillis(remaining(storable)).plus(max(policy.staleWhileRevalidate(), policy.staleIfError()))
                : Duration.ofMillis(kept(storable));
        policy.cache().set(url.variantsKey(), variants, Ttl.of(page));
    }

    /**
     * Whether the cache's TTL is the response's freshness: a page of a handler whose {@code @CachePage} gives a
     * TTL, fresh on arrival and not {@code must-revalidate}, which get-or-compute stores, with the handler's stale
     * windows. Any other response is stored with a TTL of its own, past its freshness when it can be revalidated.
     */
    private static boolean timedByCache(PagePolicies.Policy policy, CachedResponse storable) {
        return policy.ttl() != null && !storable.mustRevalidate() && storable.initialAge() < 1000;
    }

    /** Whether a stored response is no longer fresh and is to be revalidated rather than replayed. */
    private static boolean revalidates(PagePolicies.Policy policy, CachedResponse found) {
        return !timedByCache(policy, found) && !fresh(found);
    }

    private static boolean fresh(CachedResponse found) {
        return found.initialAge() + Math.max(0, System.currentTimeMillis() - found.storedAt()) < found.lifetime();
    }

    /**
     * How long to keep a stored response, in milliseconds: what is left of its freshness, and then, when it has
     * a validator to revalidate it with ({@code ETag}, {@code Last-Modified}), as long again as its lifetime (at
     * least a minute, at most a day), so that a stale response costs the handler a 304 rather than a rendering.
     */
    private static long kept(CachedResponse storable) {
        long fresh = remaining(storable);
        if (Replay.first(storable.headers(), "ETag") == null && Replay.first(storable.headers(), "Last-Modified") == null) {
            return fresh;
        }
        return fresh + Math.clamp(storable.lifetime(), REVALIDATION_MIN_MILLIS, REVALIDATION_MAX_MILLIS);
    }

    /**
     * Revalidates a stale response (RFC 9111 §4.3): the handler is asked with the stored validators
     * ({@code If-None-Match}, {@code If-Modified-Since}) in place of the client's; a 304 refreshes the stored
     * headers from it (§4.3.4) and the stored body answers; any other answer is a new response, stored and sent
     * as a miss is.
     */
    private void revalidate(PagePolicies.Policy policy, HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            Url url, String key, CachedResponse stale, boolean credentials)
            throws IOException, ServletException {
        Generated answer = generate(policy, new ConditionalRequest(request, Replay.first(stale.headers(), "ETag"),
                Replay.first(stale.headers(), "Last-Modified")), response, chain);
        if (answer.status() != HttpServletResponse.SC_NOT_MODIFIED) {
            store(policy, request, url, answer, storable(policy, request, answer, credentials));
            send(request, answer);
            return;
        }
        CachedResponse refreshed = refreshed(policy, request, stale, answer);
        if (refreshed.lifetime() > refreshed.initialAge()) {
            Ttl kept = Ttl.of(Duration.ofMillis(kept(refreshed)));
            policy.cache().set(key, refreshed, kept, tags(policy, request));
            // The URL's Vary record goes with the page, as when it was stored: else the record lapses first and
            // the page, kept for longer, can no longer be found.
            policy.cache().touch(url.variantsKey(), kept);
        }
        answer.wrapper().resetBuffer();
        replay(request, response, refreshed, "REVALIDATED");
    }

    /**
     * The stored response with the headers of a 304 in place of its own (§4.3.4; not those that describe the
     * body or the exchange), fresh again from the 304's time, with the lifetime its headers now give.
     */
    private CachedResponse refreshed(PagePolicies.Policy policy, HttpServletRequest request, CachedResponse stale, Generated notModified) {
        BoundedResponseBuffer wrapper = notModified.wrapper();
        Map<String, List<String>> headers = new LinkedHashMap<>(stale.headers());
        for (String name : wrapper.getHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_REPLAYED.contains(lower) || NOT_REFRESHED.contains(lower) || lower.equals(web.getStatusHeader().toLowerCase(Locale.ROOT))) {
                continue;
            }
            headers.keySet().removeIf(stored -> stored.equalsIgnoreCase(name));
            headers.put(name, new ArrayList<>(wrapper.getHeaders(name)));
        }
        long date = HttpDates.parse(wrapper.getHeader("Date"));
        if (date == Long.MIN_VALUE) {
            date = notModified.responseTime();
            headers.keySet().removeIf(stored -> stored.equalsIgnoreCase("Date"));
            headers.put("Date", List.of(HttpDates.format(date)));
        }
        Map<String, String> control = SharedCacheRules.cacheControl(values(headers, "Cache-Control"));
        long initialAge = Math.max(0, SharedCacheRules.initialAge(wrapper.getHeader("Age"), date, notModified.requestTime(),
                notModified.responseTime()));
        long lifetime = lifetime(policy, stale.status(), control, values(headers, "Expires"), Replay.first(headers, "Last-Modified"), date);
        return new CachedResponse(stale.status(), headers, stale.body(), notModified.responseTime(),
                SharedCacheRules.sharedWithCredentials(control), initialAge, lifetime,
                control.containsKey("must-revalidate") || control.containsKey("proxy-revalidate"),
                stale.anonymous() && AnonymousRequests.anonymous(request));
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        List<String> values = new ArrayList<>();
        headers.forEach((header, those) -> {
            if (header.equalsIgnoreCase(name)) {
                values.addAll(those);
            }
        });
        return values;
    }

    /** How much longer a stored response stays fresh, in milliseconds. */
    private static long remaining(CachedResponse storable) {
        return Math.max(1, storable.lifetime() - storable.initialAge());
    }

    private static Duration max(Duration a, Duration b) {
        Duration first = a != null ? a : Duration.ZERO;
        Duration second = b != null ? b : Duration.ZERO;
        return first.compareTo(second) >= 0 ? first : second;
    }

    private Ttl defaultTtl(PagePolicies.Policy policy) {
        return web.getDefaultTtl() != null ? Ttl.of(web.getDefaultTtl()) : policy.cache().options().defaultTtl();
    }

    /** Writes a generated response: 304 when the request's validators match it, else as rendered. */
    private void send(HttpServletRequest request, Generated generated) throws IOException {
        BoundedResponseBuffer wrapper = generated.wrapper();
        if (request.isAsyncStarted()) {
            return;
        }
        if (wrapper.getStatus() == 200 && !wrapper.passedThrough()
                && Replay.notModified(request, wrapper.getHeader("ETag"), wrapper.getHeader("Last-Modified"))) {
            wrapper.resetBuffer();
            wrapper.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            wrapper.setContentLength(0);
            wrapper.getResponse().setContentLength(0);
            return;
        }
        wrapper.copyBodyToResponse();
    }

    private void replay(HttpServletRequest request, HttpServletResponse response, CachedResponse found, String how) throws IOException {
        Replay.write(request, response, found, Map.of(), web.getStatusHeader(), how);
    }

    private void statusHeader(HttpServletResponse response, String value) {
        if (web.getStatusHeader() != null && !web.getStatusHeader().isBlank()) {
            response.setHeader(web.getStatusHeader(), value);
        }
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

    /** The representation a generated response is, as {@link ResponseKeys#representation} has it. */
    private static String representationOf(Generated generated) {
        BoundedResponseBuffer wrapper = generated.wrapper();
        return ResponseKeys.representation(wrapper.getContentType(), wrapper.getHeader("Content-Encoding"),
                wrapper.getHeader("Content-Language"));
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
}
