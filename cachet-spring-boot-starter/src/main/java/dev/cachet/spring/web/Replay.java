package dev.cachet.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** How a stored response is written to a request, and the conditional rules that can make it a 304. */
final class Replay {
    private Replay() {}

    /**
     * Writes a cached response with its stored headers, then {@code added} (headers that what runs around the
     * cache would have added), its stored {@code Date} and its current {@code Age}: 304 when the request's
     * validators match it, no body for HEAD.
     *
     * @param statusHeader the header that says how the response was served, or null or blank for none
     * @param how what that header says ({@code HIT}, {@code REVALIDATED})
     */
    static void write(HttpServletRequest request, HttpServletResponse response, CachedResponse found, Map<String, List<String>> added,
            String statusHeader, String how) throws IOException {
        set(response, found.headers());
        set(response, added);
        long currentAge = found.initialAge() + Math.max(0, System.currentTimeMillis() - found.storedAt());
        response.setHeader("Age", Long.toString(currentAge / 1000));
        if (statusHeader != null && !statusHeader.isBlank()) {
            response.setHeader(statusHeader, how);
        }
        if (found.status() == 200 && notModified(request, first(found.headers(), "ETag"), first(found.headers(), "Last-Modified"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(found.status());
        response.setContentLength(found.body().length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(found.body());
        }
    }

    private static void set(HttpServletResponse response, Map<String, List<String>> headers) {
        headers.forEach((name, values) -> {
            if (values.size() == 1) {
                response.setHeader(name, values.getFirst());
            } else {
                response.setHeader(name, null);
                values.forEach(value -> response.addHeader(name, value));
            }
        });
    }

    /** The first value of a header, by a name in any case; null when there is none. */
    static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().getFirst();
            }
        }
        return null;
    }

    /** RFC 9110 13.1: If-None-Match (weak comparison) decides; If-Modified-Since only without it. */
    static boolean notModified(HttpServletRequest request, String etag, String lastModified) {
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
        long modified = HttpDates.parse(lastModified);
        long since = HttpDates.parse(ifModifiedSince);
        return modified != Long.MIN_VALUE && since != Long.MIN_VALUE && modified <= since;
    }

    private static String weak(String etag) {
        return etag.startsWith("W/") ? etag.substring(2) : etag;
    }
}
