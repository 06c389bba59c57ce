package dev.cachet.bench;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.Ttl;
import dev.cachet.local.LocalStore;
import dev.cachet.redis.RedisInvalidations;
import dev.cachet.redis.RedisStore;
import dev.cachet.redis.RedisStoreOptions;
import dev.cachet.tiered.TieredOptions;
import dev.cachet.tiered.TieredStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * How long a write on one tiered instance takes to leave the first tier of another: two instances on one
 * Redis, each with its own connections as two services would have. Instance B holds a key in its first tier,
 * instance A writes the key, and the time from A's {@code set()} returning until B's first tier no longer
 * holds it is recorded (and, beside it, the time from A's call); then B reads the new value back into its
 * first tier, and A writes again.
 *
 * <p>Each drop must be caused by the write just timed, not by the late invalidation of an earlier one. Redis
 * sends one invalidation per write, in order, and B's reads send none; so once B has held the key through a
 * quiet period before the first write, each write's invalidation is the only one under way, and it has
 * landed when the drop is seen.
 */
final class CoherenceScenario {
    private static final String PREFIX = "bench-coherence";
    private static final String KEY = "hot";
    /** Invalidations take well under a millisecond; one that takes this long is not coming. */
    private static final Duration LIMIT = Duration.ofSeconds(5);
    /** Far longer than an invalidation takes even on a loaded machine. */
    private static final Duration QUIET = Duration.ofMillis(100);
    /**
     * Not recorded, so that the recorded writes run compiled code: enough for the JIT to compile the write
     * and read paths, which the run then lets it finish before the first recorded write.
     */
    private static final int WARM_UP_WRITES = 2_000;

    /**
     * What the timed writes came to.
     *
     * @param sinceReturn from A's {@code set()} returning until B's first tier dropped the key, in nanoseconds
     * @param sinceCall the same from A's call of {@code set()}, the write's own round trip included
     * @param goneOnReturn writes whose key B's first tier had dropped by the time A's {@code set()} returned
     */
    private record Propagation(Histogram sinceReturn, Histogram sinceCall, int goneOnReturn) {
    }

    /** One service instance: a tiered store and a cache over it. */
    private record Instance(TieredStore store, Cache cache) implements AutoCloseable {
        boolean holds(String storedKey) {
            return store.firstTier().contains(storedKey).join();
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private final String redisUrl;
    private final int writes;
    private final Ttl ttl;

    CoherenceScenario(String redisUrl, int writes, Ttl ttl) {
        this.redisUrl = redisUrl;
        this.writes = writes;
        this.ttl = ttl;
    }

    /** Runs the scenario and returns its report lines; the cleanup goes to {@code notes}. */
    String run(List<String> notes) throws InterruptedException {
        try (Instance a = start("a"); Instance b = start("b")) {
            try {
                Propagation propagation = measure(a, b);
                return String.format(Locale.ROOT, "coherence: B's first tier had dropped the key when A's set() returned"
                                + " in %,d of %,d writes%n"
                                + "coherence: from A's set() returning until B's first tier dropped the key: %s%n"
                                + "coherence: from A's set() call until B's first tier dropped the key:      %s",
                        propagation.goneOnReturn(), writes, ResultTable.latencies(propagation.sinceReturn()),
                        ResultTable.latencies(propagation.sinceCall()));
            } finally {
                notes.add("cleanup: coherence deleted " + a.cache().clear() + " keys");
            }
        }
    }

    private Instance start(String name) {
        RedisStoreOptions redis = RedisStoreOptions.builder().url(redisUrl).clientName("cachet-bench-" + name).build();
        TieredStore store = TieredStore.create(LocalStore.create(), RedisStore.create(redis),
                RedisInvalidations.create(redis, PREFIX + ":"), TieredOptions.DEFAULTS);
        return new Instance(store, Cache.create(store,
                CacheOptions.builder().name("coherence-" + name).keyPrefix(PREFIX).defaultTtl(ttl).build()));
    }

    private Propagation measure(Instance a, Instance b) throws InterruptedException {
        String stored = b.cache().makeKey(KEY);
        StoreBenchmark.progress("coherence", "two tiered instances; " + WARM_UP_WRITES + " warm-up writes, then "
                + writes + " timed");
        write(a, 0);
        holdQuietly(b, stored, 0);
        Histogram sinceReturn = LoadRunner.histogram();
        Histogram sinceCall = LoadRunner.histogram();
        int goneOnReturn = 0;
        for (int i = 1; i <= WARM_UP_WRITES + writes; i++) {
            long called = System.nanoTime();
            write(a, i);
            long written = System.nanoTime();
            boolean held = false;
            while (b.holds(stored)) {
                held = true;
                if (System.nanoTime() - written > LIMIT.toNanos()) {
                    throw new IllegalStateException("coherence: instance B's first tier still held the key "
                            + LIMIT.toSeconds() + " s after write " + i + " on instance A: invalidations are not"
                            + " arriving (they need Redis 6 or newer, standalone or Sentinel)");
                }
                Thread.onSpinWait();
            }
            long dropped = System.nanoTime();
            if (i == WARM_UP_WRITES) {
                LoadRunner.awaitQuietJit();
            }
            if (i > WARM_UP_WRITES) {
                LoadRunner.record(sinceReturn, dropped - written);
                LoadRunner.record(sinceCall, dropped - called);
                goneOnReturn += held ? 0 : 1;
            }
            fill(b, stored, i);
        }
        return new Propagation(sinceReturn, sinceCall, goneOnReturn);
    }

    private static void write(Instance a, int value) {
        if (!a.cache().set(KEY, value)) {
            throw new IllegalStateException("coherence: instance A's write " + value + " failed; see the warnings above");
        }
    }

    /**
     * Reads the key on B until B's first tier holds it, checking that B reads A's last write. Until B's
     * tracking connection is live, B reads around its first tier, hence the retries.
     */
    private static void fill(Instance b, String stored, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            Integer read = b.cache().get(KEY, Integer.class);
            if (read != null && read == expected && b.holds(stored)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("coherence: instance B did not hold write " + expected
                        + " in its first tier within " + LIMIT.toSeconds() + " s; it read " + read);
            }
            Thread.sleep(1);
        }
    }

    /**
     * Fills B's first tier and waits until it has held the key through {@link #QUIET}: the invalidation of
     * the write that created the key may land after B's read, and must not be taken for the first timed one.
     */
    private static void holdQuietly(Instance b, String stored, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        do {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("coherence: instance B's first tier kept losing the key for "
                        + LIMIT.toSeconds() + " s before the first write; is another client writing under " + PREFIX + "?");
            }
            fill(b, stored, expected);
            Thread.sleep(QUIET);
        } while (!b.holds(stored));
    }
}
