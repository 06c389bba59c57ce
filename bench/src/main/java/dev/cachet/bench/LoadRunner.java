package dev.cachet.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Drives a contender with a {@link Workload} from {@link Clients}: platform or virtual threads, in a closed
 * loop (each client calls again as soon as its call returns) or on a fixed schedule. Each client records its
 * latencies in a histogram of its own, or, beyond {@link #STRIPES} clients, in one of that many shared
 * histograms, so recording costs no contention for a few dozen threads and bounded memory for a thousand; the
 * histograms are merged once the phase is over.
 *
 * <p>On a fixed schedule each call's latency is counted from the time it should have started, not the time it
 * did: a client held up by a slow call starts its next calls late, and counting from the late start would hide
 * exactly the waits a slow call causes (coordinated omission).
 */
final class LoadRunner {
    /** Longer calls are recorded as this long; far beyond any deadline in play. */
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;
    /** Enough distinct values that a write is never the same array twice in a row on a thread. */
    private static final int DISTINCT_VALUES = 64;
    /** How long the JIT must stay idle before a phase starts, and the longest wait for that. */
    private static final Duration JIT_QUIET = Duration.ofMillis(250);
    private static final Duration JIT_QUIET_LIMIT = Duration.ofSeconds(10);
    /** Histograms per phase at most: a thousand of them would take hundreds of megabytes. */
    private static final int STRIPES = 64;
    /** Writers that fill a contender before it is measured. */
    private static final int POPULATE_THREADS = 50;
    private static final int POPULATE_ATTEMPTS = 20;
    private static final Duration POPULATE_PAUSE = Duration.ofMillis(50);

    private final byte[][] values;
    private final Histogram[] ownHistograms = new Histogram[STRIPES];
    private final Histogram[] sharedHistograms = new Histogram[STRIPES];

    LoadRunner(int valueBytes) {
        // Random bytes, fixed seed: incompressible, and the same data on every run.
        Random random = new Random(42);
        this.values = new byte[DISTINCT_VALUES][valueBytes];
        for (byte[] value : values) {
            random.nextBytes(value);
        }
        // Allocated once and reset per phase, so no phase starts by allocating megabytes of counters.
        for (int i = 0; i < STRIPES; i++) {
            ownHistograms[i] = histogram();
            sharedHistograms[i] = new ConcurrentHistogram(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
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

    /** Writes keys {@code 0 .. keys - 1} once, from several threads; returns how many keys could not be written. */
    long populate(Contender contender, int keys) throws InterruptedException {
        List<Future<Long>> parts = new ArrayList<>(POPULATE_THREADS);
        try (ExecutorService pool = Executors.newFixedThreadPool(POPULATE_THREADS)) {
            for (int t = 0; t < POPULATE_THREADS; t++) {
                int first = t;
                parts.add(pool.submit(() -> {
                    long failed = 0;
                    for (int key = first; key < keys; key += POPULATE_THREADS) {
                        int attempt = 1;
                        while (!contender.set(key, values[key % values.length])) {
                            // A fail-soft write times out on a busy machine, and then its circuit breaker refuses writes
                            // for a moment: pausing lets it close. A key left unwritten would be a miss later.
                            if (attempt++ == POPULATE_ATTEMPTS) {
                                failed++;
                                break;
                            }
                            Thread.sleep(POPULATE_PAUSE);
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
    }

    /** Runs {@code workload} on {@code contender} from {@code clients} for {@code duration}. */
    Measurement run(Contender contender, Workload workload, Clients clients, Duration duration) throws InterruptedException {
        awaitQuietJit();
        int count = clients.count();
        boolean ownHistogram = count <= STRIPES;
        Histogram[] histograms = ownHistogram ? ownHistograms : sharedHistograms;
        for (Histogram histogram : histograms) {
            histogram.reset();
        }
        CountDownLatch ready = new CountDownLatch(count);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        long[] startedAt = new long[1];
        List<Future<Tally>> tallies = new ArrayList<>(count);
        long began;
        long elapsed;
        long[] iterations = new long[count];
        long calls = 0;
        long failures = 0;
        long reads = 0;
        long hits = 0;
        try (ExecutorService pool = clients.virtual() ? Executors.newVirtualThreadPerTaskExecutor()
                : Executors.newFixedThreadPool(count)) {
            for (int client = 0; client < count; client++) {
                Client task = new Client(contender, workload, clients, client, duration.toNanos(), histograms[client % STRIPES],
                        stop, startedAt);
                tallies.add(pool.submit(() -> {
                    ready.countDown();
                    start.await();
                    return task.loop();
                }));
            }
            // The clock starts only once every client is parked at the gate, so none of the phase is thread start-up.
            ready.await();
            began = System.nanoTime();
            startedAt[0] = began;
            start.countDown();
            long stopped = 0;
            if (clients.closedLoop()) {
                Thread.sleep(duration);
                stop.set(true);
                stopped = System.nanoTime();
            }
            for (int client = 0; client < count; client++) {
                Tally tally = await(tallies.get(client));
                iterations[client] = tally.iterations;
                calls += tally.iterations;
                failures += tally.failures;
                reads += tally.reads;
                hits += tally.hits;
            }
            // A scheduled phase lasts until its last call returns, however late that is.
            elapsed = (clients.closedLoop() ? stopped : System.nanoTime()) - began;
        }
        Histogram merged = histogram();
        for (Histogram histogram : histograms) {
            merged.add(histogram);
        }
        return new Measurement(calls, failures, reads, hits, elapsed, merged, iterations, -1, -1);
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

    /** What one client counted. */
    private record Tally(long iterations, long failures, long reads, long hits) {
    }

    /** One client's loop. */
    private final class Client {
        private final Contender contender;
        private final Workload workload;
        private final Clients clients;
        private final int index;
        private final long durationNanos;
        private final Histogram histogram;
        private final AtomicBoolean stop;
        private final long[] startedAt;

        Client(Contender contender, Workload workload, Clients clients, int index, long durationNanos, Histogram histogram,
                AtomicBoolean stop, long[] startedAt) {
            this.contender = contender;
            this.workload = workload;
            this.clients = clients;
            this.index = index;
            this.durationNanos = durationNanos;
            this.histogram = histogram;
            this.stop = stop;
            this.startedAt = startedAt;
        }

        Tally loop() {
            SplittableRandom random = Workload.random(Workload.SEED, index);
            ThreadLocalRandom valuePick = ThreadLocalRandom.current();
            int[] keys = new int[workload.batch()];
            long iterations = 0;
            long failures = 0;
            long reads = 0;
            long hits = 0;
            boolean closed = clients.closedLoop();
            // On a schedule, client i starts at i/count of the interval, so calls are spread over it, not bunched.
            long interval = closed ? 0 : Math.round(clients.count() * 1e9 / clients.rate());
            long end = startedAt[0] + durationNanos;
            long next = startedAt[0] + interval * index / clients.count();
            // A schedule that falls behind gets as long again to catch up; calls still unstarted then are failures.
            long giveUp = end + durationNanos;
            while (true) {
                // Keys are drawn before the call is timed: finding 100 distinct ones is the workload's cost, not the cache's.
                boolean write = workload.draw(random, keys);
                long began;
                if (closed) {
                    if (stop.get()) {
                        break;
                    }
                    began = System.nanoTime();
                } else {
                    if (next >= end) {
                        break;
                    }
                    long now = System.nanoTime();
                    if (now >= giveUp) {
                        for (; next < end; next += interval) {
                            record(histogram, now - next);
                            failures++;
                        }
                        break;
                    }
                    // parkNanos may return early; a call started before its time would record a negative latency.
                    while (now < next) {
                        LockSupport.parkNanos(next - now);
                        now = System.nanoTime();
                    }
                    began = next;
                    next += interval;
                }
                boolean ok = true;
                try {
                    if (write) {
                        ok = contender.set(keys[0], values[valuePick.nextInt(values.length)]);
                    } else if (workload.batch() == 1) {
                        if (contender.get(keys[0])) {
                            hits++;
                        }
                    } else if (workload.getMany()) {
                        hits += contender.getMany(keys);
                    } else {
                        for (int key : keys) {
                            if (contender.get(key)) {
                                hits++;
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    // A raw client throws on a timeout; that is a failed call to count, not a reason to stop.
                    ok = false;
                }
                record(histogram, System.nanoTime() - began);
                iterations++;
                if (!write) {
                    reads += keys.length;
                }
                if (!ok) {
                    failures++;
                }
            }
            return new Tally(iterations, failures, reads, hits);
        }
    }

    private static <T> T await(Future<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("a benchmark thread failed", e.getCause());
        }
    }
}
