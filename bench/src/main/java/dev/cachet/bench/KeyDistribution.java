package dev.cachet.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How a workload picks keys from {@code 0 .. keys - 1}. Popularity falls with the index: key 0 is the most
 * popular one (or as popular as any), so the most popular {@code n} keys are {@code 0 .. n - 1}.
 */
sealed interface KeyDistribution {
    /** How many keys there are. */
    int keys();

    /** The next key, drawn with {@code random}. */
    int next(RandomGenerator random);

    /** The share of draws that go to the {@code n} most popular keys: what an ideal LFU of {@code n} entries hits. */
    double topShare(int n);

    /** A short name for tables, such as {@code 80/20} or {@code zipf 0.99}. */
    String label();

    /** Every key as likely as any other. */
    static KeyDistribution uniform(int keys) {
        return new Uniform(keys);
    }

    /** {@code share} of draws on the first fifth of the keys, uniformly, the rest uniformly on the other keys. */
    static KeyDistribution hot(int keys, double share) {
        return new Hot(keys, share);
    }

    /** Key {@code i} drawn with a probability proportional to {@code 1 / (i + 1)^exponent}. */
    static KeyDistribution zipf(int keys, double exponent) {
        return new Zipf(keys, exponent);
    }

    /** Uniform draws. */
    record Uniform(int keys) implements KeyDistribution {
        public Uniform {
            requirePositive(keys);
        }

        @Override
        public int next(RandomGenerator random) {
            return random.nextInt(keys);
        }

        @Override
        public double topShare(int n) {
            return Math.min(n, keys) / (double) keys;
        }

        @Override
        public String label() {
            return "uniform";
        }
    }

    /** A hot fifth of the keys. */
    record Hot(int keys, double share) implements KeyDistribution {
        public Hot {
            if (keys < 5) {
                throw new IllegalArgumentException("a hot fifth needs at least 5 keys, was " + keys);
            }
            if (!(share >= 0 && share <= 1)) {
                throw new IllegalArgumentException("the hot share must be from 0 to 1, was " + share);
            }
        }

        int hotKeys() {
            return keys / 5;
        }

        @Override
        public int next(RandomGenerator random) {
            int hot = hotKeys();
            return random.nextDouble() < share ? random.nextInt(hot) : hot + random.nextInt(keys - hot);
        }

        @Override
        public double topShare(int n) {
            int hot = hotKeys();
            // A hot key is the likelier one whenever the share favours the hot fifth; otherwise the cold keys come first.
            double perHot = share / hot;
            double perCold = (1 - share) / (keys - hot);
            int first = perHot >= perCold ? hot : keys - hot;
            double perFirst = Math.max(perHot, perCold);
            double perSecond = Math.min(perHot, perCold);
            int m = Math.min(n, keys);
            return Math.min(m, first) * perFirst + Math.max(0, m - first) * perSecond;
        }

        @Override
        public String label() {
            return String.format(Locale.ROOT, "%.0f/%.0f", share * 100, 100 - share * 100);
        }
    }

    /**
     * Zipf's law over a finite keyspace, drawn by inverting its cumulative distribution (a binary search over
     * {@code keys} doubles): exact for any exponent, including the 0.99 of YCSB's default, at a few tens of
     * nanoseconds a draw.
     */
    final class Zipf implements KeyDistribution {
        private final double exponent;
        private final double[] cumulative;

        Zipf(int keys, double exponent) {
            requirePositive(keys);
            if (!(exponent > 0)) {
                throw new IllegalArgumentException("the Zipf exponent must be positive, was " + exponent);
            }
            this.exponent = exponent;
            this.cumulative = new double[keys];
            double sum = 0;
            for (int i = 0; i < keys; i++) {
                sum += 1 / Math.pow(i + 1, exponent);
                cumulative[i] = sum;
            }
            for (int i = 0; i < keys; i++) {
                cumulative[i] /= sum;
            }
            // Rounding may leave the last value a hair under 1, and a draw above it would fall off the end.
            cumulative[keys - 1] = 1;
        }

        double exponent() {
            return exponent;
        }

        @Override
        public int keys() {
            return cumulative.length;
        }

        @Override
        public int next(RandomGenerator random) {
            int at = Arrays.binarySearch(cumulative, random.nextDouble());
            return at >= 0 ? at : -at - 1;
        }

        @Override
        public double topShare(int n) {
            return n <= 0 ? 0 : cumulative[Math.min(n, cumulative.length) - 1];
        }

        @Override
        public String label() {
            return String.format(Locale.ROOT, "zipf %.2f", exponent);
        }
    }

    private static void requirePositive(int keys) {
        if (keys <= 0) {
            throw new IllegalArgumentException("the keyspace must hold at least one key, was " + keys);
        }
    }
}
