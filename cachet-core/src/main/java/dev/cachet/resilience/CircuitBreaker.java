package dev.cachet.resilience;

import dev.cachet.Ticker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A circuit breaker over one backend: it opens after a number of consecutive failures, refuses calls while
 * open, lets one probe through once the open duration has passed, and closes on the first success.
 *
 * <p>So while a backend is down, a call costs a volatile read instead of a timeout, and the outage costs
 * one timeout per open duration. Thread-safe; the closed-state path takes no lock.
 */
public final class CircuitBreaker {
    /** The breaker's state. */
    public enum State {
        /** Calls go through. */
        CLOSED,
        /** Calls are refused until the open duration has passed. */
        OPEN,
        /** One probe call is in flight; the others are refused. */
        HALF_OPEN
    }

    private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());

    private final String backend;
    private final int threshold;
    private final long openNanos;
    private final Ticker ticker;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile State state = State.CLOSED;
    private long stateSince;

    /** A closed breaker for {@code backend} with the threshold and open duration of {@code options}. */
    public CircuitBreaker(String backend, ResilienceOptions options) {
        this.backend = backend;
        this.threshold = options.failureThreshold();
        this.openNanos = options.openDuration().toNanos();
        this.ticker = options.ticker();
    }

    /** The current state. */
    public State state() {
        return state;
    }

    /**
     * Whether a call may go to the backend now. In the open state, the first caller after the open duration
     * becomes the probe; a probe that has not reported within the open duration is replaced by a new one.
     */
    public boolean tryAcquire() {
        if (state == State.CLOSED) {
            return true;
        }
        synchronized (this) {
            if (state == State.CLOSED) {
                return true;
            }
            long now = ticker.read();
            if (now - stateSince < openNanos) {
                return false;
            }
            state = State.HALF_OPEN;
            stateSince = now;
            return true;
        }
    }

    /** Records a call that the backend answered. */
    public void onSuccess() {
        if (state == State.CLOSED) {
            if (consecutiveFailures.get() != 0) {
                consecutiveFailures.set(0);
            }
            return;
        }
        synchronized (this) {
            if (state != State.CLOSED) {
                consecutiveFailures.set(0);
                state = State.CLOSED;
                LOG.log(System.Logger.Level.INFO, "circuit breaker for {0} closed: the backend answers again", backend);
            }
        }
    }

    /** Records a call that the backend failed. */
    public void onFailure() {
        State current = state;
        if (current == State.OPEN) {
            return;
        }
        if (current == State.CLOSED && consecutiveFailures.incrementAndGet() < threshold) {
            return;
        }
        synchronized (this) {
            if (state == State.OPEN || state == State.CLOSED && consecutiveFailures.get() < threshold) {
                return;
            }
            boolean probeFailed = state == State.HALF_OPEN;
            state = State.OPEN;
            stateSince = ticker.read();
            consecutiveFailures.set(0);
            if (!probeFailed) {
                LOG.log(System.Logger.Level.WARNING,
                        "circuit breaker for {0} opened after {1} consecutive failures; calls fail fast until a probe succeeds",
                        backend, threshold);
            }
        }
    }
}
