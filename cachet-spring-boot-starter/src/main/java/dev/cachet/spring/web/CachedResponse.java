package dev.cachet.spring.web;

import java.util.List;
import java.util.Map;

/**
 * A response as the response cache keeps it.
 *
 * @param status the HTTP status
 * @param headers the headers to replay, by name, in order, with its {@code Date}
 * @param body the body
 * @param storedAt epoch milliseconds when it came back from the handler (its response time)
 * @param shared whether the response said it may be served from a shared cache to requests with
 *     credentials ({@code public}, {@code s-maxage} or {@code must-revalidate})
 * @param initialAge how old it was when it came back, in milliseconds (RFC 9111 §4.2.3's corrected initial age)
 * @param lifetime its freshness lifetime, in milliseconds
 * @param mustRevalidate whether it said {@code must-revalidate} or {@code proxy-revalidate}: never served stale
 * @param anonymous whether the request it was made for (and every one that refreshed it) carried no credential of any
 *     kind ({@link AnonymousRequests#anonymous}): only such a page is answered ahead of Spring Security; false in
 *     entries stored before it was recorded
 */
record CachedResponse(int status, Map<String, List<String>> headers, byte[] body, long storedAt, boolean shared, long initialAge,
        long lifetime, boolean mustRevalidate, boolean anonymous) {}
