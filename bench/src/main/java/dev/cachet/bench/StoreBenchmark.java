package dev.cachet.bench;

import dev.cachet.Ttl;
import dev.cachet.bench.BenchOptions.Only;
import dev.cachet.memcached.MemcachedStoreOptions;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures what Cachet costs over the library each of its stores is built on, side by side in one run:
 * Cachet's Redis store against raw Lettuce on the same Redis, and Cachet's local store against raw Caffeine
 * with the same bound. A third pair measures what a first tier buys: Cachet's tiered store (local in front
 * of Redis) against Cachet's Redis store alone; a fourth, reads answered by the tiered store's first tier
 * against raw Caffeine; and Cachet's Memcached store against raw xmemcached and against Cachet's Redis store. For each contender it measures reads of present keys and (except in the fourth
 * pair) writes, from many platform threads at once, and reports throughput, p50 and p99 latency, and
 * Cachet's throughput as a ratio of the raw one (for the tiered pair: tiered over Redis alone).
 *
 * <p>Two scenarios follow the pairs: {@link CoherenceScenario how long a write on one tiered instance takes
 * to leave another's first tier}, and {@link StampedeScenario how often the loader runs} when many callers on
 * several instances want one cold key at once.
 *
 * <p>Each pair of contenders is populated and warmed up first (two unmeasured rounds), then measured in
 * rounds that alternate the two, so that drift on a shared machine (another process, the JIT, the Redis
 * server on the same cores) lands on both rather than on one; the median round is reported. Every key the
 * run wrote is deleted at the end, by prefix, never by flushing the database.
 *
 * <p>Usage: {@code java -jar cachet-bench.jar [--threads=50] [--value-bytes=1024] [--seconds=3] [--rounds=3]
 * [--keys=10000] [--redis=redis://127.0.0.1:6379] [--memcached=memcached://127.0.0.1:11211]
 * [--only=redis|local|tiered|l1|memcached|coherence|stampede|all] [--hot=0]
 * [--propagation-writes=500] [--stampede-keys=20] [--stampede-callers=500]}. Exits with 1 when Redis is
 * or Memcached is unreachable or a measurement cannot be trusted, and with 2 on a bad argument.
 */
public final class StoreBenchmark {
    /** Long enough to outlast any run, short enough that an interrupted run leaves nothing behind for long. */
    private static final Ttl TTL = Ttl.ofMinutes(10);
    private static final int WARM_UP_PASSES = 2;
    /** Filling the first tier takes one Redis read per key; this is far beyond that for any sane keyspace. */
    private static final Duration FIRST_TIER_FILL_LIMIT = Duration.ofSeconds(30);

    private final BenchOptions options;
    private final LoadRunner runner;
    private final Clients clients;
    private final Duration phase;
    /** Reads of keys written beforehand, uniform or skewed by {@code --hot}. */
    private final Workload getHit;
    /** Writes replacing a key's value, uniform over the keys so that every key is replaced alike. */
    private final Workload set;
    private final List<String> notes = new ArrayList<>();

    private StoreBenchmark(BenchOptions options, LoadRunner runner) {
        this.options = options;
        this.runner = runner;
        this.clients = Clients.platform(options.threads());
        this.phase = Duration.ofSeconds(options.seconds());
        this.getHit = Workload.reads("get-hit", options.hot() > 0 ? KeyDistribution.hot(options.keys(), options.hot())
                : KeyDistribution.uniform(options.keys()));
        this.set = Workload.writes("set", KeyDistribution.uniform(options.keys()));
    }

    /** Runs the benchmark with {@code --key=value} arguments; see the class description. */
    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        String redisVersion = null;
        if (options.needsRedis()) {
            try {
                redisVersion = RedisProbe.version(options.redis());
            } catch (RedisException | IllegalArgumentException e) {
                String cause = e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")";
                System.err.println("Redis at " + options.redis() + " is unreachable: " + e.getMessage() + cause);
                System.err.println("Start Redis, point --redis= at one, or measure only the local store with --only=local.");
                System.exit(1);
                return;
            }
        }
        String memcachedVersion = null;
        if (options.needsMemcached()) {
            try {
                memcachedVersion = MemcachedProbe.version(memcachedServers(options.memcached()));
            } catch (IOException | IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.err.println("Start memcached (memcached -d -u nobody -l 127.0.0.1 -p 11211 -m 256), point --memcached= at one,"
                        + " or leave it out with --only=redis, local, tiered or l1.");
                System.exit(1);
                return;
            }
        }
        printHeader(args, options, redisVersion, memcachedVersion);
        try {
            new StoreBenchmark(options, new LoadRunner(options.valueBytes())).run();
        } catch (IllegalStateException e) {
            // A measurement that cannot be trusted: its message says why; the keys are already deleted.
            System.err.println("stopped: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            System.exit(1);
        }
    }

    private void run() throws InterruptedException {
        List<Comparison> comparisons = new ArrayList<>();
        if (options.runs(Only.REDIS)) {
            comparisons.addAll(redisPair());
        }
        if (options.runs(Only.LOCAL)) {
            comparisons.addAll(localPair());
        }
        if (options.runs(Only.TIERED)) {
            comparisons.addAll(tieredPair());
        }
        if (options.runs(Only.L1)) {
            comparisons.addAll(l1Pair());
        }
        if (options.runs(Only.MEMCACHED)) {
            comparisons.addAll(memcachedPairs());
        }
        List<String> scenarios = new ArrayList<>();
        if (options.runs(Only.COHERENCE)) {
            scenarios.add(new CoherenceScenario(options.redis(), options.propagationWrites(), TTL).run(notes));
        }
        if (options.runs(Only.STAMPEDE)) {
            scenarios.add(new StampedeScenario(options.redis(), options.stampedeKeys(), options.stampedeCallers(), TTL)
                    .run(notes));
        }
        System.out.println();
        if (!comparisons.isEmpty()) {
            System.out.print(ResultTable.render(comparisons));
            System.out.println();
        }
        if (!scenarios.isEmpty()) {
            scenarios.forEach(System.out::println);
            System.out.println();
        }
        notes.forEach(System.out::println);
    }

    private static void printHeader(String[] args, BenchOptions options, String redisVersion, String memcachedVersion) {
        Runtime runtime = Runtime.getRuntime();
        String command = ProcessHandle.current().info().commandLine()
                .orElse("java -jar cachet-bench.jar " + String.join(" ", args));
        System.out.println("Cachet store benchmark");
        System.out.println("command:  " + command);
        System.out.println("settings: " + options.asArguments());
        System.out.printf(Locale.ROOT, "machine:  %d cores, %s %s %s, max heap %,d MiB%n", runtime.availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                runtime.maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "jdk:      %s (%s, %s)%n", Runtime.version(),
                System.getProperty("java.vm.name"), System.getProperty("java.vm.vendor"));
        if (redisVersion != null) {
            System.out.println("redis:    " + redisVersion + " at " + options.redis());
        }
        if (memcachedVersion != null) {
            System.out.println("memcached: " + memcachedVersion + " at " + options.memcached());
        }
        if (!options.runsAnyPair()) {
            return;
        }
        System.out.printf(Locale.ROOT, "method:   %d threads, %,d keys of %,d random bytes; per pair: populate, %d unmeasured"
                        + " rounds, then %d rounds; a round runs each operation on each contender in turn for %d s;"
                        + " median round shown%n",
                options.threads(), options.keys(), options.valueBytes(), WARM_UP_PASSES, options.rounds(), options.seconds());
        System.out.println(options.hot() > 0
                ? String.format(Locale.ROOT, "reads:    %.0f%% of get-hit calls on the first 20%% of keys, the rest on the"
                        + " other 80%%; writes uniform", options.hot() * 100)
                : "reads:    uniform over the keys");
    }

    private List<Comparison> redisPair() throws InterruptedException {
        try (CachetContender cachet = CachetContender.redis(options.redis(), options.keys(), TTL);
                LettuceContender raw = LettuceContender.connect(options.redis(), options.keys(), TTL.toMillis())) {
            return measure("redis", cachet, raw, List.of(getHit, set));
        }
    }

    private List<Comparison> localPair() throws InterruptedException {
        // Bounded to the keyspace, so every read of the get phase is a hit and neither cache evicts.
        long bound = options.keys();
        try (CachetContender cachet = CachetContender.local(bound, options.keys(), TTL)) {
            return measure("local", cachet, caffeine(bound), List.of(getHit, set));
        }
    }

    private CaffeineContender caffeine(long bound) {
        return new CaffeineContender(bound, options.keys(), Duration.ofMillis(TTL.toMillis()));
    }

    /**
     * The tiered store against the Redis store alone, on the same Redis: the ratio is what the first tier
     * buys on reads and costs on writes (each write also drops the key from the first tier).
     */
    private List<Comparison> tieredPair() throws InterruptedException {
        try (CachetContender tiered = CachetContender.tiered(options.redis(), options.keys(), options.firstTierEntries(), TTL);
                CachetContender redis = CachetContender.redis(options.redis(), options.keys(), TTL)) {
            return measure("tiered", tiered, redis, List.of(getHit, set));
        }
    }

    /**
     * Reads answered by the tiered store's first tier against raw Caffeine with the same bound: what Cachet
     * costs on its fastest path. Reads only, since a tiered write is a Redis write, measured in the tiered pair.
     */
    private List<Comparison> l1Pair() throws InterruptedException {
        try (CachetContender l1 = CachetContender.l1(options.redis(), options.keys(), TTL)) {
            // A tiered write goes to Redis, so only reads measure the first tier.
            return measure("l1", l1, caffeine(options.keys()), List.of(getHit));
        }
    }

    /**
     * Cachet's Memcached store against raw xmemcached on the same servers, then against Cachet's Redis store:
     * what the store costs over a plain client, and how the two backends compare behind the same API.
     */
    private List<Comparison> memcachedPairs() throws InterruptedException {
        List<Comparison> comparisons = new ArrayList<>();
        int ttlSeconds = (int) (TTL.toMillis() / 1_000);
        try (CachetContender cachet = CachetContender.memcached(options.memcached(), options.keys(), TTL);
                XmemcachedContender raw = XmemcachedContender.connect(memcachedServers(options.memcached()), options.keys(), ttlSeconds)) {
            comparisons.addAll(measure("memcached", cachet, raw, List.of(getHit, set)));
        }
        try (CachetContender memcached = CachetContender.memcached(options.memcached(), options.keys(), TTL);
                CachetContender redis = CachetContender.redis(options.redis(), options.keys(), TTL)) {
            comparisons.addAll(measure("memcached-redis", memcached, redis, List.of(getHit, set)));
        }
        return comparisons;
    }

    /** The servers of a {@code memcached://} URL, resolved. */
    static List<InetSocketAddress> memcachedServers(String url) {
        return MemcachedStoreOptions.builder().url(url).build().servers().stream()
                .map(server -> new InetSocketAddress(server.getHostString(), server.getPort()))
                .toList();
    }

    private List<Comparison> measure(String pair, CachetContender cachet, Contender raw, List<Workload> workloads)
            throws InterruptedException {
        try {
            progress(pair, "populating " + options.keys() + " keys");
            populate(cachet);
            populate(raw);
            // Two passes, because the second operation's first run recompiles code the first one shares
            // (the cache's own call path), and the first operation only meets that code on its next run.
            for (int pass = 1; pass <= WARM_UP_PASSES; pass++) {
                progress(pair, "warm-up " + pass + " of " + WARM_UP_PASSES);
                for (Workload workload : workloads) {
                    prepare(cachet, workload);
                    runner.run(cachet, workload, clients, phase);
                    runner.run(raw, workload, clients, phase);
                }
            }
            Map<Workload, List<Measurement>> cachetRounds = new LinkedHashMap<>();
            Map<Workload, List<Measurement>> rawRounds = new LinkedHashMap<>();
            for (int round = 1; round <= options.rounds(); round++) {
                progress(pair, "round " + round + " of " + options.rounds());
                for (Workload workload : workloads) {
                    prepare(cachet, workload);
                    cachetRounds.computeIfAbsent(workload, w -> new ArrayList<>()).add(measureOnce(pair, cachet, workload));
                    rawRounds.computeIfAbsent(workload, w -> new ArrayList<>()).add(measureOnce(pair, raw, workload));
                }
            }
            List<Comparison> comparisons = new ArrayList<>();
            for (Workload workload : workloads) {
                comparisons.add(new Comparison(
                        Result.of(cachet.name(), workload.label(), cachetRounds.get(workload)),
                        Result.of(raw.name(), workload.label(), rawRounds.get(workload))));
            }
            return comparisons;
        } finally {
            notes.add(ResultTable.counters(cachet.stats()));
            cachet.firstTierReport().ifPresent(notes::add);
            if (raw instanceof CachetContender other) {
                notes.add(ResultTable.counters(other.stats()));
            }
            notes.add(String.format(Locale.ROOT, "cleanup: %s deleted %,d keys, %s deleted %,d keys",
                    cachet.name(), cachet.clear(), raw.name(), raw.clear()));
        }
    }

    /**
     * Before a get phase, fills a tiered store's first tier: the set phase before it has emptied it, and a
     * get phase that starts empty would measure the second tier as much as the first.
     */
    private void prepare(CachetContender cachet, Workload workload) throws InterruptedException {
        if (workload.readShare() == 1 && !cachet.fillFirstTier(FIRST_TIER_FILL_LIMIT)) {
            throw new IllegalStateException(cachet.name() + "'s first tier did not hold the keys within "
                    + FIRST_TIER_FILL_LIMIT.toSeconds() + " s; its get-hit numbers would measure Redis, not the first tier");
        }
    }

    /** One measured phase, shown as it finishes so that the spread behind each median can be seen. */
    private Measurement measureOnce(String pair, Contender contender, Workload workload) throws InterruptedException {
        Measurement measurement = runner.run(contender, workload, clients, phase);
        progress(pair, String.format(Locale.ROOT, "  %-13s %-8s %,12.0f ops/s  p50 %,.1f us  p99 %,.1f us",
                contender.name(), workload.label(), measurement.throughput(), measurement.p50Micros(), measurement.p99Micros()));
        return measurement;
    }

    /** A get phase over keys that failed to be written would measure misses, not hits: stop instead. */
    private void populate(Contender contender) throws InterruptedException {
        long failed = runner.populate(contender, options.keys());
        if (failed > 0) {
            throw new IllegalStateException(contender.name() + " failed " + failed + " of " + options.keys()
                    + " writes while populating; its numbers would not mean what they say");
        }
    }

    /** Progress of {@code part}, a pair or a scenario, on standard error, away from the report. */
    static void progress(String part, String step) {
        System.err.println("[" + part + "] " + step);
    }
}
