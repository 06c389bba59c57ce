package dev.cachet.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * Drives a contender from a fixed set of platform threads in a closed loop: each thread calls, records the
 * call's latency in its own histogram, and calls again. Per-thread histograms keep recording free of
 * contention between the threads; they are merged once the phase is over.
 */
final class LoadRunner implements AutoCloseable {
    /** Longer calls are recorded as this long; far beyond any deadline in play. */
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;
    /** Enough distinct values that a write is never the same array twice in a row on a thread. */
    private static final int DISTINCT_VALUES = 64;
    /** How long the JIT must stay idle before a phase starts, and the longest wait for that. */
    private static final Duration JIT_QUIET = Duration.ofMillis(250);
    private static final Duration JIT_QUIET_LIMIT = Duration.ofSeconds(10);

    private final int threads;
    private final int keys;
    private final double hot;
    private final int hotKeys;
    private final byte[][] values;
    private final ExecutorService pool;
    private final Histogram[] histograms;

    /**
     * {@code hot} is the share of get-phase reads that go to the first fifth of the keys (0 for uniform
     * reads); writes stay uniform, so that every key is replaced alike.
     */
    LoadRunner(int threads, int keys, int valueBytes, double hot) {
        this.threads = threads;
        this.keys = keys;
        this.hot = hot;
        this.hotKeys = keys / 5;
        // Random bytes, fixed seed: incompressible, and the same data on every run.
        Random random = new Random(42);
        this.values = new byte[DISTINCT_VALUES][valueBytes];
        for (byte[] value : values) {
            random.nextBytes(value);
        }
        this.pool = Executors.newFixedThreadPool(threads);
        // Allocated once and reset per phase, so no phase starts by allocating megabytes of counters.
        this.histograms = new Histogram[threads];
        for (int i = 0; i < threads; i++) {
            histograms[i] = histogram();
        }
    }

    /** An empty latency histogram, in nanoseconds, with the range and precision of every phase's. */
    static Histogram histogram() {
        return new Histogram(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
    }

    /** Records {@code nanos}, capped so that one stalled call cannot fail the recording. */
    static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.min(nanos, HIGHEST_NANOS));
    }

    /** Writes every key once, from all threads; returns how many writes failed. */
    long populate(Contender contender) throws InterruptedException {
        List<Future<Long>> parts = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int first = t;
            parts.add(pool.submit(() -> {
                long failed = 0;
                for (int key = first; key < keys; key += threads) {
                    if (!contender.set(key, values[key % values.length])) {
                        failed++;
                    }
                }
                return failed;
            }));
        }
        long failed = 0;
        for (Future<Long> part : parts) {
            failed += await(part);
        }
        return failed;
    }

    /** Calls {@code operation} on {@code contender} from every thread for {@code duration}. */
    Measurement run(Contender contender, Operation operation, Duration duration) throws InterruptedException {
        awaitQuietJit();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<long[]>> tallies = new ArrayList<>(threads);
        for (Histogram histogram : histograms) {
            histogram.reset();
            tallies.add(pool.submit(() -> {
                ready.countDown();
                start.await();
                return loop(contender, operation, histogram, stop);
            }));
        }
        // The clock starts only once every thread is parked at the gate, so none of the phase is thread start-up.
        ready.await();
        start.countDown();
        long began = System.nanoTime();
        Thread.sleep(duration);
        stop.set(true);
        long elapsed = System.nanoTime() - began;

        long calls = 0;
        long failures = 0;
        for (Future<long[]> tally : tallies) {
            long[] counts = await(tally);
            calls += counts[0];
            failures += counts[1];
        }
        Histogram merged = histogram();
        for (Histogram histogram : histograms) {
            merged.add(histogram);
        }
        return new Measurement(calls, failures, elapsed, merged);
    }

    /**
     * Waits until the JIT has been idle for {@link #JIT_QUIET}. While every thread is busy its compiler
     * threads get almost no CPU on a small machine, so a phase started with compilations still queued
     * measures partly interpreted code, and whichever contender runs first pays for it.
     */
    static void awaitQuietJit() throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long deadline = System.nanoTime() + JIT_QUIET_LIMIT.toNanos();
        long compiled = jit.getTotalCompilationTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(JIT_QUIET);
            long now = jit.getTotalCompilationTime();
            if (now == compiled) {
                return;
            }
            compiled = now;
        }
    }

    private long[] loop(Contender contender, Operation operation, Histogram histogram, AtomicBoolean stop) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean skewed = hot > 0 && operation == Operation.GET_HIT;
        long calls = 0;
        long failures = 0;
        while (!stop.get()) {
            int key = !skewed ? random.nextInt(keys)
                    : random.nextDouble() < hot ? random.nextInt(hotKeys)
                    : hotKeys + random.nextInt(keys - hotKeys);
            byte[] value = values[random.nextInt(values.length)];
            long began = System.nanoTime();
            boolean ok;
            try {
                ok = operation.apply(contender, key, value);
            } catch (RuntimeException e) {
                // A raw client throws on a timeout; that is a failed call to count, not a reason to stop.
                ok = false;
            }
            record(histogram, System.nanoTime() - began);
            calls++;
            if (!ok) {
                failures++;
            }
        }
        return new long[] {calls, failures};
    }

    private static <T> T await(Future<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a benchmark thread failed", e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
