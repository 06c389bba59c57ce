package dev.cachet.spring.web;

import dev.cachet.Cache;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;

/**
 * Requests that say nothing at all of who sends them, and what the response cache tells the filter that answers
 * them ahead of Spring Security ({@link AnonymousHitFilter}) about the pages it served them.
 */
final class AnonymousRequests {
    /** The request attribute under which the response cache leaves an {@link Answered} for the early filter. */
    static final String ANSWERED = AnonymousRequests.class.getName() + ".answered";
    private static final String CLIENT_CERTIFICATE = "jakarta.servlet.request.X509Certificate";

    private AnonymousRequests() {}

    /**
     * An anonymous request answered from a page stored from an anonymous request, after everything ahead of the
     * response cache ran: where the page was found, by what, and the page.
     */
    record Answered(Cache cache, String keyPrefix, String base, String representation, List<String> vary, CachedResponse found) {}

    /**
     * Whether a request is a GET or HEAD that carries no credential of any kind: no {@code Authorization}, no
     * cookie whatsoever, no session, no principal, no TLS client certificate. Stricter than the response cache's
     * own test, which only counts the configured session cookies.
     */
    static boolean anonymous(HttpServletRequest request) {
        String method = request.getMethod();
        return ("GET".equals(method) || "HEAD".equals(method)) && request.getHeader("Authorization") == null
                && request.getHeader("Cookie") == null && request.getRequestedSessionId() == null && request.getUserPrincipal() == null
                && !(request.isSecure() && request.getAttribute(CLIENT_CERTIFICATE) != null);
    }
}
