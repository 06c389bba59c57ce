package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachet.AsyncCache;
import dev.cachet.Cache;
import dev.cachet.CacheBackendException;
import dev.cachet.CacheOptions;
import dev.cachet.TcpProxy;
import dev.cachet.Ttl;
import dev.cachet.resilience.CircuitBreaker;
import dev.cachet.resilience.ResilienceOptions;
import dev.cachet.store.Store;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Memcached outages made real: a port where nothing listens, a memcached process of the test's own that is
 * killed and started again, and the shared memcached behind a proxy that is cut or frozen in the middle of
 * a run. The store runs with its production defaults (150 ms deadline, breaker opening after 5 failures for
 * 1 s, reconnection backing off to at most 500 ms).
 */
class MemcachedFailureIT {
    /** Far below one command deadline per call: proof that an open breaker does not wait on memcached. */
    private static final Duration OPEN_BREAKER_BUDGET_FOR_200_CALLS = Duration.ofSeconds(1);
    /** A command deadline, and some room for a busy machine. */
    private static final Duration ONE_DEADLINE = MemcachedStoreOptions.DEFAULT_COMMAND_TIMEOUT.plusMillis(250);
    /** What every fail-soft operation together may take while memcached is away: each fails at once or at its deadline. */
    private static final Duration FAIL_SOFT_BUDGET = Duration.ofSeconds(3);
    /** How soon the cache must work again after memcached comes back. */
    private static final Duration RECOVERY = Duration.ofSeconds(2);

    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void memcachedIsUp() {
        LocalMemcached.require();
    }

    @BeforeEach
    void prefix() {
        prefix = "failure-" + UUID.randomUUID();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeLater.reversed()) {
            closeable.close();
        }
    }

    private Cache cacheOn(String url, boolean failSoft) {
        Store store = MemcachedStore.create(MemcachedStoreOptions.builder().url(url).build());
        closeLater.add(store);
        return Cache.create(store, CacheOptions.builder().keyPrefix(prefix)
                .resilience(ResilienceOptions.builder().failSoft(failSoft).build()).build());
    }

    private TcpProxy proxy() throws IOException {
        TcpProxy proxy = new TcpProxy(LocalMemcached.HOST, LocalMemcached.PORT);
        closeLater.add(proxy);
        return proxy;
    }

    private static String urlOf(TcpProxy proxy) {
        return "memcached://127.0.0.1:" + proxy.port();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Every operation, asserting the fail-soft answer of each: a read or a write within one deadline, all within the budget. */
    private static void everyOperationFailsSoft(Cache cache) {
        assertThat(timeOf(() -> assertThat(cache.get("k", String.class)).isNull())).isLessThan(ONE_DEADLINE);
        assertThat(timeOf(() -> assertThat(cache.set("k", "v")).isFalse())).isLessThan(ONE_DEADLINE);
        Duration elapsed = timeOf(() -> {
            assertThat(cache.get("k", String.class)).isNull();
            assertThat(cache.get("k", String.class, "default")).isEqualTo("default");
            assertThat(cache.set("k", "v")).isFalse();
            assertThat(cache.add("k", "v")).isFalse();
            assertThat(cache.getMany(List.of("a", "b"), String.class)).isEmpty();
            assertThat(cache.setMany(Map.of("a", "1", "b", "2"))).containsExactlyInAnyOrder("a", "b");
            assertThat(cache.delete("k")).isFalse();
            assertThat(cache.deleteMany(List.of("a", "b"))).isZero();
            assertThat(cache.incr("n")).isEqualTo(OptionalLong.empty());
            assertThat(cache.touch("k", Ttl.ofMinutes(1))).isFalse();
            assertThat(cache.contains("k")).isFalse();
            assertThat(cache.clear()).isZero();
            assertThat(cache.incrVersion("k")).isEqualTo(OptionalInt.empty());
            assertThat(cache.getOrCompute("k", String.class, () -> "from the database")).isEqualTo("from the database");
            assertThat(cache.async().get("k", String.class).join()).isNull();
        });
        assertThat(elapsed).isLessThan(FAIL_SOFT_BUDGET);
    }

    /** What a miss costs a service: a database query of about a millisecond. */
    private static String queryTheDatabase() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        return "row";
    }

    private static Duration timeOf(Runnable calls) {
        long start = System.nanoTime();
        calls.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void openBreakerCallsCostMicroseconds(Cache cache) {
        assertThat(cache.stats().breaker()).isEqualTo(CircuitBreaker.State.OPEN);
        Duration elapsed = timeOf(() -> {
            for (int i = 0; i < 100; i++) {
                cache.get("k" + i, String.class);
                cache.set("k" + i, "v");
            }
        });
        assertThat(elapsed).isLessThan(OPEN_BREAKER_BUDGET_FOR_200_CALLS);
        assertThat(cache.stats().errorsByCause()).containsKey("CircuitOpen");
    }

    private static void awaitWorkingAgain(Cache cache) {
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(20)).until(() ->
                cache.set("back", "again") && "again".equals(cache.get("back", String.class)));
        assertThat(cache.stats().breaker()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aStoreWhereNothingListensIsCreatedAndMissesWithoutThrowing() throws IOException {
        String url = "memcached://127.0.0.1:" + freePort();
        Duration creation = timeOf(() -> cacheOn(url, true));
        assertThat(creation).isLessThan(MemcachedStoreOptions.DEFAULT_CONNECT_TIMEOUT.plusSeconds(1));
        Cache cache = cacheOn(url, true);
        everyOperationFailsSoft(cache);
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            cache.get("k", String.class);
            return cache.stats().breaker() == CircuitBreaker.State.OPEN;
        });
        openBreakerCallsCostMicroseconds(cache);
        assertThat(cache.stats().misses()).isPositive();
    }

    @Test
    void strictModeThrowsTheBackendFailure() throws IOException {
        Cache cache = cacheOn("memcached://127.0.0.1:" + freePort(), false);
        assertThatThrownBy(() -> cache.get("k", String.class))
                .isInstanceOf(CacheBackendException.class).hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> cache.incr("n")).isInstanceOf(CacheBackendException.class);
        assertThatThrownBy(() -> cache.async().set("k", "v", Ttl.DEFAULT).join()).hasCauseInstanceOf(CacheBackendException.class);
    }

    @Test
    void aServerThatIsKilledAndStartedAgainIsUsedAgainByItself() throws Exception {
        MemcachedServer server = new MemcachedServer();
        closeLater.add(server);
        Cache cache = cacheOn(server.url(), true);
        assertThat(cache.set("k", "v")).isTrue();
        assertThat(cache.get("k", String.class)).isEqualTo("v");

        server.stop();
        everyOperationFailsSoft(cache);

        server.start();
        awaitWorkingAgain(cache);
        assertThat(cache.get("k", String.class)).as("a restarted memcached holds nothing").isNull();
    }

    @Test
    void memcachedGoingAwayUnderLoadCostsHitRatioNotAvailability() throws Exception {
        TcpProxy proxy = proxy();
        Cache cache = cacheOn(urlOf(proxy), true);
        assertThat(cache.set("k", "v")).isTrue();

        Queue<Throwable> leaked = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < 20; t++) {
            int id = t;
            load.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; running.get(); i++) {
                    try {
                        String key = "load-" + id + "-" + (i % 50);
                        cache.getOrCompute(key, String.class, Ttl.ofMinutes(1), MemcachedFailureIT::queryTheDatabase);
                        cache.set(key, "row");
                        cache.incr("missing-" + id).ifPresent(n -> leaked.add(new AssertionError("incr of a missing key")));
                    } catch (NoSuchElementException expectedWhileMemcachedIsUp) {
                        // incr on a missing key is a caller error while memcached answers, as in Django.
                    } catch (Throwable e) {
                        leaked.add(e);
                    }
                }
            }));
        }

        try {
            proxy.cut();
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.stats().breaker() == CircuitBreaker.State.OPEN);
            everyOperationFailsSoft(cache);
            openBreakerCallsCostMicroseconds(cache);

            proxy.restore();
            awaitWorkingAgain(cache);
        } finally {
            running.set(false);
            for (Thread thread : load) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
        assertThat(leaked).isEmpty();
        assertThat(cache.get("back", String.class)).isEqualTo("again");
    }

    @Test
    void aFrozenServerCostsOneDeadlinePerProbeThenRecovers() throws Exception {
        TcpProxy proxy = proxy();
        Cache cache = cacheOn(urlOf(proxy), true);
        assertThat(cache.set("k", "v")).isTrue();

        proxy.pause();
        Duration oneRead = timeOf(() -> assertThat(cache.get("k", String.class)).isNull());
        assertThat(oneRead).isBetween(MemcachedStoreOptions.DEFAULT_COMMAND_TIMEOUT, Duration.ofSeconds(1));
        Duration untilOpen = timeOf(() -> {
            while (cache.stats().breaker() != CircuitBreaker.State.OPEN) {
                assertThat(cache.get("k", String.class)).isNull();
            }
        });
        assertThat(cache.stats().errorsByCause()).containsKey("Timeout");
        assertThat(untilOpen).isLessThan(Duration.ofSeconds(5));
        openBreakerCallsCostMicroseconds(cache);

        proxy.resume();
        awaitWorkingAgain(cache);
        assertThat(cache.get("k", String.class)).isEqualTo("v");
    }

    @Test
    void asyncWritesAreRefusedNotQueuedWhenMemcachedCannotKeepUp() throws Exception {
        TcpProxy proxy = proxy();
        Store store = MemcachedStore.create(MemcachedStoreOptions.builder().url(urlOf(proxy))
                .requestQueueSize(100).commandTimeout(Duration.ofSeconds(5)).build());
        closeLater.add(store);
        AsyncCache cache = Cache.create(store, CacheOptions.builder().keyPrefix(prefix).build()).async();
        assertThat(cache.set("first", "v", Ttl.ofMinutes(1)).join()).isTrue();

        proxy.pause();
        List<CompletableFuture<Boolean>> writes = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            writes.add(cache.set("burst-" + i, "v", Ttl.ofMinutes(1)));
        }
        long waiting = writes.stream().filter(w -> !w.isDone()).count();
        long refused = writes.stream().filter(w -> w.isDone() && !w.join()).count();
        assertThat(waiting).isLessThanOrEqualTo(100);
        assertThat(refused).isGreaterThanOrEqualTo(4_900);

        assertThat(cache.sync().stats().breaker()).as("refusing is self-protection, not an outage").isEqualTo(CircuitBreaker.State.CLOSED);

        proxy.resume();
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(writes.stream().filter(CompletableFuture::join).count()).isEqualTo(waiting);

        Map<String, Object> many = new LinkedHashMap<>();
        for (int i = 0; i < 5_000; i++) {
            many.put("many-" + i, i);
        }
        assertThat(cache.setMany(many, Ttl.ofMinutes(1)).join()).as("a large setMany is one request, not refused by its size").isEmpty();
        assertThat(cache.sync().getMany(List.of("many-0", "many-4999"), Integer.class)).hasSize(2);
    }
}
