package dev.cachet.spring.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A request as the cache sends it to revalidate a stored response (RFC 9111 §4.3.1): the stored validators
 * ({@code If-None-Match} from its {@code ETag}, {@code If-Modified-Since} from its {@code Last-Modified}) are
 * its only preconditions, in place of whatever the client sent, which the cache answers itself.
 */
final class ConditionalRequest extends HttpServletRequestWrapper {
    private static final Set<String> PRECONDITIONS = Set.of("if-none-match", "if-modified-since", "if-match", "if-unmodified-since",
            "if-range");

    private final Map<String, String> validators = new LinkedHashMap<>();

    /** {@code request} with {@code etag} and {@code lastModified} (either may be null) as its preconditions. */
    ConditionalRequest(HttpServletRequest request, String etag, String lastModified) {
        super(request);
        if (etag != null) {
            validators.put("if-none-match", etag);
        }
        if (lastModified != null) {
            validators.put("if-modified-since", lastModified);
        }
    }

    @Override
    public String getHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return PRECONDITIONS.contains(lower) ? validators.get(lower) : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (PRECONDITIONS.contains(lower)) {
            String value = validators.get(lower);
            return Collections.enumeration(value == null ? List.of() : List.of(value));
        }
        return super.getHeaders(name);
    }

    @Override
    public long getDateHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (PRECONDITIONS.contains(lower)) {
            long date = HttpDates.parse(validators.get(lower));
            return date == Long.MIN_VALUE ? -1 : date;
        }
        return super.getDateHeader(name);
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        List<String> names = new ArrayList<>();
        for (String name : Collections.list(super.getHeaderNames())) {
            if (!PRECONDITIONS.contains(name.toLowerCase(Locale.ROOT))) {
                names.add(name);
            }
        }
        names.addAll(validators.keySet());
        return Collections.enumeration(names);
    }
}
