package dev.cachet.catalog.web;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * What it took to render one page, as its footer tells: when, how many SQL statements ran for it, and how many of
 * its cached fragments were reused rather than rendered. One per page request, made by {@link ServedFilter} and
 * counted on the request's thread; templates count fragments with {@link #fragment()} around each cached element
 * and {@link #rendered()} on it, which runs only when the element is rendered rather than read from the cache.
 */
public final class Served {
    private static final ThreadLocal<Served> CURRENT = new ThreadLocal<>();
    private static final String ATTRIBUTE = Served.class.getName();
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private int statements;
    private int fragments;
    private int fragmentsRendered;

    private Served() {
    }

    /** Starts counting for {@code request} on this thread. */
    static Served start(HttpServletRequest request) {
        Served served = new Served();
        request.setAttribute(ATTRIBUTE, served);
        CURRENT.set(served);
        return served;
    }

    /** Stops counting on this thread. */
    static void end() {
        CURRENT.remove();
    }

    /** The page being served on this thread, or null outside a page request. */
    static Served current() {
        return CURRENT.get();
    }

    /** The page being served for {@code request}, or null when it is not a page request. */
    public static Served of(HttpServletRequest request) {
        return (Served) request.getAttribute(ATTRIBUTE);
    }

    void statement() {
        statements++;
    }

    /** Counts a cached fragment of the page; returns nothing to show. */
    public String fragment() {
        fragments++;
        return "";
    }

    /** Counts a cached fragment rendered for this page (a miss); returns nothing to show. */
    public String rendered() {
        fragmentsRendered++;
        return "";
    }

    /** When the request began, to the millisecond. */
    public Instant renderedAt() {
        return started;
    }

    /** {@link #renderedAt()} as people read it. */
    public String renderedAtText() {
        return TIME.format(started);
    }

    /** SQL statements run for the page so far. */
    public int statements() {
        return statements;
    }

    /** Cached fragments on the page so far. */
    public int fragments() {
        return fragments;
    }

    /** Cached fragments on the page so far that came from the cache. */
    public int fragmentsReused() {
        return fragments - fragmentsRendered;
    }
}
