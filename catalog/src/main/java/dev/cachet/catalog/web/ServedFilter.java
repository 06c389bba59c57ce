package dev.cachet.catalog.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * In front of the response cache, for the HTML pages: counts what rendering a page takes ({@link Served}), and
 * repeats the response cache's status header ({@code X-Cache: HIT} or {@code MISS}) as {@code Server-Timing:
 * page-cache;desc=HIT}, the one response header a page's script can read about its own load. A page answered from
 * the page cache is the bytes stored when it was rendered, footer and all; this header is what says it was.
 */
final class ServedFilter extends OncePerRequestFilter {
    private final String statusHeader;

    ServedFilter(String statusHeader) {
        this.statusHeader = statusHeader;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.startsWith("/api/") || path.startsWith("/actuator/") || path.startsWith("/webjars/") || path.startsWith("/css/")
                || path.startsWith("/js/") || path.equals("/favicon.ico");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Served.start(request);
        try {
            chain.doFilter(request, statusHeader == null || statusHeader.isBlank() ? response : new ServerTiming(response));
        } finally {
            Served.end();
        }
    }

    /** Sets {@code Server-Timing} whenever the status header is set: the cache sets it before it writes a body. */
    private final class ServerTiming extends HttpServletResponseWrapper {
        ServerTiming(HttpServletResponse response) {
            super(response);
        }

        @Override
        public void setHeader(String name, String value) {
            super.setHeader(name, value);
            timing(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            super.addHeader(name, value);
            timing(name, value);
        }

        private void timing(String name, String value) {
            if (value != null && name.equalsIgnoreCase(statusHeader) && value.matches("[A-Z]+")) {
                super.setHeader("Server-Timing", "page-cache;desc=" + value);
            }
        }
    }
}
