package dev.cachet.jcache;

import java.util.concurrent.atomic.LongAdder;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * A JCache cache's counters, as its {@code CacheStatistics} MXBean shows them. Counted in this process only,
 * and only while statistics are enabled; times are averages in microseconds.
 */
final class Statistics implements CacheStatisticsMXBean {
    private volatile boolean enabled;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();

    void enable(boolean on) {
        enabled = on;
    }

    void hits(long count) {
        if (enabled) {
            hits.add(count);
        }
    }

    void misses(long count) {
        if (enabled) {
            misses.add(count);
        }
    }

    /** Counts one read as a hit when {@code present}, else as a miss. */
    void read(boolean present) {
        if (present) {
            hits(1);
        } else {
            misses(1);
        }
    }

    void puts(long count) {
        if (enabled) {
            puts.add(count);
        }
    }

    void removals(long count) {
        if (enabled) {
            removals.add(count);
        }
    }

    /** Records how long a read begun at {@code startNanos} (a {@link System#nanoTime()} reading) took. */
    void getTime(long startNanos) {
        if (enabled) {
            getNanos.add(System.nanoTime() - startNanos);
        }
    }

    void putTime(long startNanos) {
        if (enabled) {
            putNanos.add(System.nanoTime() - startNanos);
        }
    }

    void removeTime(long startNanos) {
        if (enabled) {
            removeNanos.add(System.nanoTime() - startNanos);
        }
    }

    @Override
    public void clear() {
        for (LongAdder adder : new LongAdder[] {hits, misses, puts, removals, getNanos, putNanos, removeNanos}) {
            adder.reset();
        }
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0 : 100f * getCacheHits() / gets;
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        long gets = getCacheGets();
        return gets == 0 ? 0 : 100f * getCacheMisses() / gets;
    }

    @Override
    public long getCacheGets() {
        return getCacheHits() + getCacheMisses();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    /** Always 0: evictions happen inside the store, which does not report them. */
    @Override
    public long getCacheEvictions() {
        return 0;
    }

    @Override
    public float getAverageGetTime() {
        return average(getNanos, getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return average(putNanos, getCachePuts());
    }

    @Override
    public float getAverageRemoveTime() {
        return average(removeNanos, getCacheRemovals());
    }

    private static float average(LongAdder nanos, long count) {
        return count == 0 ? 0 : nanos.sum() / 1_000f / count;
    }
}
