package dev.cachet.bench;

import java.util.Locale;

/**
 * Who calls the contender in a phase, and how often.
 *
 * @param count how many clients call at once
 * @param virtual whether each client is a virtual thread rather than a platform thread
 * @param rate calls per second across all clients, started on a fixed schedule; 0 for a closed loop, where each
 *     client calls again as soon as its call returns
 */
record Clients(int count, boolean virtual, long rate) {
    Clients {
        if (count < 1 || rate < 0) {
            throw new IllegalArgumentException("clients need a positive count and a rate of 0 or more, were " + count + " and " + rate);
        }
    }

    static Clients platform(int count) {
        return new Clients(count, false, 0);
    }

    static Clients virtual(int count) {
        return new Clients(count, true, 0);
    }

    /** The same clients on a fixed schedule of {@code rate} calls a second. */
    Clients atRate(long rate) {
        return new Clients(count, virtual, rate);
    }

    boolean closedLoop() {
        return rate == 0;
    }

    /** Such as {@code 1,000 virtual threads} or {@code 50 platform threads at 10,000/s}. */
    String label() {
        return String.format(Locale.ROOT, "%,d %s threads%s", count, virtual ? "virtual" : "platform",
                closedLoop() ? "" : String.format(Locale.ROOT, " at %,d/s", rate));
    }
}
