package dev.cachet.spring.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rules of RFC 9111 for a shared cache, as the response cache keeps them: what a response's
 * {@code Cache-Control} says, how long it is fresh, and how old it already is.
 *
 * <p>A response is stored only when all of these hold (the filter checks the first four, these rules the rest):
 * <ol>
 *   <li>the request is a GET or HEAD, for a host the site serves, and did not say {@code no-store};
 *   <li>the status is one of {@code cachet.web.cacheable-statuses}, and the response is not streamed;
 *   <li>it sets no cookie, and its {@code Vary} is not {@code *};
 *   <li>with credentials on the request, the response says a shared cache may keep it ({@code public},
 *       {@code s-maxage} or {@code must-revalidate}, §3.5);
 *   <li>its {@code Cache-Control} has none of {@code private}, {@code no-store} and {@code no-cache}, and
 *       no directive it relies on is malformed ({@code max-age=-1}, {@code max-age=1.5});
 *   <li>its freshness lifetime is longer than its age (§4.2): the lifetime is the handler's
 *       {@code @CachePage(ttl)} when it gives one, else {@code s-maxage}, else {@code max-age}, else
 *       {@code Expires} minus {@code Date} (an {@code Expires} that is not one valid date means already
 *       stale), else, for a handler marked {@code @CachePage}, the cache's default TTL; a response the
 *       application did not mark (site mode) that gives none of these gets a heuristic lifetime only when it
 *       has {@code Last-Modified} and a status that is heuristically cacheable or says {@code public}: a
 *       tenth of the time since it was last modified, at most a day (§4.2.2); otherwise it is not stored.
 * </ol>
 * Of a directive given twice, the first counts (§4.2.1).
 */
final class SharedCacheRules {
    /** Statuses a cache may store with a heuristic lifetime (RFC 9110 §15.1). */
    private static final Set<Integer> HEURISTICALLY_CACHEABLE = Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);
    private static final long HEURISTIC_MAX_MILLIS = 24 * 3600 * 1000L;
    private static final int HEURISTIC_FRACTION = 10;
    /** A lifetime or age in seconds past this is taken as this (RFC 9111 §1.2.2: 2^31 seconds). */
    private static final long MAX_DELTA_SECONDS = 2_147_483_648L;

    private SharedCacheRules() {}

    /** A response's Cache-Control directives, lower-cased by name, each with its argument ("" for none); the first of a name counts. */
    static Map<String, String> cacheControl(Iterable<String> values) {
        Map<String, String> directives = new LinkedHashMap<>();
        for (String value : values) {
            for (String directive : value.split(",")) {
                String trimmed = directive.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                String name = (eq < 0 ? trimmed : trimmed.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
                String argument = eq < 0 ? "" : trimmed.substring(eq + 1).trim();
                if (argument.length() >= 2 && argument.startsWith("\"") && argument.endsWith("\"")) {
                    argument = argument.substring(1, argument.length() - 1);
                }
                directives.putIfAbsent(name, argument);
            }
        }
        return directives;
    }

    /**
     * The seconds of a delta-seconds argument ({@code max-age}, {@code s-maxage}, {@code Age}): digits only,
     * capped at 2^31; -1 when it is not one.
     */
    static long deltaSeconds(String argument) {
        if (argument == null || argument.isEmpty()) {
            return -1;
        }
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return argument.length() > 10 ? MAX_DELTA_SECONDS : Math.min(Long.parseLong(argument), MAX_DELTA_SECONDS);
    }

    /** Whether the directives forbid a shared cache to store the response at all. */
    static boolean forbidsStoring(Map<String, String> control) {
        return control.containsKey("private") || control.containsKey("no-store") || control.containsKey("no-cache");
    }

    /** Whether a shared cache may answer a request with credentials from the response (§3.5). */
    static boolean sharedWithCredentials(Map<String, String> control) {
        return control.containsKey("public") || control.containsKey("s-maxage") || control.containsKey("must-revalidate");
    }

    /**
     * The freshness lifetime the response gives itself, in milliseconds (§4.2.1): {@code s-maxage}, else
     * {@code max-age}, else {@code Expires} minus {@code Date}; 0 when one of them is malformed (stale), and
     * -1 when it gives none.
     *
     * @param expires the response's {@code Expires} field lines
     * @param date the response's {@code Date} in epoch milliseconds (the time it was received when it has none)
     */
    static long explicitLifetime(Map<String, String> control, List<String> expires, long date) {
        for (String directive : List.of("s-maxage", "max-age")) {
            if (control.containsKey(directive)) {
                long seconds = deltaSeconds(control.get(directive));
                return seconds < 0 ? 0 : seconds * 1000;
            }
        }
        if (expires.isEmpty()) {
            return -1;
        }
        long at = expires.size() == 1 ? HttpDates.parse(expires.getFirst()) : Long.MIN_VALUE;
        return at == Long.MIN_VALUE ? 0 : Math.max(0, at - date);
    }

    /**
     * A heuristic lifetime (§4.2.2) for a response with none of its own: a tenth of the time between its
     * {@code Last-Modified} and {@code Date}, at most a day, for a status that may be cached so or a response
     * that says {@code public}; 0 when it may not have one.
     */
    static long heuristicLifetime(int status, Map<String, String> control, String lastModified, long date) {
        if (!HEURISTICALLY_CACHEABLE.contains(status) && !control.containsKey("public")) {
            return 0;
        }
        long modified = HttpDates.parse(lastModified);
        if (modified == Long.MIN_VALUE || modified >= date) {
            return 0;
        }
        return Math.min((date - modified) / HEURISTIC_FRACTION, HEURISTIC_MAX_MILLIS);
    }

    /**
     * How old a response was when it arrived, in milliseconds (§4.2.3): the larger of its apparent age (the
     * time since its {@code Date}) and its {@code Age} plus the time the request took; -1 when its
     * {@code Age} is malformed.
     */
    static long initialAge(String ageHeader, long date, long requestTime, long responseTime) {
        long ageValue = 0;
        if (ageHeader != null) {
            long seconds = deltaSeconds(ageHeader.trim());
            if (seconds < 0) {
                return -1;
            }
            ageValue = seconds * 1000;
        }
        long apparentAge = Math.max(0, responseTime - date);
        long correctedAgeValue = ageValue + Math.max(0, responseTime - requestTime);
        return Math.max(apparentAge, correctedAgeValue);
    }
}
