package dev.cachet.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.TcpProxy;
import dev.cachet.catalog.product.Product;
import dev.cachet.catalog.product.ProductList;
import dev.cachet.catalog.product.ProductPage;
import dev.cachet.redis.RedisStore;
import dev.cachet.redis.RedisStoreOptions;
import dev.cachet.redis.RedisServers;
import dev.cachet.resilience.CircuitBreaker;
import dev.cachet.spring.CachetCaches;
import dev.cachet.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two catalog instances on PostgreSQL and a Redis of the test's own, reached through the test's proxy, under a
 * steady mixed load (every cached endpoint read, products written) while Redis is stopped and started empty,
 * frozen ({@code SIGSTOP}), paused ({@code CLIENT PAUSE}), black-holed, slowed, and cut with its connections
 * reset. For each fault: no 5xx, no answer older than a write that committed (or, if it committed during the
 * fault, than Redis' recovery) two seconds before the read began, a p99 during the fault within the command timeout and a margin, the breaker opened where calls failed,
 * and cache hits again within 2 s of recovery; afterwards both instances answer what the database holds, and
 * so does every product in Redis' entries.
 * A third instance proves the replay of failed invalidations: it keeps its first-tier copy while another
 * instance, cut off from Redis, writes, and serves the new value once that instance reaches Redis again.
 */
class FaultsUnderLoadIT {
    /**
     * How long after a write commits, or after Redis is back if the write's invalidation could not reach it,
     * another instance may still answer the value before it: until the writer replays the invalidation (at its
     * next read, or within a breaker's open duration, 1 s), Redis holds what the other instances read.
     */
    private static final Duration STALENESS_BOUND = Duration.ofSeconds(2);
    /**
     * The command timeout is the Redis store's default, 150 ms. Until the breakers open (one for the starter's
     * caches on this Redis, one for the second-level cache's regions), a request pays it once for each cache it
     * reads: the page, a fragment or the object, the entity's regions, up to eight; and a busy machine adds
     * up to 0.8 s (two catalogs, the load and Redis share two cores here).
     */
    private static final Duration P99_BOUND = Duration.ofMillis(150 * 8 + 800);
    private static final Duration BACK_TO_HITS = Duration.ofSeconds(2);
    private static final int PRODUCTS = 90;
    private static final String DATABASE_DOWN = "PostgreSQL cut 5 s";
    private static final Pattern PRICE = Pattern.compile("\"price\":\"?(\\d+)(?:\\.\\d+)?\"?");

    private static final TestServices SERVICES = new TestServices();
    private static RedisServers servers;
    private static int redisPort;

    private final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Per product, the highest price version written, and when its write returned. */
    private final Map<Integer, long[]> committed = new ConcurrentHashMap<>();
    /** When the last fault ended. */
    private volatile long recoveredAt = System.nanoTime();

    @BeforeAll
    static void services() throws Exception {
        TestServices.require();
        servers = new RedisServers();
        redisPort = servers.start();
    }

    @AfterAll
    static void stop() throws Exception {
        SERVICES.drop();
        if (servers != null) {
            servers.close();
        }
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext instance(int proxyPort, boolean loadsDemoData) {
        return instance(proxyPort, 5432, loadsDemoData);
    }

    /** An instance reaching Redis on {@code proxyPort} and PostgreSQL on {@code databasePort}. */
    private ConfigurableApplicationContext instance(int proxyPort, int databasePort, boolean loadsDemoData) {
        // A request that needs the database while it is gone fails within a second instead of queueing for 30.
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.datasource.hikari.connection-timeout=1000"));
        SERVICES.properties("redis://127.0.0.1:" + proxyPort).forEach((name, value) -> {
            if (!name.equals("catalog.demo.products") || loadsDemoData) {
                String setting = value.toString();
                args.add("--" + name + "=" + (name.equals("spring.datasource.url") ? setting.replace(":5432/", ":" + databasePort + "/") : setting));
            }
        });
        if (!loadsDemoData) {
            args.add("--catalog.demo.products=0");
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CatalogApplication.class).run(args.toArray(String[]::new));
        instances.add(context);
        return context;
    }

    private static int port(ConfigurableApplicationContext instance) {
        return Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"));
    }

    private HttpResponse<String> call(int port, String method, String path, String user, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (user != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** What one fault's window saw. */
    private static final class Window {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong serverErrors = new AtomicLong();
        /** Reads answered 200. */
        final AtomicLong served = new AtomicLong();
        final AtomicLong wrong = new AtomicLong();
        final AtomicLong failedCalls = new AtomicLong();
        final Histogram latency = new ConcurrentHistogram(3);
        final Map<String, Long> slowest = new ConcurrentHashMap<>();
    }

    /** The steady mixed load on the instances on {@code ports}, recording into whatever window is current. */
    private final class Load implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        private volatile Window window = new Window();
        private final AtomicLong versions = new AtomicLong(1_000);

        Load(int... ports) {
            for (int reader = 0; reader < 6; reader++) {
                threads.submit(() -> {
                    while (running.get()) {
                        read(ports[ThreadLocalRandom.current().nextInt(ports.length)]);
                    }
                    return null;
                });
            }
            threads.submit(() -> {
                while (running.get()) {
                    write(ports[ThreadLocalRandom.current().nextInt(ports.length)]);
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                return null;
            });
        }

        Window next() {
            Window done = window;
            window = new Window();
            return done;
        }

        private void read(int port) {
            Window current = window;
            int id = 1 + ThreadLocalRandom.current().nextInt(PRODUCTS);
            String path = switch (ThreadLocalRandom.current().nextInt(4)) {
                case 0 -> "/api/categories";
                case 1 -> "/api/products?category=" + (1 + ThreadLocalRandom.current().nextInt(3)) + "&page=1";
                case 2 -> "/products/" + id;
                default -> "/api/products/" + id;
            };
            long started = System.nanoTime();
            long[] before = committed.get(id);
            try {
                HttpResponse<String> response = call(port, "GET", path, path.contains("category=") ? "alice" : null, null);
                long micros = Math.max(1, (System.nanoTime() - started) / 1_000);
                current.latency.recordValue(micros);
                current.slowest.merge(path.replaceAll("\\d+", "N"), micros / 1_000, Math::max);
                current.requests.incrementAndGet();
                if (response.statusCode() >= 500) {
                    current.serverErrors.incrementAndGet();
                } else if (response.statusCode() == 200) {
                    current.served.incrementAndGet();
                }
                if (path.startsWith("/api/products/") && response.statusCode() == 200 && before != null
                        && started - Math.max(before[1], recoveredAt) > STALENESS_BOUND.toNanos()) {
                    Matcher price = PRICE.matcher(response.body());
                    if (price.find() && Long.parseLong(price.group(1)) < before[0]) {
                        current.wrong.incrementAndGet();
                    }
                }
            } catch (Exception e) {
                current.failedCalls.incrementAndGet();
            }
        }

        private void write(int port) {
            // Counted in the window it began in, as reads are: a write begun during a fault belongs to it.
            Window current = window;
            int id = 1 + ThreadLocalRandom.current().nextInt(PRODUCTS);
            long version = versions.incrementAndGet();
            try {
                HttpResponse<String> response = call(port, "PATCH", "/api/products/" + id, "admin", "{\"price\":" + version + "}");
                if (response.statusCode() >= 500) {
                    current.serverErrors.incrementAndGet();
                }
                if (response.statusCode() == 200) {
                    committed.merge(id, new long[] {version, System.nanoTime()}, (old, now) -> now[0] > old[0] ? now : old);
                }
            } catch (Exception e) {
                current.failedCalls.incrementAndGet();
            }
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** A fault, made and then undone. */
    private interface Fault {
        void begin() throws Exception;

        void end() throws Exception;
    }

    @Test
    void faultsUnderLoadCostNoErrorsNoWrongAnswersAndRecoverWithinTwoSeconds() throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", redisPort); TcpProxy database = new TcpProxy("127.0.0.1", 5432)) {
            ConfigurableApplicationContext a = instance(proxy.port(), database.port(), true);
            ConfigurableApplicationContext b = instance(proxy.port(), database.port(), false);
            int[] ports = {port(a), port(b)};
            List<String> report = new ArrayList<>();
            try (Load load = new Load(ports)) {
                TimeUnit.SECONDS.sleep(3);
                load.next();
                Map<String, Fault> faults = new java.util.LinkedHashMap<>();
                faults.put("Redis stopped 10 s and started empty", fault(() -> servers.kill(redisPort),
                        () -> servers.startOn(redisPort), Duration.ofSeconds(10)));
                faults.put("Redis frozen (SIGSTOP) 3 s", fault(() -> servers.signal(redisPort, "STOP"),
                        () -> servers.signal(redisPort, "CONT"), Duration.ofSeconds(3)));
                faults.put("CLIENT PAUSE 3 s", fault(() -> RedisServers.cli("-p", String.valueOf(redisPort), "client", "pause", "3000"),
                        () -> { }, Duration.ofSeconds(3)));
                faults.put("black-holed 3 s", fault(proxy::pause, proxy::resume, Duration.ofSeconds(3)));
                faults.put("slowed to 300 ms 3 s", fault(() -> proxy.slow(Duration.ofMillis(300)), () -> proxy.slow(Duration.ZERO),
                        Duration.ofSeconds(3)));
                faults.put("connections reset, refused 2 s", fault(proxy::cut, proxy::restore, Duration.ofSeconds(2)));
                faults.put(DATABASE_DOWN, fault(database::cut, database::restore, Duration.ofSeconds(5)));
                // A soak (bench/soak) goes round the faults for as many minutes as it is given, one a minute.
                long soakMinutes = Long.getLong("faults.soak-minutes", 0);
                List<Map.Entry<String, Fault>> schedule = new ArrayList<>(faults.entrySet());
                while (schedule.size() < soakMinutes) {
                    schedule.addAll(faults.entrySet());
                }
                if (soakMinutes > 0) {
                    schedule = schedule.subList(0, (int) soakMinutes);
                }
                long soakStarted = System.nanoTime();
                for (int round = 0; round < schedule.size(); round++) {
                    Map.Entry<String, Fault> fault = schedule.get(round);
                    if (soakMinutes > 0) {
                        long due = soakStarted + TimeUnit.MINUTES.toNanos(round);
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                        load.next();
                    }
                    fault.getValue().begin();
                    Window during = load.next();
                    fault.getValue().end();
                    long recovered = System.nanoTime();
                    recoveredAt = recovered;
                    for (ConfigurableApplicationContext instance : List.of(a, b)) {
                        awaitHits(port(instance));
                        if (fault.getKey().equals(DATABASE_DOWN)) {
                            awaitDatabase(port(instance));
                        }
                    }
                    Duration back = Duration.ofNanos(System.nanoTime() - recovered);
                    Window after = load.next();
                    TimeUnit.SECONDS.sleep(2);
                    Window settled = load.next();
                    String line = String.format(Locale.ROOT,
                            "%-38s requests %,6d  served %,6d  5xx %d  wrong %d  failed calls %d  p99 %,5d ms  hits again after %,5d ms"
                                    + "  | after: requests %,6d 5xx %d wrong %d",
                            fault.getKey(), during.requests.get(), during.served.get(), during.serverErrors.get(), during.wrong.get(),
                            during.failedCalls.get(), during.latency.getValueAtPercentile(99) / 1_000, back.toMillis(),
                            after.requests.get() + settled.requests.get(), after.serverErrors.get() + settled.serverErrors.get(),
                            after.wrong.get() + settled.wrong.get());
                    line += "  slowest " + during.slowest;
                    report.add(line);
                    System.out.println(line);
                    assertThat(during.wrong.get() + after.wrong.get() + settled.wrong.get()).as(line).isZero();
                    assertThat(back).as(line).isLessThanOrEqualTo(BACK_TO_HITS);
                    if (fault.getKey().equals(DATABASE_DOWN)) {
                        // What needs the database fails; what the caches hold, stale or not, is still served.
                        assertThat(during.served.get()).as(line + ": answers from the caches").isPositive();
                        assertThat(settled.serverErrors.get()).as(line).isZero();
                        continue;
                    }
                    assertThat(during.serverErrors.get() + after.serverErrors.get() + settled.serverErrors.get()).as(line).isZero();
                    assertThat(during.failedCalls.get()).as(line).isZero();
                    assertThat(Duration.ofNanos(during.latency.getValueAtPercentile(99) * 1_000)).as(line).isLessThanOrEqualTo(P99_BOUND);
                }
            }
            assertThat(breakerOpened(a) || breakerOpened(b)).as("the breaker opened at some point").isTrue();
            assertThat(breakerState(a)).isEqualTo(CircuitBreaker.State.CLOSED);
            answersMatchTheDatabase(ports);
            redisMatchesTheDatabase(a);
            report.forEach(System.out::println);
        }
    }

    private Fault fault(Step begin, Step end, Duration lasting) {
        return new Fault() {
            @Override
            public void begin() throws Exception {
                begin.run();
                TimeUnit.MILLISECONDS.sleep(lasting.toMillis());
            }

            @Override
            public void end() throws Exception {
                end.run();
            }
        };
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Until a cached page is answered from the page cache on this instance: MISS, then HIT. */
    private void awaitHits(int port) {
        await().atMost(BACK_TO_HITS.plusSeconds(8)).pollInterval(Duration.ofMillis(20)).until(() ->
                "HIT".equals(call(port, "GET", "/api/categories", null, null).headers().firstValue("X-Cache").orElse("")));
    }

    /**
     * Waits until the instance's health, which asks the database through the connection pool, is up again: the
     * pool reconnects with a backoff of its own (up to half its 1 s connection timeout), and a request that
     * waited on it through the fault's end may still fail.
     */
    private void awaitDatabase(int port) {
        await().atMost(BACK_TO_HITS.plusSeconds(8)).pollInterval(Duration.ofMillis(20)).until(() ->
                call(port, "GET", "/actuator/health", null, null).statusCode() == 200);
    }

    private static boolean breakerOpened(ConfigurableApplicationContext instance) {
        return instance.getBean(CachetCaches.class).all().values().stream()
                .anyMatch(cache -> cache.stats().errorsByCause().containsKey("CircuitOpen"));
    }

    private static CircuitBreaker.State breakerState(ConfigurableApplicationContext instance) {
        return instance.getBean(CachetCaches.class).get("objects").stats().breaker();
    }

    /** The price of each product, as the database holds it. */
    private Map<Long, Long> databasePrices() throws Exception {
        Map<Long, Long> prices = new java.util.HashMap<>();
        try (Connection connection = DriverManager.getConnection(TestServices.DATABASE + "?currentSchema=" + SERVICES.schema, "postgres", "");
                ResultSet rows = connection.createStatement().executeQuery("SELECT id, price FROM product")) {
            while (rows.next()) {
                prices.put(rows.getLong(1), rows.getBigDecimal(2).longValue());
            }
        }
        return prices;
    }

    /**
     * Every product that Redis holds, by id in the objects cache and in the category pages and best-seller lists
     * of the queries cache, has the price the database holds: read from Redis itself, entry by entry, with the
     * caches' own options, so no first tier answers. Each instance's writes invalidated the entries in time,
     * or replayed the invalidations that failed.
     */
    private void redisMatchesTheDatabase(ConfigurableApplicationContext instance) throws Exception {
        Map<Long, Long> prices = databasePrices();
        CachetCaches caches = instance.getBean(CachetCaches.class);
        try (Store redis = RedisStore.create(RedisStoreOptions.builder().url("redis://127.0.0.1:" + redisPort).build())) {
            List<String> differing = new ArrayList<>();
            int products = 0;
            for (String alias : List.of("objects", "queries")) {
                Cache cache = Cache.create(redis, caches.get(alias).options());
                String keys = cache.makeKey("*");
                String under = keys.substring(0, keys.length() - 1);
                for (String stored : RedisServers.cli("-p", String.valueOf(redisPort), "--scan", "--pattern", keys).lines().toList()) {
                    String key = stored.substring(under.length());
                    List<Product> held = key.startsWith("product:") ? listOf(cache.get(key, Product.class))
                            : key.startsWith("products:category:") ? Optional.ofNullable(cache.get(key, ProductPage.class)).map(ProductPage::results).orElse(List.of())
                            : key.startsWith("products:best-sellers:") ? Optional.ofNullable(cache.get(key, ProductList.class)).map(ProductList::products).orElse(List.of())
                            : List.of();
                    for (Product product : held) {
                        products++;
                        if (product.price().longValue() != prices.get(product.id())) {
                            differing.add(alias + " " + key + ": product " + product.id() + " at " + product.price()
                                    + " (database: " + prices.get(product.id()) + ")");
                        }
                    }
                }
            }
            System.out.printf("Redis after recovery: %,d products in cached entries, %d differ from the database%n", products, differing.size());
            assertThat(products).as("products in Redis' entries").isPositive();
            assertThat(differing).as("entries in Redis that differ from the database after recovery").isEmpty();
        }
    }

    private static List<Product> listOf(Product product) {
        return product == null ? List.of() : List.of(product);
    }

    /** Every product, read on both instances once the load has stopped, has the price the database holds. */
    private void answersMatchTheDatabase(int[] ports) throws Exception {
        Map<Long, Long> prices = new java.util.HashMap<>(databasePrices());
        prices.keySet().removeIf(id -> id > PRODUCTS);
        await().atMost(STALENESS_BOUND.multipliedBy(3)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            List<String> differing = new ArrayList<>();
            for (int port : ports) {
                for (Map.Entry<Long, Long> product : prices.entrySet()) {
                    HttpResponse<String> response = call(port, "GET", "/api/products/" + product.getKey(), null, null);
                    Matcher price = PRICE.matcher(response.body());
                    if (response.statusCode() == 200 && (!price.find() || Long.parseLong(price.group(1)) != product.getValue())) {
                        differing.add(port + "/" + product.getKey() + ": " + response.body() + " (database: " + product.getValue() + ")");
                    }
                }
            }
            assertThat(differing).as("answers that differ from the database after recovery").isEmpty();
        });
    }

    @Test
    void anInstanceCutOffFromRedisThatWritesIsSeenByAnotherOnceItReachesRedisAgain() throws Exception {
        try (TcpProxy writersRedis = new TcpProxy("127.0.0.1", redisPort)) {
            ConfigurableApplicationContext writer = instance(writersRedis.port(), true);
            ConfigurableApplicationContext holder = instance(redisPort, false);
            int w = port(writer);
            int h = port(holder);
            String before = call(h, "GET", "/api/products/7", null, null).body();
            assertThat(call(h, "GET", "/api/products/7", null, null).headers().firstValue("X-Cache")).hasValue("HIT");

            writersRedis.cut();
            assertThat(call(w, "PATCH", "/api/products/7", "admin", "{\"price\":777}").statusCode()).isEqualTo(200);
            assertThat(call(h, "GET", "/api/products/7", null, null).body())
                    .as("the holder has heard nothing: the writer's invalidation did not reach Redis").isEqualTo(before);

            writersRedis.restore();
            long restored = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> call(h, "GET", "/api/products/7", null, null).body().contains("777"));
            System.out.printf("the holder served the new value %d ms after the writer reached Redis again%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restored));
        }
    }
}
