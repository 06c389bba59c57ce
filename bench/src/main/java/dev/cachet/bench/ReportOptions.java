package dev.cachet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report's settings, read from {@code --key=value} arguments: a profile, which sets the workloads and how
 * long each is measured, and the few values worth changing.
 *
 * @param profile which workloads run
 * @param seconds how long each phase lasts
 * @param rounds measured rounds per contender and workload; the median is reported
 * @param rate calls per second across all clients in the fixed-rate phases
 * @param out the folder {@code BENCHMARKS.md} and {@code benchmarks/*.png} are written to
 * @param redis the Redis to use when there is no {@code redis-server} to start
 * @param memcached the memcached to use when there is no {@code memcached} to start
 */
record ReportOptions(Profile profile, int seconds, int rounds, long rate, Path out, String redis, String memcached) {
    static final double HOT_SHARE = 0.8;
    static final double ZIPF_EXPONENT = 0.99;

    static final String USAGE = """
            usage: java -cp cachet-bench.jar dev.cachet.bench.ReportBenchmark [--profile=short|full] [--seconds=N] [--rounds=N]
                                              [--rate=10000] [--out=docs] [--redis=redis://127.0.0.1:6379]
                                              [--memcached=memcached://127.0.0.1:11211]""";

    /** Which workloads run, and for how long by default. */
    enum Profile {
        /** 80/20 keys; reads and 90/10; 50 platform and 1,000 virtual threads in a closed loop, the headline also at a fixed rate. */
        SHORT(2, 1, 100_000),
        /** 80/20 and Zipf 0.99 keys; reads and 90/10; 50 platform and 1,000 virtual threads; closed loop and fixed rate. */
        FULL(5, 3, 500_000);

        private final int seconds;
        private final int rounds;
        private final int toolRequests;

        Profile(int seconds, int rounds, int toolRequests) {
            this.seconds = seconds;
            this.rounds = rounds;
            this.toolRequests = toolRequests;
        }
    }

    /** A workload and who runs it: one table of the report. */
    record Case(Workload workload, Clients clients) {
    }

    /**
     * Reads {@code args} over the defaults.
     *
     * @throws IllegalArgumentException naming the first argument that is unknown or not valid
     */
    static ReportOptions parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("profile", "short");
        values.put("seconds", null);
        values.put("rounds", null);
        values.put("rate", "10000");
        values.put("out", "docs");
        values.put("redis", "redis://127.0.0.1:6379");
        values.put("memcached", "memcached://127.0.0.1:11211");
        BenchOptions.read(args, values);
        Profile profile;
        try {
            profile = Profile.valueOf(values.get("profile").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("--profile must be short or full, was '" + values.get("profile") + "'", unknown);
        }
        return new ReportOptions(profile,
                values.get("seconds") == null ? profile.seconds : BenchOptions.positive(values, "seconds"),
                values.get("rounds") == null ? profile.rounds : BenchOptions.positive(values, "rounds"),
                BenchOptions.positive(values, "rate"),
                Path.of(values.get("out")),
                values.get("redis"),
                values.get("memcached"));
    }

    int platformThreads() {
        return 50;
    }

    int virtualThreads() {
        return 1_000;
    }

    /** Requests each server tool makes per test. */
    int toolRequests() {
        return profile.toolRequests;
    }

    /** The brief's workload: 80/20 reads from 1,000 virtual threads in a closed loop. */
    Case headline() {
        return new Case(Workload.reads("reads", KeyDistribution.hot(ReportBenchmark.KEYS, HOT_SHARE)),
                Clients.virtual(virtualThreads()));
    }

    /** The workloads every contender runs, each a table of the report. */
    List<Case> matrix() {
        KeyDistribution hot = KeyDistribution.hot(ReportBenchmark.KEYS, HOT_SHARE);
        List<KeyDistribution> distributions = profile == Profile.FULL
                ? List.of(hot, KeyDistribution.zipf(ReportBenchmark.KEYS, ZIPF_EXPONENT)) : List.of(hot);
        List<Case> cases = new ArrayList<>();
        for (KeyDistribution keys : distributions) {
            for (Workload workload : List.of(Workload.reads("reads", keys), Workload.mixed(keys, 0.9))) {
                for (Clients clients : List.of(Clients.platform(platformThreads()), Clients.virtual(virtualThreads()))) {
                    cases.add(new Case(workload, clients));
                    if (profile == Profile.FULL) {
                        cases.add(new Case(workload, clients.atRate(rate)));
                    }
                }
            }
        }
        if (profile == Profile.SHORT) {
            cases.add(new Case(headline().workload(), headline().clients().atRate(rate)));
        }
        return cases;
    }

    /** Minutes of measured phases and warm-up, a lower bound on the run: populating and the servers' tools come on top. */
    long estimatedMinutes() {
        int contenders = 11;
        long phases = (long) matrix().size() * contenders * rounds + contenders + 6 // the matrix, and the warm-up
                + 2L * contenders * rounds // get-many and single gets
                + 2L * 2 * rounds + 2L * rounds; // sets of two contenders at two client counts; first-tier hits against Caffeine
        return Math.round(phases * (seconds + 0.5) / 60);
    }

    /** The profile in words, for the report's machine table. */
    String describe() {
        return String.format(Locale.ROOT, "%s: %,d keys, %,d-byte values, %d s phases, median of %d round%s, fixed rate %,d calls/s",
                profile.name().toLowerCase(Locale.ROOT), ReportBenchmark.KEYS, ReportBenchmark.VALUE_BYTES, seconds, rounds,
                rounds == 1 ? "" : "s", rate);
    }

    /** How the report measured, one paragraph each, for the page. */
    List<String> method() {
        return List.of(
                String.format(Locale.ROOT, "Every contender is written the same %,d keys of %,d random bytes first, then runs each"
                        + " workload for %d s in turn; contenders alternate within a round, %d round%s, and the median round (by"
                        + " throughput) is shown whole. Unmeasured phases come first (four for the two contenders with a first"
                        + " tier, to fill it; one for the others), and every phase waits for"
                        + " the JIT to be idle before it starts.", ReportBenchmark.KEYS, ReportBenchmark.VALUE_BYTES, seconds, rounds,
                        rounds == 1 ? "" : "s"),
                "Keys: `80/20` sends 80% of calls to the first fifth of the keys, uniformly, the rest to the others; `zipf 0.99`"
                        + " draws key i with probability proportional to 1/(i+1)^0.99. `reads` only reads; `90/10 r/w` writes one"
                        + " call in ten, on keys drawn the same way. Each client draws from its own seeded generator, so every"
                        + " contender meets the same sequence of keys, and a phase's reads can be replayed afterwards.",
                String.format(Locale.ROOT, "Clients: %d platform threads or %,d virtual threads. In a closed loop each calls again as"
                        + " soon as its call returns. At a fixed rate, %,d calls a second are started on a schedule spread over the"
                        + " clients, and each call's latency is counted from when it should have started (so a stall is not hidden"
                        + " by the calls it delayed: coordinated omission).", platformThreads(), virtualThreads(), rate),
                "Hit ratio: keys found over keys read. First-tier hits: reads the in-process tier answered, counted by Cachet's"
                        + " tiered store itself, and for `redisson-local` (which does not count them) the reads that sent Redis no"
                        + " command, in read-only workloads only. Ideal LFU: the hit ratio of a cache as large as the first tier"
                        + " that always holds the distribution's most frequent keys, on the same phase's reads, replayed from its"
                        + " clients' generators. The bound 1/(1 - h) is the speedup over Redis alone that a first tier with hit"
                        + " ratio h would give if its hits cost nothing.",
                "Commands per call: the server's own count (`INFO stats` total_commands_processed for Redis; memcached's"
                        + " `stats`: gets, counted per key, sets, touches, deletes and the like) over the phase's calls. With a"
                        + " server of the benchmark's own, started on a free port, nothing else sends it commands. A get-many of 100"
                        + " keys is one call.",
                "Contenders: `lettuce` (one shared connection, sync GET/SET PX, MGET); `cachet-redis`, `cachet-tiered` (a first"
                        + " tier of 20,000 entries, a fifth of the keys, in front of Redis, with the default 30 s first-tier TTL),"
                        + " `cachet-memcached`, `cachet-local`: Cachet's `Cache` over each store, default options; `spring-redis`:"
                        + " Spring Data Redis' `RedisCacheManager` cache on a `LettuceConnectionFactory`, default configuration"
                        + " (JDK serialization of values), its fire-and-forget puts awaited; `spring-redis-immediate`: the same with"
                        + " `RedisCacheWriter` `immediateWrites()`; `redisson`: `RBucket` per key (`ByteArrayCodec`), `RBuckets.get`"
                        + " for get-many; `redisson-local`: `RLocalCachedMap` with a local cache of 20,000 entries, LFU eviction;"
                        + " `xmemcached`: one binary-protocol client; `caffeine`: raw Caffeine holding the arrays themselves;"
                        + " `cachet-l1`: the tiered store with every key in its first tier, read only. The bench README has the details.",
                "The servers' own tools: `redis-benchmark` (GET and SET, 1 KB values, keys uniform over 100,000, the same client"
                        + " counts) and `memcslap` (set, then get, the same client counts, one thread and connection each) run"
                        + " first, on the same servers, which are emptied afterwards. Neither draws hot keys.",
                "The machine runs everything: the servers, the clients and the tools share its cores, so the figures are what one"
                        + " box does, not what a network of them would. Compare rows of one run; the spread column is the range"
                        + " of a contender's rounds over its median.");
    }
}
