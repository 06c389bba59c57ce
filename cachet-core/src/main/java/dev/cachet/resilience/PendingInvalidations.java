package dev.cachet.resilience;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keys and tags whose invalidation did not reach the backend, kept until it is replayed. A failed write or
 * delete leaves the backend's old value in place, which every instance would read again once the backend
 * answers; remembering what to invalidate turns an outage's cost back into misses.
 *
 * <p>Each entry carries the sequence number of its latest failure, so that a replay takes out only what it
 * replayed: a key that failed again while the replay was under way stays pending. Bounded: past the limit, a
 * failure is counted as dropped instead. Thread-safe.
 */
final class PendingInvalidations {
    /** What to invalidate: a key, or a tag. */
    record Target(boolean tag, String name) {}

    /** What one replay sends, with the sequence numbers it saw. */
    record Batch(List<String> keys, List<String> tags, Map<Target, Long> seen) {
        boolean isEmpty() {
            return seen.isEmpty();
        }

        /** The keys, then the tags, for messages. */
        List<String> names() {
            List<String> names = new ArrayList<>(keys);
            names.addAll(tags);
            return names;
        }
    }

    private final int limit;
    private final ConcurrentHashMap<Target, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder dropped = new LongAdder();

    PendingInvalidations(int limit) {
        this.limit = limit;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    int size() {
        return pending.size();
    }

    /** Failures that found the list full, since the store was created. */
    long dropped() {
        return dropped.sum();
    }

    /** Remembers the keys and tags; returns how many did not fit. */
    int add(Collection<String> keys, Collection<String> tags) {
        int lost = 0;
        for (String key : keys) {
            lost += add(new Target(false, key));
        }
        for (String tag : tags) {
            lost += add(new Target(true, tag));
        }
        return lost;
    }

    private int add(Target target) {
        long seq = sequence.incrementAndGet();
        // Size is checked before the put, so concurrent failures may overshoot the limit by a few entries.
        if (pending.size() >= limit && !pending.containsKey(target)) {
            dropped.increment();
            return 1;
        }
        pending.put(target, seq);
        return 0;
    }

    /** What is pending now. */
    Batch batch() {
        Map<Target, Long> seen = Map.copyOf(pending);
        List<String> keys = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        seen.keySet().forEach(target -> (target.tag() ? tags : keys).add(target.name()));
        return new Batch(keys, tags, seen);
    }

    /** Takes out what {@code batch} replayed, unless it failed again since. */
    void replayed(Batch batch) {
        batch.seen().forEach(pending::remove);
    }
}
