package dev.cachet;

/**
 * A monotonic time source in nanoseconds, injected wherever Cachet measures time (entry expiry in the
 * local store, the circuit breaker, error-log intervals) so that tests can move time by hand.
 */
@FunctionalInterface
public interface Ticker {
    /** Nanoseconds since an arbitrary fixed origin; only differences are meaningful. */
    long read();

    /** The ticker backed by {@link System#nanoTime()}. */
    static Ticker system() {
        return System::nanoTime;
    }
}
