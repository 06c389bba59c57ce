package dev.cachet.resilience;

import dev.cachet.Ticker;
import dev.cachet.store.Store;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts backend failures per cause and logs each cause at most once per interval, with how many were
 * suppressed since, so an outage under load writes a handful of lines instead of one per request.
 */
final class ErrorLog {
    private static final System.Logger LOG = System.getLogger(GuardedStore.class.getName());
    private static final long NEVER = Long.MIN_VALUE;

    private static final class Cause {
        final LongAdder count = new LongAdder();
        final LongAdder suppressed = new LongAdder();
        final AtomicLong lastLogged = new AtomicLong(NEVER);
    }

    private final String backend;
    private final long intervalNanos;
    private final Ticker ticker;
    private final ConcurrentHashMap<String, Cause> causes = new ConcurrentHashMap<>();

    ErrorLog(String backend, ResilienceOptions options) {
        this.backend = backend;
        this.intervalNanos = options.errorLogInterval().toNanos();
        this.ticker = options.ticker();
    }

    void record(String operation, String key, Throwable error) {
        String name = causeName(error);
        Cause cause = causes.computeIfAbsent(name, n -> new Cause());
        cause.count.increment();
        long now = ticker.read();
        long last = cause.lastLogged.get();
        if ((last == NEVER || now - last >= intervalNanos) && cause.lastLogged.compareAndSet(last, now)) {
            long suppressed = cause.suppressed.sumThenReset();
            LOG.log(System.Logger.Level.WARNING, "cache backend {0} failed on {1} of key ''{2}'': {3}{4}",
                    backend, operation, key, error.getMessage(),
                    suppressed == 0 ? "" : " (" + suppressed + " more failures of this kind since the last report)");
        } else {
            cause.suppressed.increment();
        }
    }

    /** The cause of a backend failure as counted: the underlying exception's class. */
    static String causeName(Throwable error) {
        Throwable failure = Store.unwrap(error);
        Throwable cause = failure.getCause() != null ? Store.unwrap(failure.getCause()) : failure;
        return cause.getClass().getSimpleName();
    }

    Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        causes.forEach((name, cause) -> counts.put(name, cause.count.sum()));
        return counts;
    }
}
