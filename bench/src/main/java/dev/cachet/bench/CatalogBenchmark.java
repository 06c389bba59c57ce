package dev.cachet.bench;

import dev.cachet.redis.RedisStore;
import dev.cachet.store.Store;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The catalog service cached against the same service with caching off, side by side in one run on the same
 * PostgreSQL and Redis: requests per second, p50 and p99 of {@code /api/products?category=1&page=1} (as a
 * signed-in user) and {@code /api/products/{id}} (over the first 1,000 active products, each read once in the
 * warm-up) at each number of concurrent connections, and the database round trips per
 * request (connections borrowed from the service's pool, read from its Prometheus scrape).
 *
 * <p>It starts two catalog processes from the executable jar: one with the caches (tiered, in process in
 * front of Redis), one with {@code catalog.caching=false} and {@code cachet.web.enabled=false}, both on a PostgreSQL schema of its own that it
 * drops at the end. Each phase warms up, then measures, with closed-loop clients on virtual threads.
 *
 * <p>Usage: {@code java -cp bench/target/cachet-bench.jar dev.cachet.bench.CatalogBenchmark
 * [--jar=catalog/target/catalog.jar] [--seconds=10] [--connections=50,1000] [--products=200000]
 * [--client=auto|wrk|java]}. The load comes from wrk when it is installed ({@code auto}, the default), else
 * from the JDK's HttpClient: on a small machine the Java client takes much of the CPU the service needs, and
 * its single selector thread caps the rate, so wrk measures more of the service and less of the client.
 */
public final class CatalogBenchmark {
    private static final String DATABASE = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String SCHEMA = "bench_catalog";
    private static final String REDIS = "redis://127.0.0.1:6379";
    private static final String KEY_PREFIX = "bench-catalog";
    /** The products the by-id phases read: a hot set that the warm-up reads in full before anything is measured. */
    private static final int HOT_IDS = 1_000;
    private static final Pattern BORROWS = Pattern.compile("(?m)^hikaricp_connections_usage_seconds_count\\{[^}]*} ([0-9.Ee+-]+)$");
    // Labels up to the last "} ": a uri label holds braces of its own ("/api/products/{id}").
    private static final Pattern REQUESTS = Pattern.compile("(?m)^http_server_requests_seconds_count\\{(.*)} ([0-9.Ee+-]+)$");

    private Client client;

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor())
            .connectTimeout(Duration.ofSeconds(10)).build();

    record Service(String name, Process process, int port) {
        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }

    /** One measurement; latencies in nanoseconds. */
    private record Phase(String endpoint, String service, int connections, long requests, long failures, double seconds,
            double mean, double p50, double p99, double borrowsPerRequest) {
        double rps() {
            return requests / seconds;
        }

        /**
         * The time the answered requests took in all, over the time the connections had (Little's law): a
         * closed-loop client keeps one request per connection in flight, so this cannot be over 1. When it is
         * well over, the load generator's latencies do not describe the requests it counted.
         */
        double busy() {
            return mean * requests / 1e9 / (connections * seconds);
        }
    }

    /**
     * What one load run saw: answered requests (status 200), failures, seconds, and the mean, p50 and p99
     * latency in nanoseconds.
     */
    record Load(long requests, long failures, double seconds, double mean, double p50, double p99) {}

    /** Sends the load of one phase. */
    interface Client {
        Load drive(Service service, String endpoint, int connections, int seconds, List<Long> ids, boolean byId) throws Exception;
    }

    /** Runs the comparison; see the class description. */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("jar", "catalog/target/catalog.jar", "seconds", "10",
                "connections", "50,1000", "products", "200000", "client", "auto"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !options.containsKey(arg.substring(2, eq))) {
                System.err.println("unknown argument '" + arg + "'; options: " + options.keySet());
                System.exit(2);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        File jar = new File(options.get("jar"));
        if (!jar.isFile()) {
            System.err.println(jar + " is missing; build it with ./mvnw -q -pl catalog -am package -DskipTests");
            System.exit(2);
        }
        List<Integer> connections = new ArrayList<>();
        for (String count : options.get("connections").split(",")) {
            connections.add(Integer.parseInt(count.trim()));
        }
        String client = options.get("client");
        boolean wrk = switch (client) {
            case "wrk" -> true;
            case "java" -> false;
            case "auto" -> WrkClient.available();
            default -> {
                System.err.println("--client must be auto, wrk or java, was '" + client + "'");
                System.exit(2);
                yield false;
            }
        };
        if (wrk && !WrkClient.available()) {
            System.err.println("--client=wrk needs wrk on the PATH (apt-get install wrk)");
            System.exit(2);
        }
        CatalogBenchmark benchmark = new CatalogBenchmark();
        benchmark.client = wrk ? new WrkClient() : benchmark::drive;
        System.err.println("load generator: " + (wrk ? "wrk" : "the JDK's HttpClient on virtual threads"));
        benchmark.run(jar, Integer.parseInt(options.get("seconds")), connections, Integer.parseInt(options.get("products")));
    }

    private void run(File jar, int seconds, List<Integer> connections, int products) throws Exception {
        execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        Service cached = null;
        Service uncached = null;
        try {
            cached = start(jar, "cached", 18081, "--catalog.demo.products=" + products, "--cachet.defaults.store=tiered");
            uncached = start(jar, "uncached", 18082, "--catalog.demo.products=0", "--catalog.caching=false", "--cachet.web.enabled=false");
            List<Long> ids = activeIds();
            List<Phase> phases = new ArrayList<>();
            for (int count : connections) {
                for (Service service : List.of(cached, uncached)) {
                    phases.add(measure(service, "/api/products?category=1&page=1", count, seconds, ids, false));
                    phases.add(measure(service, "/api/products/{id}", count, seconds, ids, true));
                }
            }
            report(phases, connections);
        } finally {
            for (Service service : new Service[] {cached, uncached}) {
                if (service != null) {
                    service.process().destroy();
                    service.process().waitFor();
                }
            }
            execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
            try (Store redis = RedisStore.create(REDIS)) {
                long deleted = redis.deleteMatching(Store.escapeGlob(KEY_PREFIX + ":") + "*", key -> true, false).join();
                System.err.printf(Locale.ROOT, "cleanup: dropped schema %s and %,d keys under %s:%n", SCHEMA, deleted, KEY_PREFIX);
            }
        }
    }

    private Service start(File jar, String name, int port, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                jar.getPath(), "--server.port=" + port,
                "--spring.datasource.url=" + DATABASE + "?currentSchema=" + SCHEMA + "&reWriteBatchedInserts=true",
                "--spring.datasource.username=postgres", "--spring.flyway.schemas=" + SCHEMA,
                "--cachet.defaults.url=" + REDIS, "--cachet.defaults.key-prefix=" + KEY_PREFIX,
                "--logging.level.root=WARN", "--server.tomcat.max-connections=20000", "--server.tomcat.accept-count=2000"));
        command.addAll(List.of(extra));
        File log = File.createTempFile("catalog-" + name, ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        Service service = new Service(name, process, port);
        System.err.printf("starting the %s catalog on port %d (log %s)%n", name, port, log);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + name + " catalog exited; see " + log);
            }
            try {
                // The catalog loads its demo data before it takes connections: answering means ready.
                if (get(service.url("/actuator/health"), null).statusCode() == 200) {
                    return service;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the " + name + " catalog did not come up within 5 minutes; see " + log);
    }

    private HttpResponse<String> get(String url, String user) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private Phase measure(Service service, String endpoint, int connections, int seconds, List<Long> ids, boolean byId)
            throws Exception {
        System.err.printf("%s %s, %d connections: warming up%n", service.name(), endpoint, connections);
        if (byId) {
            for (long id : ids) {
                get(service.url("/api/products/" + id), null);
            }
        }
        // As long as the measurement: the JIT, the pools and the caches settle before anything counts.
        client.drive(service, endpoint, connections, seconds, ids, byId);
        String uri = endpoint.replaceFirst("\\?.*", "");
        Counters before = counters(service, uri);
        Load load = client.drive(service, endpoint, connections, seconds, ids, byId);
        Counters after = counters(service, uri);
        // Over what the service itself served in the window: requests still queued from the warm-up when it
        // starts, or from the measurement when it ends, are counted on both sides of the ratio.
        double borrowsPerRequest = (after.borrows() - before.borrows()) / Math.max(1, after.requests() - before.requests());
        Phase phase = new Phase(endpoint, service.name(), connections, load.requests(), load.failures(), load.seconds(),
                load.mean(), load.p50(), load.p99(), borrowsPerRequest);
        System.err.printf(Locale.ROOT, "%s %s, %d connections: %,.0f req/s, p50 %.2f ms, p99 %.2f ms, %.2f queries/request%n",
                service.name(), endpoint, connections, phase.rps(), phase.p50() / 1e6, phase.p99() / 1e6, borrowsPerRequest);
        return phase;
    }

    /** Closed-loop clients: each sends a request, waits for the answer, records it, and sends the next. */
    private Load drive(Service service, String endpoint, int connections, int seconds, List<Long> ids, boolean byId)
            throws InterruptedException {
        ConcurrentHistogram latency = new ConcurrentHistogram(3);
        LongAdder requests = new LongAdder();
        LongAdder failures = new LongAdder();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections; i++) {
                clients.submit(() -> {
                    while (System.nanoTime() < end) {
                        String path = byId ? "/api/products/" + ids.get(ThreadLocalRandom.current().nextInt(ids.size())) : endpoint;
                        long sent = System.nanoTime();
                        try {
                            // Only answers with the page count: an error answered fast must not raise the rate.
                            if (get(service.url(path), byId ? null : "alice:alice").statusCode() != 200) {
                                failures.increment();
                                continue;
                            }
                        } catch (IOException e) {
                            failures.increment();
                            continue;
                        } catch (InterruptedException e) {
                            return;
                        }
                        latency.recordValue(System.nanoTime() - sent);
                        requests.increment();
                    }
                });
            }
        }
        return new Load(requests.sum(), failures.sum(), (System.nanoTime() - start) / 1e9, latency.getMean(),
                latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99));
    }

    /** What the service counted so far: connections borrowed from its pool, and requests it served at {@code uri}. */
    private record Counters(double borrows, double requests) {}

    /**
     * The service's counters, from one scrape: each borrowed connection is one database round trip here (a read
     * runs one statement per borrow, outside any transaction).
     */
    private Counters counters(Service service, String uri) throws Exception {
        String metrics = get(service.url("/actuator/prometheus"), null).body();
        double borrows = 0;
        Matcher borrowed = BORROWS.matcher(metrics);
        while (borrowed.find()) {
            borrows += Double.parseDouble(borrowed.group(1));
        }
        double requests = 0;
        Matcher served = REQUESTS.matcher(metrics);
        while (served.find()) {
            if (served.group(1).contains("uri=\"" + uri + "\"")) {
                requests += Double.parseDouble(served.group(2));
            }
        }
        return new Counters(borrows, requests);
    }

    private static List<Long> activeIds() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(DATABASE + "?currentSchema=" + SCHEMA, "postgres", "");
                ResultSet rows = connection.createStatement().executeQuery("SELECT id FROM product WHERE active ORDER BY id LIMIT " + HOT_IDS)) {
            while (rows.next()) {
                ids.add(rows.getLong(1));
            }
        }
        return ids;
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(DATABASE, "postgres", "")) {
            connection.createStatement().execute(sql);
        }
    }

    private static void report(List<Phase> phases, List<Integer> connections) {
        System.out.printf("%-34s %-9s %6s %10s %9s %9s %8s %9s%n", "endpoint", "service", "conns", "req/s", "p50 ms", "p99 ms",
                "failed", "queries");
        for (Phase phase : phases) {
            System.out.printf(Locale.ROOT, "%-34s %-9s %6d %,10.0f %9.2f %9.2f %8d %9.2f%n", phase.endpoint(), phase.service(),
                    phase.connections(), phase.rps(), phase.p50() / 1e6, phase.p99() / 1e6, phase.failures(), phase.borrowsPerRequest());
        }
        System.out.println();
        for (Phase phase : phases) {
            // Some slack for rounding in the generator's own figures; past it, the latencies are plainly not the requests'.
            if (phase.busy() > 1.5) {
                System.out.printf(Locale.ROOT, "%s %s at %d connections: the latencies are not consistent with the rate (mean %.1f ms"
                        + " x %,d requests is %.1f times the %d connections x %.1f s there were), so its p50 and p99 say little%n",
                        phase.service(), phase.endpoint(), phase.connections(), phase.mean() / 1e6, phase.requests(), phase.busy(),
                        phase.connections(), phase.seconds());
            }
        }
        for (int count : connections) {
            for (String endpoint : List.of("/api/products?category=1&page=1", "/api/products/{id}")) {
                Phase cached = find(phases, endpoint, "cached", count);
                Phase uncached = find(phases, endpoint, "uncached", count);
                double ratio = cached.rps() / uncached.rps();
                boolean faster = ratio >= 10;
                boolean tail = cached.p99() < uncached.p50();
                System.out.printf(Locale.ROOT, "%s at %d connections: cached %.1fx the uncached throughput (target 10x: %s);"
                        + " cached p99 %.2f ms vs uncached p50 %.2f ms (target below: %s)%n", endpoint, count, ratio,
                        faster ? "met" : "not met", cached.p99() / 1e6, uncached.p50() / 1e6, tail ? "met" : "not met");
            }
        }
    }

    private static Phase find(List<Phase> phases, String endpoint, String service, int connections) {
        return phases.stream().filter(p -> p.endpoint().equals(endpoint) && p.service().equals(service) && p.connections() == connections)
                .findFirst().orElseThrow();
    }
}
