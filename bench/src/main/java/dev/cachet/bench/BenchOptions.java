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
 * @param only which pairs of contenders run
 */
record BenchOptions(int threads, int valueBytes, int seconds, int rounds, int keys, String redis, Only only) {
    /** Which pairs run. */
    enum Only {
        /** Cachet's Redis store against raw Lettuce. */
        REDIS,
        /** Cachet's local store against raw Caffeine. */
        LOCAL,
        /** Both pairs. */
        ALL
    }

    static final String USAGE = """
            usage: java -jar cachet-bench.jar [--threads=50] [--value-bytes=1024] [--seconds=3] [--rounds=3]
                                              [--keys=10000] [--redis=redis://127.0.0.1:6379] [--only=redis|local|all]""";

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
        values.put("only", "all");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String key = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
            if (key == null || !values.containsKey(key)) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
            values.put(key, arg.substring(eq + 1));
        }
        return new BenchOptions(
                positive(values, "threads"),
                positive(values, "value-bytes"),
                positive(values, "seconds"),
                positive(values, "rounds"),
                positive(values, "keys"),
                values.get("redis"),
                only(values.get("only")));
    }

    private static int positive(Map<String, String> values, String key) {
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
            throw new IllegalArgumentException("--only must be redis, local or all, was '" + text + "'", unknown);
        }
    }

    boolean runsRedis() {
        return only != Only.LOCAL;
    }

    boolean runsLocal() {
        return only != Only.REDIS;
    }

    /** The settings as arguments, so a report shows every value in force, defaults included. */
    String asArguments() {
        return "--threads=" + threads + " --value-bytes=" + valueBytes + " --seconds=" + seconds + " --rounds=" + rounds
                + " --keys=" + keys + " --redis=" + redis + " --only=" + only.name().toLowerCase(Locale.ROOT);
    }
}
