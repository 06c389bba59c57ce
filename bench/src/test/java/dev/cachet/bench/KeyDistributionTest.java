package dev.cachet.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The key distributions: what they draw, and the share an ideal cache of the most popular keys gets. */
class KeyDistributionTest {
    private static final int DRAWS = 1_000_000;

    @Test
    void zipfDrawsEachKeyInProportionToOneOverItsRankToTheExponent() {
        KeyDistribution zipf = KeyDistribution.zipf(1_000, 0.99);
        int[] counts = IdealLfu.counts(Traces.draw(zipf, DRAWS, 7), 1_000);
        double norm = 0;
        for (int i = 1; i <= 1_000; i++) {
            norm += 1 / Math.pow(i, 0.99);
        }
        assertThat(counts[0] / (double) DRAWS).isCloseTo(1 / norm, within(0.003));
        assertThat(counts[9] / (double) DRAWS).isCloseTo(1 / Math.pow(10, 0.99) / norm, within(0.001));
        assertThat(counts[0]).isGreaterThan(counts[1]).isGreaterThan(counts[10]);
    }

    @Test
    void zipfNeverDrawsOutsideTheKeyspace() {
        KeyDistribution zipf = KeyDistribution.zipf(3, 2.0);
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100_000; i++) {
            assertThat(zipf.next(random)).isBetween(0, 2);
        }
    }

    @Test
    void zipfTopShareIsItsCumulativeDistribution() {
        KeyDistribution zipf = KeyDistribution.zipf(4, 1.0);
        double norm = 1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0;
        assertThat(zipf.topShare(1)).isCloseTo(1 / norm, within(1e-12));
        assertThat(zipf.topShare(2)).isCloseTo(1.5 / norm, within(1e-12));
        assertThat(zipf.topShare(4)).isEqualTo(1.0);
        assertThat(zipf.topShare(10)).isEqualTo(1.0);
        assertThat(zipf.topShare(0)).isZero();
    }

    @Test
    void hotSendsItsShareToTheFirstFifth() {
        KeyDistribution hot = KeyDistribution.hot(100_000, 0.8);
        int[] trace = Traces.draw(hot, DRAWS, 3);
        long onHot = java.util.Arrays.stream(trace).filter(key -> key < 20_000).count();
        assertThat(onHot / (double) DRAWS).isCloseTo(0.8, within(0.002));
        assertThat(hot.topShare(20_000)).isCloseTo(0.8, within(1e-12));
        assertThat(hot.topShare(10_000)).isCloseTo(0.4, within(1e-12));
        assertThat(hot.topShare(60_000)).isCloseTo(0.9, within(1e-12));
        assertThat(hot.label()).isEqualTo("80/20");
    }

    @Test
    void uniformTopShareIsTheShareOfKeys() {
        assertThat(KeyDistribution.uniform(100).topShare(25)).isEqualTo(0.25);
    }

    @Test
    void badParametersAreRefused() {
        assertThatThrownBy(() -> KeyDistribution.zipf(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyDistribution.hot(4, 0.8)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyDistribution.hot(10, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyDistribution.uniform(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
