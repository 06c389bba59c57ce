package dev.cachet.bench;

import dev.cachet.Ttl;
import dev.cachet.bench.ReportWriter.Chart;
import dev.cachet.bench.ReportWriter.Gap;
import dev.cachet.bench.ReportWriter.HeadlineRow;
import dev.cachet.bench.ReportWriter.Report;
import dev.cachet.bench.ReportWriter.Row;
import dev.cachet.bench.ReportWriter.Section;
import dev.cachet.bench.ServerTools.ToolResult;
import dev.cachet.tiered.TieredOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Every contender, Cachet's stores beside what Java services use today, on the same workloads in one run, and
 * the page {@code docs/BENCHMARKS.md} with its charts written from it. See {@link ReportOptions} for the
 * options and the bench README for what is measured and how.
 */
public final class ReportBenchmark {
    static final int KEYS = 100_000;
    static final int VALUE_BYTES = 1_024;
    /** A fifth of the keys: as many as the hot keys of the 80/20 workload. */
    static final int FIRST_TIER = KEYS / 5;
    static final int BATCH = 100;
    /** Longer than the longest run, so that no key populated at the start expires before the end. */
    private static final Ttl TTL = Ttl.ofHours(3);
    private static final Duration FIRST_TIER_FILL_LIMIT = Duration.ofSeconds(60);
    /** The contender whose first-tier hits are counted from the server: each of its misses is one Redis command. */
    private static final String SERVER_COUNTED_TIER = "redisson-local";
    /** Warm-up reads of a contender with a first tier, fifty per slot (or {@link #FIRST_TIER_FILL_LIMIT}, if sooner). */
    private static final long FIRST_TIER_WARM_UP_READS = 50L * FIRST_TIER;

    private final ReportOptions options;
    private final LoadRunner runner = new LoadRunner(VALUE_BYTES);
    private final Duration phase;
    private final List<String> notes = new ArrayList<>();

    private ReportBenchmark(ReportOptions options) {
        this.options = options;
        this.phase = Duration.ofSeconds(options.seconds());
    }

    /** A contender and the counter of the server behind it, null for an in-process cache. */
    private record Entry(Contender contender, CommandCounter counter) {
    }

    /** Runs every contender and writes the page; see {@link ReportOptions#USAGE}. */
    public static void main(String[] args) throws Exception {
        // Charts are drawn without a display; this must be set before anything loads AWT.
        System.setProperty("java.awt.headless", "true");
        ReportOptions options;
        try {
            options = ReportOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(ReportOptions.USAGE);
            System.exit(2);
            return;
        }
        try {
            new ReportBenchmark(options).run(args);
        } catch (IllegalStateException e) {
            System.err.println("stopped: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
            System.exit(1);
        }
    }

    private void run(String[] args) throws Exception {
        long started = System.nanoTime();
        StoreBenchmark.progress("report", String.format(Locale.ROOT, "%s profile: about %d minutes of measured phases",
                options.profile().name().toLowerCase(Locale.ROOT), options.estimatedMinutes()));
        Optional<LocalServer> ownRedis = LocalServer.redis();
        Optional<LocalServer> ownMemcached = LocalServer.memcached();
        try {
            String redisUrl = ownRedis.map(LocalServer::url).orElse(options.redis());
            String memcachedUrl = ownMemcached.map(LocalServer::url).orElse(options.memcached());
            if (ownRedis.isEmpty()) {
                notes.add("No redis-server on the PATH: the run used the Redis at " + redisUrl + ", whose command counts include"
                        + " whatever else its other clients sent during each phase.");
            }
            if (ownMemcached.isEmpty()) {
                notes.add("No memcached on the PATH: the run used the memcached at " + memcachedUrl + ", whose command counts"
                        + " include its other clients'.");
            }
            List<InetSocketAddress> memcachedServers = StoreBenchmark.memcachedServers(memcachedUrl);
            Map<String, String> machine = machine(RedisProbe.version(redisUrl), MemcachedProbe.version(memcachedServers));
            List<ToolResult> tools = tools(ownRedis, ownMemcached);
            Report report = measure(redisUrl, memcachedUrl, memcachedServers, machine, tools, args, started);
            write(report);
        } finally {
            ownRedis.ifPresent(LocalServer::close);
            ownMemcached.ifPresent(LocalServer::close);
        }
        StoreBenchmark.progress("report", String.format(Locale.ROOT, "done in %.1f minutes; wrote %s",
                (System.nanoTime() - started) / 60e9, options.out().resolve("BENCHMARKS.md")));
    }

    private Report measure(String redisUrl, String memcachedUrl, List<InetSocketAddress> memcachedServers,
            Map<String, String> machine, List<ToolResult> tools, String[] args, long started) throws Exception {
        Duration ttl = Duration.ofMillis(TTL.toMillis());
        List<Section> sections = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        List<Chart> charts = new ArrayList<>();
        Map<String, Result> byKey = new LinkedHashMap<>();
        try (CommandCounter redis = CommandCounter.redis(redisUrl);
                CommandCounter memcached = CommandCounter.memcached(memcachedServers)) {
            List<Entry> entries = new ArrayList<>();
            try {
                entries.add(new Entry(LettuceContender.connect(redisUrl, KEYS, TTL.toMillis()), redis));
                entries.add(new Entry(CachetContender.redis(redisUrl, KEYS, TTL), redis));
                entries.add(new Entry(SpringRedisContender.defaults(redisUrl, KEYS, ttl), redis));
                entries.add(new Entry(SpringRedisContender.immediateWrites(redisUrl, KEYS, ttl), redis));
                entries.add(new Entry(RedissonContender.buckets(redisUrl, KEYS, ttl), redis));
                // Kept in the first tier as long as in Redis, as Redisson's local cache keeps its entries: a
                // contender's phases are minutes apart, past the default 30 s first-tier TTL, and each would
                // otherwise start from an empty first tier.
                entries.add(new Entry(CachetContender.tiered(redisUrl, KEYS, FIRST_TIER, TTL, new TieredOptions(ttl)), redis));
                entries.add(new Entry(RedissonContender.localCachedMap(redisUrl, KEYS, FIRST_TIER, ttl), redis));
                entries.add(new Entry(XmemcachedContender.connect(memcachedServers, KEYS, (int) TTL.toMillis() / 1_000), memcached));
                entries.add(new Entry(CachetContender.memcached(memcachedUrl, KEYS, TTL), memcached));
                entries.add(new Entry(new CaffeineContender(KEYS, KEYS, ttl), null));
                entries.add(new Entry(CachetContender.local(KEYS, KEYS, TTL), null));
                for (Entry entry : entries) {
                    populate(entry.contender());
                }
                List<ReportOptions.Case> matrix = options.matrix();
                StoreBenchmark.progress("report", "warm-up: unmeasured phases of the first workload");
                for (Entry entry : entries) {
                    // Populating filled no first tier (writes only invalidate it): reads must, or the first phases
                    // measure how fast it fills. A frequency-based first tier needs many reads per slot to tell the
                    // hot keys from the rest, however fast the machine reads.
                    boolean firstTier = entry.contender().name().equals(SERVER_COUNTED_TIER) || entry.contender().firstTierHits() >= 0;
                    long reads = 0;
                    long until = System.nanoTime() + FIRST_TIER_FILL_LIMIT.toNanos();
                    do {
                        reads += runner.run(entry.contender(), matrix.getFirst().workload(), matrix.getFirst().clients(), phase).reads();
                    } while (firstTier && reads < FIRST_TIER_WARM_UP_READS && System.nanoTime() < until);
                }
                for (ReportOptions.Case c : matrix) {
                    sections.add(section(c, entries, byKey));
                }
                Clients fifty = Clients.platform(options.platformThreads());
                KeyDistribution hot = KeyDistribution.hot(KEYS, ReportOptions.HOT_SHARE);
                sections.add(section(new ReportOptions.Case(Workload.getMany(hot, BATCH), fifty), entries, byKey));
                sections.add(section(new ReportOptions.Case(Workload.getEach(hot, BATCH), fifty), entries, byKey));
                List<Entry> writers = entries.stream().filter(named("lettuce", "cachet-redis")).toList();
                Workload sets = Workload.writes("set", KeyDistribution.uniform(KEYS));
                for (Clients clients : List.of(fifty, Clients.virtual(options.virtualThreads()))) {
                    sections.add(section(new ReportOptions.Case(sets, clients), writers, byKey));
                }
                Entry caffeine = entries.stream().filter(named("caffeine")).findFirst().orElseThrow();
                try (CachetContender l1 = CachetContender.l1(redisUrl, KEYS, TTL)) {
                    populate(l1);
                    if (!l1.fillFirstTier(FIRST_TIER_FILL_LIMIT)) {
                        throw new IllegalStateException("cachet-l1's first tier did not hold the keys within "
                                + FIRST_TIER_FILL_LIMIT.toSeconds() + " s");
                    }
                    ReportOptions.Case reads = new ReportOptions.Case(Workload.reads("80/20 reads, every key in the first tier", hot), fifty);
                    sections.add(section(reads, warmedUp(reads, List.of(new Entry(l1, redis), caffeine)), byKey));
                    notes.add(String.format(Locale.ROOT, "cleanup: cachet-l1 deleted %,d keys", l1.clear()));
                }
                try (CachetContender l1 = CachetContender.l1Text(redisUrl, KEYS, TTL);
                        CaffeineContender text = new CaffeineContender(KEYS, KEYS, ttl, true)) {
                    populate(l1);
                    populate(text);
                    if (!l1.fillFirstTier(FIRST_TIER_FILL_LIMIT)) {
                        throw new IllegalStateException("cachet-l1-text's first tier did not hold the keys within "
                                + FIRST_TIER_FILL_LIMIT.toSeconds() + " s");
                    }
                    ReportOptions.Case reads = new ReportOptions.Case(Workload.reads("80/20 reads of 1 KB strings, every key in the first tier", hot), fifty);
                    sections.add(section(reads, warmedUp(reads, List.of(new Entry(l1, redis), new Entry(text, null))), byKey));
                    notes.add(String.format(Locale.ROOT, "cleanup: cachet-l1-text deleted %,d keys", l1.clear()));
                }
                gaps(gaps, byKey, fifty);
                charts(charts, byKey, sections);
            } finally {
                for (Entry entry : entries) {
                    try {
                        notes.add(String.format(Locale.ROOT, "cleanup: %s deleted %,d keys", entry.contender().name(),
                                entry.contender().clear()));
                    } finally {
                        entry.contender().close();
                    }
                }
            }
        }
        ReportOptions.Case headline = options.headline();
        List<HeadlineRow> headlineRows = new ArrayList<>();
        for (String contender : List.of("lettuce", "cachet-redis", "spring-redis", "redisson", "xmemcached", "cachet-memcached")) {
            headlineRows.add(new HeadlineRow(byKey.get(key(contender, headline)),
                    byKey.get(key(contender, new ReportOptions.Case(headline.workload(), headline.clients().atRate(options.rate()))))));
        }
        String took = String.format(Locale.ROOT, "%.1f minutes", (System.nanoTime() - started) / 60e9);
        machine.put("run took", took);
        // The arguments as given, so that the page names the command that rebuilds it.
        String command = "bench/report " + (args.length == 0
                ? "--profile=" + options.profile().name().toLowerCase(Locale.ROOT)
                : String.join(" ", args));
        return new Report(machine, command, options.method(), String.format(Locale.ROOT,
                "1 KB values, %,d concurrent clients, 80%% of reads on hot keys", headline.clients().count()), headlineRows, tools, gaps,
                sections, charts, notes);
    }

    /** Every contender on one workload, in rounds that alternate them; the median round of each. */
    private Section section(ReportOptions.Case c, List<Entry> entries, Map<String, Result> byKey) throws InterruptedException {
        String title = c.workload().label() + " (" + c.workload().keys().label() + " keys), " + c.clients().label();
        Map<Entry, List<Measurement>> rounds = new LinkedHashMap<>();
        for (int round = 1; round <= options.rounds(); round++) {
            StoreBenchmark.progress(title, "round " + round + " of " + options.rounds());
            for (Entry entry : entries) {
                rounds.computeIfAbsent(entry, e -> new ArrayList<>()).add(measureOnce(title, entry, c));
            }
        }
        List<Row> rows = new ArrayList<>();
        rounds.forEach((entry, measured) -> {
            Result result = Result.of(entry.contender().name(), title, measured);
            byKey.put(key(entry.contender().name(), c), result);
            boolean tiered = result.median().firstTierHits() >= 0 && !entry.contender().name().startsWith("cachet-l1");
            double ideal = tiered ? IdealLfu.hitRatio(c.workload().readCounts(Workload.SEED, result.median().iterations()),
                    FIRST_TIER) : Double.NaN;
            rows.add(new Row(result, ideal));
        });
        return new Section(title, rows);
    }

    private Measurement measureOnce(String title, Entry entry, ReportOptions.Case c) throws InterruptedException {
        Contender contender = entry.contender();
        long commandsBefore = entry.counter() == null ? -1 : entry.counter().commands();
        long tierBefore = contender.firstTierHits();
        Measurement m = runner.run(contender, c.workload(), c.clients(), phase);
        long commands = entry.counter() == null ? -1 : entry.counter().commands() - commandsBefore;
        long tierHits = tierBefore < 0 ? -1 : contender.firstTierHits() - tierBefore;
        if (contender.name().equals(SERVER_COUNTED_TIER) && c.workload().readShare() == 1 && c.workload().batch() == 1
                && commands >= 0) {
            tierHits = Math.max(0, m.reads() - commands);
        }
        m = m.with(commands, tierHits);
        StoreBenchmark.progress(title, String.format(Locale.ROOT, "  %-22s %,12.0f ops/s  p50 %,.1f us  p99 %,.1f us  hits %.3f",
                contender.name(), m.throughput(), m.p50Micros(), m.p99Micros(), m.hitRatio()));
        return m;
    }

    private void gaps(List<Gap> gaps, Map<String, Result> byKey, Clients fifty) {
        KeyDistribution hot = KeyDistribution.hot(KEYS, ReportOptions.HOT_SHARE);
        Workload sets = Workload.writes("set", KeyDistribution.uniform(KEYS));
        for (Clients clients : List.of(fifty, Clients.virtual(options.virtualThreads()))) {
            ReportOptions.Case c = new ReportOptions.Case(sets, clients);
            ratio(byKey, "cachet-redis", "lettuce", c).ifPresent(r -> gaps.add(new Gap("Cachet Redis set / raw Lettuce set, "
                    + clients.label(), r[0], 0.85, basis("cachet-redis", r[1], "lettuce", r[2]))));
        }
        for (Clients clients : List.of(fifty, Clients.virtual(options.virtualThreads()))) {
            ReportOptions.Case c = new ReportOptions.Case(Workload.reads("reads", hot), clients);
            for (String tiered : List.of("cachet-tiered", "redisson-local")) {
                Result t = byKey.get(key(tiered, c));
                Result spring = byKey.get(key("spring-redis", c));
                if (t == null || spring == null) {
                    continue;
                }
                double speedup = t.median().throughput() / spring.median().throughput();
                double hit = t.median().firstTierHitRatio();
                double ideal = IdealLfu.hitRatio(c.workload().readCounts(Workload.SEED, t.median().iterations()), FIRST_TIER);
                double bound = 1 / (1 - hit);
                double idealBound = 1 / (1 - ideal);
                String basis = String.format(Locale.ROOT, "%s %s ops/s over spring-redis %s ops/s = %.2f; first-tier hit ratio %.3f,"
                                + " bound 1/(1 - %.3f) = %.2f; ideal LFU of %,d entries %.3f, bound %.2f", tiered,
                        ReportWriter.ops(t.median().throughput()), ReportWriter.ops(spring.median().throughput()), speedup, hit, hit,
                        bound, FIRST_TIER, ideal, idealBound);
                boolean ours = tiered.equals("cachet-tiered");
                gaps.add(new Gap(tiered + " reads / Spring Data Redis reads, over the bound, 80/20, " + clients.label(),
                        speedup / bound, ours ? 0.8 : Double.NaN, basis));
                gaps.add(new Gap(tiered + " first-tier hit ratio under ideal LFU's, in points, 80/20, " + clients.label(),
                        (ideal - hit) * 100, ours ? 2 : Double.NaN, true, basis));
            }
        }
        ReportOptions.Case l1 = new ReportOptions.Case(Workload.reads("80/20 reads, every key in the first tier", hot), fifty);
        // A byte[] is copied for each reader, who may change it; a string is shared as the first tier holds it.
        ratio(byKey, "cachet-l1", "caffeine", l1).ifPresent(r -> gaps.add(new Gap("first-tier hit of a byte[] (cachet-l1) / raw Caffeine get, "
                + fifty.label(), r[0], Double.NaN, basis("cachet-l1", r[1], "caffeine", r[2]))));
        ReportOptions.Case l1Text = new ReportOptions.Case(Workload.reads("80/20 reads of 1 KB strings, every key in the first tier", hot), fifty);
        ratio(byKey, "cachet-l1-text", "caffeine-text", l1Text).ifPresent(r -> gaps.add(new Gap("first-tier hit of a string (cachet-l1-text)"
                + " / raw Caffeine get, " + fifty.label(), r[0], 0.67, basis("cachet-l1-text", r[1], "caffeine-text", r[2]))));
        ReportOptions.Case many = new ReportOptions.Case(Workload.getMany(hot, BATCH), fifty);
        ratio(byKey, "cachet-redis", "lettuce", many).ifPresent(r -> gaps.add(new Gap("Cachet get-many of " + BATCH
                + " / raw Lettuce MGET of " + BATCH + ", " + fifty.label(), r[0], Double.NaN, basis("cachet-redis", r[1], "lettuce", r[2]))));
        Result each = byKey.get(key("cachet-redis", new ReportOptions.Case(Workload.getEach(hot, BATCH), fifty)));
        Result cachetMany = byKey.get(key("cachet-redis", many));
        if (each != null && cachetMany != null) {
            gaps.add(new Gap("Cachet get-many of " + BATCH + " / " + BATCH + " Cachet gets, " + fifty.label(),
                    cachetMany.median().throughput() / each.median().throughput(), Double.NaN,
                    basis("get-many", cachetMany.median().throughput(), BATCH + " gets", each.median().throughput())));
        }
    }

    /** {@code a}'s throughput over {@code b}'s on {@code c}, then the two throughputs; empty when either was not measured. */
    private static Optional<double[]> ratio(Map<String, Result> byKey, String a, String b, ReportOptions.Case c) {
        Result x = byKey.get(key(a, c));
        Result y = byKey.get(key(b, c));
        if (x == null || y == null) {
            return Optional.empty();
        }
        double tx = x.median().throughput();
        double ty = y.median().throughput();
        return Optional.of(new double[] {tx / ty, tx, ty});
    }

    private static String basis(String a, double opsA, String b, double opsB) {
        return a + " " + ReportWriter.ops(opsA) + " ops/s, " + b + " " + ReportWriter.ops(opsB) + " ops/s";
    }

    /** A throughput chart per matrix workload (bars for each client count), and latency curves per matrix case. */
    private void charts(List<Chart> charts, Map<String, Result> byKey, List<Section> sections) throws IOException {
        Path dir = options.out().resolve("benchmarks");
        Files.createDirectories(dir);
        Map<String, Map<String, Map<String, Double>>> bars = new LinkedHashMap<>();
        for (ReportOptions.Case c : options.matrix()) {
            String workload = c.workload().label() + " (" + c.workload().keys().label() + " keys)"
                    + (c.clients().closedLoop() ? ", closed loop" : String.format(Locale.ROOT, ", %,d calls/s", c.clients().rate()));
            Map<String, Double> series = new LinkedHashMap<>();
            Map<String, org.HdrHistogram.Histogram> latencies = new LinkedHashMap<>();
            for (Section section : sections) {
                for (Row row : section.rows()) {
                    Result result = row.result();
                    if (byKey.get(key(result.contender(), c)) == result) {
                        series.put(result.contender(), result.median().throughput());
                        latencies.put(result.contender(), result.median().latency());
                    }
                }
            }
            bars.computeIfAbsent(workload, w -> new LinkedHashMap<>())
                    .put(String.format(Locale.ROOT, "%,d %s threads", c.clients().count(), c.clients().virtual() ? "virtual" : "platform"),
                            series);
            String latencyFile = "latency-" + slug(c.workload().label() + " " + c.workload().keys().label() + " " + c.clients().label())
                    + ".png";
            String latencyTitle = "Latency percentiles: " + c.workload().label() + " (" + c.workload().keys().label() + " keys), "
                    + c.clients().label();
            Charts.latency(dir.resolve(latencyFile), latencyTitle, latencies);
            charts.add(new Chart(latencyFile, latencyTitle));
        }
        List<Chart> barCharts = new ArrayList<>();
        for (Map.Entry<String, Map<String, Map<String, Double>>> workload : bars.entrySet()) {
            String file = "throughput-" + slug(workload.getKey()) + ".png";
            String title = "Throughput: " + workload.getKey();
            Charts.throughput(dir.resolve(file), title, workload.getValue());
            barCharts.add(new Chart(file, title));
        }
        charts.addAll(0, barCharts);
    }

    private static String slug(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    private static String key(String contender, ReportOptions.Case c) {
        return contender + "|" + c.workload().label() + "|" + c.workload().keys().label() + "|" + c.clients().label();
    }

    private static Predicate<Entry> named(String... names) {
        List<String> wanted = List.of(names);
        return entry -> wanted.contains(entry.contender().name());
    }

    /**
     * {@code entries} after one unmeasured phase of {@code c} each, as the other contenders get before their first
     * measured phase: it compiles their read paths, and a first tier filled from Redis decodes each value on its
     * first hit, which the phase would otherwise measure.
     */
    private List<Entry> warmedUp(ReportOptions.Case c, List<Entry> entries) throws InterruptedException {
        for (Entry entry : entries) {
            runner.run(entry.contender(), c.workload(), c.clients(), phase);
        }
        return entries;
    }

    /** A get over keys that failed to be written would measure misses, not hits: stop instead. */
    private void populate(Contender contender) throws InterruptedException {
        StoreBenchmark.progress("report", "populating " + contender.name() + " with " + KEYS + " keys");
        long failed = runner.populate(contender, KEYS);
        if (failed > 0) {
            throw new IllegalStateException(contender.name() + " failed to write " + failed + " of " + KEYS + " keys");
        }
    }

    /**
     * The servers' own load generators on the benchmark's own servers, at the report's client counts, then the
     * servers emptied. Skipped on servers the benchmark did not start: it would leave their keys behind.
     */
    private List<ToolResult> tools(Optional<LocalServer> redis, Optional<LocalServer> memcached) throws InterruptedException {
        List<ToolResult> results = new ArrayList<>();
        List<Integer> clientCounts = List.of(options.platformThreads(), options.virtualThreads());
        if (redis.isPresent() && LocalServer.onPath("redis-benchmark").isPresent()) {
            for (int clients : clientCounts) {
                StoreBenchmark.progress("report", "redis-benchmark with " + clients + " clients");
                try {
                    results.addAll(ServerTools.redisBenchmark(redis.get().port(), clients, options.toolRequests(), VALUE_BYTES, KEYS));
                } catch (IOException | IllegalArgumentException e) {
                    notes.add("redis-benchmark with " + clients + " clients failed: " + e.getMessage());
                }
            }
            try (RedisClient client = RedisClient.create(redis.get().url());
                    StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.sync().flushall();
            }
        } else {
            notes.add("redis-benchmark did not run: it needs redis-server and redis-benchmark on the PATH.");
        }
        if (memcached.isPresent() && LocalServer.onPath("memcslap").isPresent()) {
            for (int clients : clientCounts) {
                try {
                    StoreBenchmark.progress("report", "memcslap set and get with " + clients + " clients");
                    int perClient = Math.max(1, options.toolRequests() / clients);
                    ToolResult set = ServerTools.memcslap(memcached.get().port(), "set", clients, perClient, -1);
                    OptionalInt size = ServerTools.memcachedValueBytes(memcached.get().port());
                    results.add(new ToolResult(set.tool(), set.test(), set.clients(), size.orElse(-1), set.opsPerSecond(),
                            set.p50Micros(), set.p99Micros()));
                    results.add(ServerTools.memcslap(memcached.get().port(), "get", clients, perClient, size.orElse(-1)));
                } catch (IOException | IllegalArgumentException e) {
                    notes.add("memcslap with " + clients + " clients failed: " + e.getMessage());
                }
            }
            CommandCounter.memcachedFlush(new InetSocketAddress("127.0.0.1", memcached.get().port()));
            notes.add("memcslap (libmemcached-tools) has no option for the value size: it draws a random size per value, whose"
                    + " mean over 100 stored values is the value bytes shown. It reports throughput only.");
        } else {
            notes.add("memcslap did not run: it needs memcached and memcslap (Debian's libmemcached-tools) on the PATH.");
        }
        return results;
    }

    private Map<String, String> machine(String redisVersion, String memcachedVersion) {
        Map<String, String> machine = new LinkedHashMap<>();
        Runtime runtime = Runtime.getRuntime();
        machine.put("date", ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME));
        machine.put("cores", String.valueOf(runtime.availableProcessors()));
        machine.put("CPU", procField("/proc/cpuinfo", "model name").orElse(System.getProperty("os.arch")));
        machine.put("memory", procField("/proc/meminfo", "MemTotal")
                .map(kb -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kb.replace("kB", "").strip()) / 1048576.0))
                .orElse("unknown"));
        machine.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("JDK", Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vm.vendor")
                + "), max heap " + (runtime.maxMemory() >> 20) + " MiB");
        machine.put("Redis", redisVersion);
        machine.put("memcached", memcachedVersion);
        machine.put("profile", options.describe());
        return machine;
    }

    private static Optional<String> procField(String file, String name) {
        try {
            return Files.readAllLines(Path.of(file)).stream()
                    .filter(line -> line.startsWith(name))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void write(Report report) throws IOException {
        Files.createDirectories(options.out());
        Files.writeString(options.out().resolve("BENCHMARKS.md"), ReportWriter.render(report));
    }
}
