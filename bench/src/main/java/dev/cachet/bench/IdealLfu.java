package dev.cachet.bench;

import java.util.Arrays;

/**
 * The hit ratio of an ideal LFU cache on a trace of key accesses: a cache of {@code n} entries that always
 * holds the {@code n} keys the trace accesses most often, known in advance. No real cache of that size does
 * better on a trace whose popularity does not change, so it is the yardstick for a first tier's hit ratio.
 */
final class IdealLfu {
    private IdealLfu() {
    }

    /** The share of accesses that go to the {@code entries} most frequent keys, given each key's access count. */
    static double hitRatio(int[] counts, int entries) {
        int[] sorted = counts.clone();
        Arrays.sort(sorted);
        long total = 0;
        for (int count : sorted) {
            total += count;
        }
        if (total == 0 || entries <= 0) {
            return 0;
        }
        long hits = 0;
        for (int i = sorted.length - 1; i >= Math.max(0, sorted.length - entries); i--) {
            hits += sorted[i];
        }
        return (double) hits / total;
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
