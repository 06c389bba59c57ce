package dev.cachet.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's settings, read from {@code --key=value} arguments.
 *
 * @param threads how many platform threads call the contender at once
 * @param valueBytes the size of every stored value
 * @param seconds how long each warm-up and each measured phase lasts
 * @param rounds how many measured rounds each contender and operation gets
 * @param keys how many distinct keys are read and written
 * @param redis the Redis URL both Redis contenders use
 * @param memcached the Memcached servers both Memcached contenders use, as {@code memcached://host:port[,host:port]}
 * @param only which pairs of contenders or scenarios run
 * @param hot the share of get-phase reads that go to the first 20% of the keys, or 0 for uniform reads
 * @param firstTierEntries the bound of the tiered pair's first tier, at most {@code keys}
 * @param propagationWrites how many writes the coherence scenario times
 * @param stampedeKeys how many cold keys the stampede scenario races on, one after the other
 * @param stampedeCallers how many callers race on each cold key
 */
record BenchOptions(int threads, int valueBytes, int seconds, int rounds, int keys, String redis, String memcached, Only only, double hot,
        int firstTierEntries, int propagationWrites, int stampedeKeys, int stampedeCallers) {
    /** Which pairs or scenarios run. */
    enum Only {
        /** Cachet's Redis store against raw Lettuce. */
        REDIS,
        /** Cachet's local store against raw Caffeine. */
        LOCAL,
        /** Cachet's tiered store (local in front of Redis) against Cachet's Redis store alone. */
        TIERED,
        /** Reads answered by the tiered store's first tier against raw Caffeine. */
        L1,
        /** Cachet's Memcached store against raw xmemcached, and against Cachet's Redis store on the same workload. */
        MEMCACHED,
        /** How long a write on one tiered instance takes to leave another one's first tier. */
        COHERENCE,
        /** Many callers of get-or-compute on one cold key, over several instances: how often the loader runs. */
        STAMPEDE,
        /** Every pair and scenario. */
        ALL
    }

    static final String USAGE = """
            usage: java -jar cachet-bench.jar [--threads=50] [--value-bytes=1024] [--seconds=3] [--rounds=3]
                                              [--keys=10000] [--redis=redis://127.0.0.1:6379]
                                              [--memcached=memcached://127.0.0.1:11211]
                                              [--only=redis|local|tiered|l1|memcached|coherence|stampede|all] [--hot=0]
                                              [--first-tier-entries=all] [--propagation-writes=500] [--stampede-keys=20]
                                              [--stampede-callers=500]""";

    /**
     * Reads {@code args} over the defaults.
     *
     * @throws IllegalArgumentException naming the first argument that is unknown or not valid
     */
    static BenchOptions parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("threads", "50");
        values.put("value-bytes", "1024");
        values.put("seconds", "3");
        values.put("rounds", "3");
        values.put("keys", "10000");
        values.put("redis", "redis://127.0.0.1:6379");
        values.put("memcached", "memcached://127.0.0.1:11211");
        values.put("only", "all");
        values.put("hot", "0");
        values.put("first-tier-entries", "all");
        values.put("propagation-writes", "500");
        values.put("stampede-keys", "20");
        values.put("stampede-callers", "500");
        read(args, values);
        int keys = positive(values, "keys");
        int firstTierEntries = values.get("first-tier-entries").equals("all") ? keys : positive(values, "first-tier-entries");
        if (firstTierEntries > keys) {
            throw new IllegalArgumentException("--first-tier-entries must be at most --keys (" + keys + "), was " + firstTierEntries);
        }
        return new BenchOptions(
                positive(values, "threads"),
                positive(values, "value-bytes"),
                positive(values, "seconds"),
                positive(values, "rounds"),
                positive(values, "keys"),
                values.get("redis"),
                values.get("memcached"),
                only(values.get("only")),
                hot(values.get("hot"), keys),
                firstTierEntries,
                positive(values, "propagation-writes"),
                positive(values, "stampede-keys"),
                positive(values, "stampede-callers"));
    }

    /**
     * Sets each {@code --key=value} of {@code args} in {@code values}, whose keys (with their defaults) are the
     * only ones allowed.
     */
    static void read(String[] args, Map<String, String> values) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String key = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
            if (key == null || !values.containsKey(key)) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            values.put(key, arg.substring(eq + 1));
        }
    }

    /** The positive integer at {@code key}, or an error naming the option. */
    static int positive(Map<String, String> values, String key) {
        String text = values.get(key);
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with the same message as a non-positive number
        }
        throw new IllegalArgumentException("--" + key + " must be a positive integer, was '" + text + "'");
    }

    private static Only only(String text) {
        try {
            return Only.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException(
                    "--only must be redis, local, tiered, l1, memcached, coherence, stampede or all, was '" + text + "'", unknown);
        }
    }

    private static double hot(String text, int keys) {
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException notANumber) {
            value = Double.NaN;
        }
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("--hot must be a number from 0 to 1, was '" + text + "'");
        }
        // The hot fifth of the keyspace must hold at least one key, or the skew has nowhere to send reads.
        if (value > 0 && keys < 5) {
            throw new IllegalArgumentException("--hot needs --keys of at least 5, was " + keys);
        }
        return value;
    }

    /** Whether {@code part}, a pair or a scenario, runs. */
    boolean runs(Only part) {
        return only == part || only == Only.ALL;
    }

    /** Whether any pair of contenders runs, as opposed to scenarios only. */
    boolean runsAnyPair() {
        return runs(Only.REDIS) || runs(Only.LOCAL) || runs(Only.TIERED) || runs(Only.L1) || runs(Only.MEMCACHED);
    }

    /** Whether the Memcached pairs run. */
    boolean needsMemcached() {
        return runs(Only.MEMCACHED);
    }

    /** Whether any pair that runs needs Redis. */
    boolean needsRedis() {
        return only != Only.LOCAL;
    }

    /** The settings as arguments, so a report shows every value in force, defaults included. */
    String asArguments() {
        return "--threads=" + threads + " --value-bytes=" + valueBytes + " --seconds=" + seconds + " --rounds=" + rounds
                + " --keys=" + keys + " --redis=" + redis + " --memcached=" + memcached + " --only=" + only.name().toLowerCase(Locale.ROOT) + " --hot=" + hot
                + " --first-tier-entries=" + firstTierEntries
                + " --propagation-writes=" + propagationWrites + " --stampede-keys=" + stampedeKeys
                + " --stampede-callers=" + stampedeCallers;
    }
}
