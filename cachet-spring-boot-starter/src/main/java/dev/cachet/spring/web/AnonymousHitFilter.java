package dev.cachet.spring.web;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachet.TypeRef;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers, ahead of Spring Security's filter chain, an anonymous request ({@link AnonymousRequests#anonymous}, and
 * without {@code Origin}) from a page stored from an anonymous request, once the whole chain and the response cache
 * have answered an anonymous request for the same URL and negotiation from that page in this process. The rule it
 * relies on: an anonymous response stored for a URL is served to any anonymous request for the same URL and
 * variant, whatever else (address, other headers) the request carries.
 *
 * <p>What it learned from that answer is where the page is (the cache, the page's key but for the values of its
 * {@code Vary} headers, which are the request's own) and the headers everything between this filter and the
 * response cache added to it (Spring Security's {@code X-Frame-Options} and the rest), which it adds as they were.
 * It never learns from an answer to which anything in between added a cookie or a {@code Vary}. It forgets after
 * {@link #LEARNED_FOR}, so a chain that starts refusing a URL is asked again within that time, and keeps at most
 * {@link #MAX_LEARNED} URLs.
 *
 * <p>It refuses nothing and renders nothing: a request the chain's firewall would reject (path parameters,
 * {@code //}, encoded slashes or dots, {@code ..}, bad header values), a request with any credential, a page that
 * is missing, stale, or stored from a request with credentials is passed on, and the chain and the response cache
 * do what they do without it.
 */
final class AnonymousHitFilter extends OncePerRequestFilter {
    /** How long what an answer taught is used before the whole chain is asked again. */
    static final Duration LEARNED_FOR = Duration.ofMinutes(1);
    /** How many URLs (with their negotiation) are remembered in each process. */
    static final int MAX_LEARNED = 10_000;
    private static final TypeRef<CachedResponse> RESPONSE = TypeRef.of(CachedResponse.class);
    /** Headers that describe one exchange, or that the cache writes itself on every answer. */
    private static final Set<String> PER_EXCHANGE = Set.of("date", "age", "content-length", "content-type", "transfer-encoding",
            "connection", "keep-alive", "trailer", "upgrade");

    /** Where an anonymous page of a URL is, and what the chain adds to it. */
    private record Learned(AnonymousRequests.Answered where, Map<String, List<String>> added) {}

    private final ResponseKeys keys;
    private final HttpFirewall firewall;
    private final String statusHeader;
    private final com.github.benmanes.caffeine.cache.Cache<String, Learned> learned =
            Caffeine.newBuilder().maximumSize(MAX_LEARNED).expireAfterWrite(LEARNED_FOR).build();

    /**
     * @param keys the response cache's keys and host rules
     * @param firewall the firewall of the application's Spring Security filter chain
     * @param statusHeader the response cache's status header ({@code X-Cache}), blank for none
     */
    AnonymousHitFilter(ResponseKeys keys, HttpFirewall firewall, String statusHeader) {
        this.keys = keys;
        this.firewall = firewall;
        this.statusHeader = statusHeader;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String requestKey = null;
        if (AnonymousRequests.anonymous(request) && request.getHeader("Origin") == null && keys.cacheable(request)) {
            try {
                // Headers are checked as they are read, so everything the answer reads goes through the firewall.
                HttpServletRequest checked = firewall.getFirewalledRequest(request);
                requestKey = ResponseKeys.requestKey(checked);
                Learned known = learned.getIfPresent(requestKey);
                if (known != null && answered(checked, response, known)) {
                    return;
                }
            } catch (RequestRejectedException rejected) {
                // The chain's own firewall answers it, as it would without the cache.
                requestKey = null;
            }
        }
        chain.doFilter(request, response);
        if (requestKey != null && request.getAttribute(AnonymousRequests.ANSWERED) instanceof AnonymousRequests.Answered answered) {
            learn(requestKey, answered, response);
        }
    }

    private boolean answered(HttpServletRequest request, HttpServletResponse response, Learned known) throws IOException {
        AnonymousRequests.Answered where = known.where();
        String key = ResponseKeys.pageKey(where.keyPrefix(), request, where.base(), where.representation(), where.vary());
        CachedResponse found = where.cache().get(key, RESPONSE);
        // A page that is not fresh is the response cache's to revalidate or to serve within its stale windows.
        if (found == null || !found.anonymous()
                || found.initialAge() + Math.max(0, System.currentTimeMillis() - found.storedAt()) >= found.lifetime()) {
            return false;
        }
        Replay.write(request, response, found, known.added(), statusHeader, "HIT");
        return true;
    }

    /**
     * Learns where the page that answered the request is, and which headers the response left with that the page
     * does not hold (or holds with other values); nothing when something in between set a cookie or a {@code Vary}.
     */
    private void learn(String requestKey, AnonymousRequests.Answered answered, HttpServletResponse response) {
        if (response.getStatus() != answered.found().status()) {
            return;
        }
        Map<String, List<String>> stored = new LinkedHashMap<>();
        answered.found().headers().forEach((name, values) -> stored.put(name.toLowerCase(Locale.ROOT), values));
        Map<String, List<String>> added = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String name : response.getHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!seen.add(lower) || PER_EXCHANGE.contains(lower) || lower.equalsIgnoreCase(statusHeader)) {
                continue;
            }
            List<String> values = new ArrayList<>(response.getHeaders(name));
            if (values.equals(stored.get(lower))) {
                continue;
            }
            if (lower.equals("set-cookie") || lower.equals("vary")) {
                return;
            }
            added.put(name, List.copyOf(values));
        }
        learned.put(requestKey, new Learned(answered, Collections.unmodifiableMap(added)));
    }
}
