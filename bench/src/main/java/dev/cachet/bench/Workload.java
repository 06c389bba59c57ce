package dev.cachet.bench;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What each client does in one iteration of a phase: a read or a write of one key, or a read of a batch of
 * keys (one get-many call, or as many single gets), keys drawn from a distribution.
 *
 * <p>Every client draws from its own generator, seeded from the phase's seed and the client's index, so a
 * phase's sequence of keys can be replayed afterwards from how many iterations each client ran: that is how
 * {@link #readCounts} finds the exact trace an ideal cache is measured against.
 *
 * @param label the name shown in reports, such as {@code get-hit} or {@code 90/10}
 * @param keys how keys are drawn
 * @param readShare the share of iterations that read (1 reads only, 0 writes only)
 * @param batch keys per iteration; above 1 every iteration reads
 * @param getMany for a batch, one get-many call rather than one get per key
 */
record Workload(String label, KeyDistribution keys, double readShare, int batch, boolean getMany) {
    /** Fixed, so that every contender and every run meets the same sequence of keys. */
    static final long SEED = 20_15L;

    Workload {
        if (!(readShare >= 0 && readShare <= 1)) {
            throw new IllegalArgumentException("the read share must be from 0 to 1, was " + readShare);
        }
        if (batch < 1 || (batch > 1 && readShare < 1) || batch > keys.keys()) {
            throw new IllegalArgumentException("a batch of " + batch + " keys must be at least 1, at most the keyspace, and read");
        }
    }

    /** Reads of single keys. */
    static Workload reads(String label, KeyDistribution keys) {
        return new Workload(label, keys, 1, 1, false);
    }

    /** Writes of single keys. */
    static Workload writes(String label, KeyDistribution keys) {
        return new Workload(label, keys, 0, 1, false);
    }

    /** Reads and writes of single keys, {@code readShare} of them reads. */
    static Workload mixed(KeyDistribution keys, double readShare) {
        return new Workload(String.format(Locale.ROOT, "%.0f/%.0f r/w", readShare * 100, 100 - readShare * 100), keys,
                readShare, 1, false);
    }

    /** One get-many call of {@code batch} keys per iteration. */
    static Workload getMany(KeyDistribution keys, int batch) {
        return new Workload("get-many " + batch, keys, 1, batch, true);
    }

    /** {@code batch} single gets per iteration, each timed as part of the iteration. */
    static Workload getEach(KeyDistribution keys, int batch) {
        return new Workload(batch + " gets", keys, 1, batch, false);
    }

    /** A client's generator in a phase seeded with {@code seed}. */
    static SplittableRandom random(long seed, int client) {
        return new SplittableRandom(seed * 1_000_003L + client);
    }

    /**
     * Whether this iteration writes; fills {@code out} with its keys ({@link #batch} of them, all different, as
     * a caller asking for several keys names each once). Draws from {@code random}.
     */
    boolean draw(SplittableRandom random, int[] out) {
        boolean write = readShare < 1 && (readShare == 0 || random.nextDouble() >= readShare);
        for (int i = 0; i < batch; i++) {
            out[i] = keys.next(random);
            for (int j = 0; j < i; j++) {
                if (out[j] == out[i]) {
                    out[i] = keys.next(random);
                    j = -1;
                }
            }
        }
        return write;
    }

    /**
     * How often each key was read in a phase seeded with {@code seed} whose client {@code i} ran
     * {@code iterations[i]} iterations: the phase's read trace, replayed.
     */
    int[] readCounts(long seed, long[] iterations) {
        int[] counts = new int[keys.keys()];
        int[] drawn = new int[batch];
        for (int client = 0; client < iterations.length; client++) {
            SplittableRandom random = random(seed, client);
            for (long i = 0; i < iterations[client]; i++) {
                if (!draw(random, drawn)) {
                    for (int key : drawn) {
                        counts[key]++;
                    }
                }
            }
        }
        return counts;
    }
}
