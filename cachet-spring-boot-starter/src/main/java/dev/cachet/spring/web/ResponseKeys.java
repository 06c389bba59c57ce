package dev.cachet.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What a stored response is found by, and which requests may use the cache at all.
 *
 * <p>A page's key is the method, the URL as the application sees it (scheme, host, port, path, and the query
 * parameters the page names), the representation the request's negotiation produced, and the values of the
 * request headers the response named in {@code Vary}. Both of the last two are learned per URL, in one
 * {@link Variants} record kept no longer than the page that taught it: the record maps each negotiation seen
 * (the request's {@code Accept}, {@code Accept-Encoding} and {@code Accept-Language}) to the representation
 * it produced ({@code Content-Type}, {@code Content-Encoding}, {@code Content-Language}), so a request is only
 * ever answered with a representation that its own negotiation produced, while the number of pages per URL
 * stays the number of representations the application makes, whatever clients send.
 *
 * <p>Only requests for the site's hosts use the cache, so that made-up {@code Host} values make no entries;
 * forwarding headers ({@code X-Forwarded-Host} and the rest) count as the application's forwarded-header
 * strategy has them count: applied by the server or a filter, they are in the URL already; ignored by the
 * application, a request that carries them is neither answered from nor stored in the cache, since a handler
 * that reads them itself could render what no other request should get.
 */
final class ResponseKeys {
    /** Request headers through which a proxy says what URL the client asked for. */
    private static final List<String> FORWARDING = List.of("forwarded", "x-forwarded-host", "x-forwarded-proto",
            "x-forwarded-port", "x-forwarded-prefix", "x-forwarded-server", "x-forwarded-ssl", "x-original-url", "x-rewrite-url");
    private static final List<String> NEGOTIATION = List.of("Accept", "Accept-Encoding", "Accept-Language");
    /** Negotiations a URL's record remembers; a request with another is rendered, not stored under a new page. */
    static final int MAX_NEGOTIATIONS = 32;
    /** Never digests anything itself: each digest is made from a clone of it. */
    private static final MessageDigest SHA_256 = sha256();

    /**
     * What one URL's pages vary on.
     *
     * @param vary the request headers the response named in {@code Vary}, lower-cased and sorted
     * @param produced the representation each negotiation seen produced, by the negotiation's digest
     */
    record Variants(List<String> vary, Map<String, String> produced) {
        /** These variants with {@code negotiation} producing {@code representation}, when there is room. */
        Variants learn(List<String> learnedVary, String negotiation, String representation) {
            Map<String, String> next = new HashMap<>(learnedVary.equals(vary) ? produced : Map.of());
            if (next.size() < MAX_NEGOTIATIONS || next.containsKey(negotiation)) {
                next.put(negotiation, representation);
            }
            return new Variants(List.copyOf(learnedVary), next);
        }

        static Variants none() {
            return new Variants(List.of(), Map.of());
        }
    }

    private final Set<String> hosts;
    private final boolean forwardingApplied;

    /**
     * @param hosts the host names the site serves, lower-case, without ports
     * @param forwardingApplied whether the server or a filter applies forwarding headers to the request's URL
     */
    ResponseKeys(Set<String> hosts, boolean forwardingApplied) {
        this.hosts = Set.copyOf(hosts);
        this.forwardingApplied = forwardingApplied;
    }

    /** Whether the request may be answered from, and its response stored in, the cache. */
    boolean cacheable(HttpServletRequest request) {
        if (!hosts.contains(request.getServerName().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if (!forwardingApplied) {
            for (String header : FORWARDING) {
                if (request.getHeader(header) != null) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The request's URL, with the parameters of {@code query} only unless it is null: what selects a page first. */
    static String base(HttpServletRequest request, Set<String> query) {
        StringBuilder key = new StringBuilder(request.getMethod()).append(' ').append(request.getRequestURL());
        String kept = query == null ? request.getQueryString() : keptQuery(request.getQueryString(), query);
        if (kept != null) {
            key.append('?').append(kept);
        }
        return key.toString();
    }

    /** The key of the {@link Variants} record of a URL. */
    static String variantsKey(String keyPrefix, String base) {
        return keyPrefix + ":vary:" + sha256Hex(base);
    }

    /** The digest of what the request asks for in content negotiation. */
    static String negotiation(HttpServletRequest request) {
        StringBuilder asked = new StringBuilder();
        for (String header : NEGOTIATION) {
            asked.append(header).append(':');
            var values = request.getHeaders(header);
            while (values != null && values.hasMoreElements()) {
                asked.append(values.nextElement().replace(" ", "").toLowerCase(Locale.ROOT)).append('\u0000');
            }
            asked.append('\n');
        }
        return sha256Hex(asked.toString()).substring(0, 32);
    }

    /**
     * What the early answers to anonymous requests learn a page's whereabouts by: the method, the URL with its
     * whole query, and the negotiation headers as sent; more particular than a page's key, never less.
     */
    static String requestKey(HttpServletRequest request) {
        StringBuilder key = new StringBuilder(request.getMethod()).append(' ').append(request.getRequestURL());
        String query = request.getQueryString();
        if (query != null) {
            key.append('?').append(query);
        }
        for (String header : NEGOTIATION) {
            key.append('\n');
            var values = request.getHeaders(header);
            while (values != null && values.hasMoreElements()) {
                key.append(values.nextElement()).append('\u0000');
            }
        }
        return key.toString();
    }

    /** The representation a response is: its type, encoding and language. */
    static String representation(String contentType, String contentEncoding, String contentLanguage) {
        return String.join("|", lower(contentType), lower(contentEncoding), lower(contentLanguage));
    }

    /** The key of the page of {@code base} in {@code representation}, for the request's values of {@code vary}. */
    static String pageKey(String keyPrefix, HttpServletRequest request, String base, String representation, List<String> vary) {
        StringBuilder key = new StringBuilder(base).append('\n').append(representation);
        for (String header : vary) {
            key.append('\n').append(header).append(':');
            var values = request.getHeaders(header);
            while (values != null && values.hasMoreElements()) {
                key.append(values.nextElement()).append('\u0000');
            }
        }
        return keyPrefix + ":" + request.getMethod() + ":" + sha256Hex(key.toString());
    }

    /** The tag every page of the request's URL carries, whatever its query: what an unsafe request invalidates. */
    static String urlTag(HttpServletRequest request) {
        return urlTag(request.getScheme(), request.getServerName(), request.getServerPort(), request.getRequestURI());
    }

    /**
     * The tag of the pages of {@code location} (a {@code Location} or {@code Content-Location}, relative to the
     * request's URL), or null when it names another host, which an unsafe request must not invalidate (§4.4).
     */
    static String urlTag(HttpServletRequest request, String location) {
        URI target;
        try {
            target = URI.create(request.getRequestURL().toString()).resolve(location.trim());
        } catch (IllegalArgumentException malformed) {
            return null;
        }
        if (target.getHost() == null || !target.getHost().equalsIgnoreCase(request.getServerName()) || target.getRawPath() == null) {
            return null;
        }
        String scheme = target.getScheme() != null ? target.getScheme() : request.getScheme();
        int port = target.getPort() >= 0 ? target.getPort() : "https".equalsIgnoreCase(scheme) ? 443 : 80;
        return urlTag(scheme, target.getHost(), port, target.getRawPath());
    }

    private static String urlTag(String scheme, String host, int port, String path) {
        return "url:" + sha256Hex(scheme.toLowerCase(Locale.ROOT) + "://" + host.toLowerCase(Locale.ROOT) + ":" + port + path);
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

    private static String lower(String text) {
        return text == null ? "" : text.replace(" ", "").toLowerCase(Locale.ROOT);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            // A clone skips the provider lookup of getInstance, which cost more than the digest of a key.
            return ((MessageDigest) SHA_256.clone()).digest(bytes);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }
}
