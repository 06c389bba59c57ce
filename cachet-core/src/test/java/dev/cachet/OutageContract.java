package dev.cachet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cachet.resilience.CircuitBreaker;
import dev.cachet.resilience.ResilienceOptions;
import dev.cachet.store.Store;
import java.io.IOException;
import java.net.InetSocketAddress;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outages made real, for any store whose test extends this: a port where nothing listens, and the shared
 * server behind a {@link TcpProxy} that is cut or frozen in the middle of a run. The store runs with its
 * production defaults (its command deadline, a breaker opening after 5 failures for 1 s, reconnection
 * backing off to at most 500 ms).
 */
public abstract class OutageContract {
    /** Far below one command deadline per call: proof that an open breaker does not wait on the server. */
    private static final Duration OPEN_BREAKER_BUDGET_FOR_200_CALLS = Duration.ofSeconds(1);
    /** What every fail-soft operation together may take while the server is away: each fails at once or at its deadline. */
    private static final Duration FAIL_SOFT_BUDGET = Duration.ofSeconds(3);
    /** How soon the cache must work again after the server comes back. */
    private static final Duration RECOVERY = Duration.ofSeconds(2);

    protected final List<AutoCloseable> closeLater = new ArrayList<>();
    protected String prefix;

    /** A store on the server at {@code host:port}, with the store's production defaults. */
    protected abstract Store newStore(String host, int port);

    /** A store on {@code host:port} that lets at most 100 requests be in flight, each with a 5 s deadline. */
    protected abstract Store newStoreAllowing100InFlight(String host, int port);

    /** The shared server every development and CI machine runs. */
    protected abstract InetSocketAddress sharedServer();

    /** The store's default command deadline. */
    protected abstract Duration commandTimeout();

    /** What {@link CacheStats#errorsByCause()} counts a call that missed its deadline under. */
    protected abstract String timeoutCause();

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

    /** A cache over a new store on {@code host:port}, closed after the test. */
    protected Cache cacheOn(String host, int port, boolean failSoft) {
        return cacheOver(newStore(host, port), failSoft);
    }

    private Cache cacheOver(Store store, boolean failSoft) {
        closeLater.add(store);
        return Cache.create(store, CacheOptions.builder().keyPrefix(prefix)
                .resilience(ResilienceOptions.builder().failSoft(failSoft).build()).build());
    }

    private TcpProxy proxy() throws IOException {
        TcpProxy proxy = new TcpProxy(sharedServer().getHostString(), sharedServer().getPort());
        closeLater.add(proxy);
        return proxy;
    }

    private Cache cacheBehind(TcpProxy proxy) {
        return cacheOn("127.0.0.1", proxy.port(), true);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** One command deadline, and some room for a busy machine. */
    private Duration oneDeadline() {
        return commandTimeout().plusMillis(250);
    }

    /**
     * Every operation, asserting the fail-soft answer of each: a read or a write within one deadline, all within
     * the budget.
     */
    protected void everyOperationFailsSoft(Cache cache) {
        assertThat(timeOf(() -> assertThat(cache.get("k", String.class)).isNull())).isLessThan(oneDeadline());
        assertThat(timeOf(() -> assertThat(cache.set("k", "v")).isFalse())).isLessThan(oneDeadline());
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

    protected static Duration timeOf(Runnable calls) {
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

    protected static void awaitWorkingAgain(Cache cache) {
        await().atMost(RECOVERY).pollInterval(Duration.ofMillis(20)).until(() ->
                cache.set("back", "again") && "again".equals(cache.get("back", String.class)));
        assertThat(cache.stats().breaker()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void aStoreWhereNothingListensIsCreatedAndMissesWithoutThrowing() throws IOException {
        int port = freePort();
        Duration creation = timeOf(() -> cacheOn("127.0.0.1", port, true));
        assertThat(creation).as("creating a store does not wait for a server that is down").isLessThan(Duration.ofSeconds(2));
        Cache cache = cacheOn("127.0.0.1", port, true);
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
        Cache cache = cacheOn("127.0.0.1", freePort(), false);
        assertThatThrownBy(() -> cache.get("k", String.class))
                .isInstanceOf(CacheBackendException.class).hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> cache.incr("n")).isInstanceOf(CacheBackendException.class);
        assertThatThrownBy(() -> cache.async().set("k", "v", Ttl.DEFAULT).join()).hasCauseInstanceOf(CacheBackendException.class);
    }

    @Test
    void theServerGoingAwayUnderLoadCostsHitRatioNotAvailability() throws Exception {
        TcpProxy proxy = proxy();
        Cache cache = cacheBehind(proxy);
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
                        cache.getOrCompute(key, String.class, Ttl.ofMinutes(1), OutageContract::queryTheDatabase);
                        cache.set(key, "row");
                        cache.incr("missing-" + id).ifPresent(n -> leaked.add(new AssertionError("incr of a missing key")));
                    } catch (NoSuchElementException expectedWhileTheServerIsUp) {
                        // incr on a missing key is a caller error while the server answers, as in Django.
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
        // A write of the load that failed as the server went may be replayed after the check above, taking its
        // key out (a miss, as designed): once nothing waits, the cache answers as before the outage.
        await().atMost(RECOVERY).until(() -> cache.stats().pendingInvalidations() == 0);
        assertThat(cache.set("back", "again")).isTrue();
        assertThat(cache.get("back", String.class)).isEqualTo("again");
    }

    @Test
    void aFrozenServerCostsOneDeadlinePerProbeThenRecovers() throws Exception {
        TcpProxy proxy = proxy();
        Cache cache = cacheBehind(proxy);
        assertThat(cache.set("k", "v")).isTrue();

        proxy.pause();
        Duration oneRead = timeOf(() -> assertThat(cache.get("k", String.class)).isNull());
        assertThat(oneRead).isBetween(commandTimeout(), Duration.ofSeconds(1));
        Duration untilOpen = timeOf(() -> {
            while (cache.stats().breaker() != CircuitBreaker.State.OPEN) {
                assertThat(cache.get("k", String.class)).isNull();
            }
        });
        assertThat(cache.stats().errorsByCause()).containsKey(timeoutCause());
        assertThat(untilOpen).isLessThan(Duration.ofSeconds(5));
        openBreakerCallsCostMicroseconds(cache);

        proxy.resume();
        awaitWorkingAgain(cache);
        assertThat(cache.get("k", String.class)).isEqualTo("v");
    }

    @Test
    void whatFailedToBeInvalidatedWhileTheServerWasCutIsTakenOutWhenItAnswersAgain() throws Exception {
        TcpProxy proxy = proxy();
        Cache writer = cacheBehind(proxy);
        // Another instance, which never lost the server: it reads whatever the server holds.
        Cache reader = cacheOn(sharedServer().getHostString(), sharedServer().getPort(), true);
        String tag = prefix + ":product:1";
        assertThat(writer.set("deleted", "old")).isTrue();
        assertThat(writer.set("rewritten", "old")).isTrue();
        assertThat(writer.set("tagged", "old", Ttl.ofMinutes(5), List.of(tag))).isTrue();
        assertThat(reader.get("tagged", String.class)).isEqualTo("old");

        proxy.cut();
        assertThat(writer.delete("deleted")).isFalse();
        assertThat(writer.set("rewritten", "new")).isFalse();
        assertThat(writer.invalidateTags(List.of(tag))).isFalse();
        assertThat(writer.stats().pendingInvalidations()).isEqualTo(3);
        assertThat(reader.getMany(List.of("deleted", "rewritten", "tagged"), String.class))
                .as("the server itself still holds the old values").hasSize(3);

        proxy.restore();
        // The writer gets no more calls: its background replay must do it, within a probe interval or two.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> reader.getMany(List.of("deleted", "rewritten", "tagged"), String.class).isEmpty());
        // The writer counts the replay done once its replies are in, which may be a moment after the reader sees it.
        await().atMost(Duration.ofSeconds(1)).until(() -> writer.stats().pendingInvalidations() == 0);
        assertThat(writer.get("rewritten", String.class)).isNull();
    }

    @Test
    void asyncWritesAreRefusedNotQueuedWhenTheServerCannotKeepUp() throws Exception {
        TcpProxy proxy = proxy();
        Store store = newStoreAllowing100InFlight("127.0.0.1", proxy.port());
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
        assertThat(cache.setMany(many, Ttl.ofMinutes(1)).join()).as("a large setMany is not refused by its own size").isEmpty();
        assertThat(cache.sync().getMany(List.of("many-0", "many-4999"), Integer.class)).hasSize(2);
        cache.clear().join();
    }
}
