package dev.cachet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The ideal LFU: the hits of a cache that always holds the keys the distribution reads most. */
class IdealLfuTest {
    @Test
    void hitsAreTheAccessesOfTheDistributionsMostFrequentKeys() {
        int[] trace = {0, 0, 1, 3, 3, 3, 1, 2, 0, 4};
        int[] counts = IdealLfu.counts(trace, 5);
        assertThat(counts).containsExactly(3, 2, 1, 3, 1);
        assertThat(IdealLfu.hitRatio(counts, 1)).isEqualTo(0.3);
        // Key 3 was read as often as key 0 by chance; the distribution ranks it fourth, and so does the ideal cache.
        assertThat(IdealLfu.hitRatio(counts, 2)).isEqualTo(0.5);
        assertThat(IdealLfu.hitRatio(counts, 5)).isEqualTo(1.0);
        assertThat(IdealLfu.hitRatio(counts, 9)).isEqualTo(1.0);
        assertThat(IdealLfu.hitRatio(counts, 0)).isZero();
        assertThat(IdealLfu.hitRatio(new int[5], 2)).isZero();
    }

    @Test
    void onAStaticDistributionItApproachesTheShareOfTheMostPopularKeys() {
        KeyDistribution hot = KeyDistribution.hot(100_000, 0.8);
        int[] counts = IdealLfu.counts(Traces.draw(hot, 2_000_000, 11), 100_000);
        assertThat(IdealLfu.hitRatio(counts, 20_000)).isCloseTo(hot.topShare(20_000), within(0.005));
        KeyDistribution zipf = KeyDistribution.zipf(100_000, 0.99);
        counts = IdealLfu.counts(Traces.draw(zipf, 2_000_000, 11), 100_000);
        assertThat(IdealLfu.hitRatio(counts, 20_000)).isCloseTo(zipf.topShare(20_000), within(0.01));
    }

    @Test
    void aPhaseIsReplayedFromItsClientsIterations() {
        Workload workload = Workload.mixed(KeyDistribution.hot(1_000, 0.8), 0.9);
        long[] iterations = {500, 0, 1_200};
        int[] counts = workload.readCounts(Workload.SEED, iterations);
        int reads = java.util.Arrays.stream(counts).sum();
        // Replaying by hand: the same generators, the same draws, reads counted.
        int expected = 0;
        int[] drawn = new int[1];
        for (int client = 0; client < iterations.length; client++) {
            java.util.SplittableRandom random = Workload.random(Workload.SEED, client);
            for (long i = 0; i < iterations[client]; i++) {
                if (!workload.draw(random, drawn)) {
                    expected++;
                }
            }
        }
        assertThat(reads).isEqualTo(expected).isBetween(1_500, 1_640);
        assertThat(workload.readCounts(Workload.SEED, iterations)).containsExactly(counts);
    }
}
