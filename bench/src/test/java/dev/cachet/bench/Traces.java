package dev.cachet.bench;

import java.util.SplittableRandom;

/** Key traces drawn for tests. */
final class Traces {
    private Traces() {
    }

    /** {@code length} keys drawn from {@code distribution} with a generator seeded with {@code seed}. */
    static int[] draw(KeyDistribution distribution, int length, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] trace = new int[length];
        for (int i = 0; i < length; i++) {
            trace[i] = distribution.next(random);
        }
        return trace;
    }
}
