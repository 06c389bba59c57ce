package dev.cachet.spring.web;

import java.util.List;
import java.util.Map;

/**
 * A response as the response cache keeps it.
 *
 * @param status the HTTP status
 * @param headers the headers to replay, by name, in order
 * @param body the body
 * @param storedAt epoch milliseconds when it was generated
 * @param shared whether the response said it may be served from a shared cache to requests with
 *     credentials ({@code public} or {@code s-maxage})
 */
record CachedResponse(int status, Map<String, List<String>> headers, byte[] body, long storedAt, boolean shared) {}
