package dev.cachet.bench;

/**
 * The hit ratio of an ideal LFU cache on a trace of key accesses drawn from a static distribution: a cache of
 * {@code n} entries that always holds the {@code n} keys the distribution makes most frequent. No real cache of
 * that size does better on such a trace in the long run, so it is the yardstick for a first tier's hit ratio.
 *
 * <p>The keys are the distribution's most frequent ones, not the trace's: on a trace of a few seconds most keys
 * are read a handful of times, and the keys that happened to be read most would flatter the ideal with luck.
 */
final class IdealLfu {
    private IdealLfu() {
    }

    /**
     * The share of accesses that go to keys {@code 0 .. entries - 1}, given each key's access count, keys
     * numbered most frequent first as {@link KeyDistribution} numbers them.
     */
    static double hitRatio(int[] counts, int entries) {
        long total = 0;
        long hits = 0;
        for (int key = 0; key < counts.length; key++) {
            total += counts[key];
            if (key < entries) {
                hits += counts[key];
            }
        }
        return total == 0 ? 0 : (double) hits / total;
    }

    /** How often each key in {@code 0 .. keys - 1} occurs in {@code trace}. */
    static int[] counts(int[] trace, int keys) {
        int[] counts = new int[keys];
        for (int key : trace) {
            counts[key]++;
        }
        return counts;
    }
}
