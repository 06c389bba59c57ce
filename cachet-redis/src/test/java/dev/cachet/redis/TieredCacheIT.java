package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.TcpProxy;
import dev.cachet.Ttl;
import dev.cachet.store.Store;
import dev.cachet.tiered.InvalidationSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several tiered instances, each with its own connections, on the shared Redis: what one instance (or any
 * other Redis client) changes leaves the first tier of every other instance.
 */
class TieredCacheIT {
    /** The bound this test holds invalidations to; they typically take well under a millisecond. */
    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(1);

    private final List<TieredInstance> instances = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void redisIsUp() {
        LocalRedis.require();
    }

    @BeforeEach
    void prefix() {
        prefix = "tiered-" + UUID.randomUUID();
    }

    @AfterEach
    void close() {
        if (!instances.isEmpty()) {
            instances.getFirst().cache().clear();
        }
        instances.forEach(instance -> instance.store().close());
    }

    private TieredInstance start(String name) {
        return start(name, LocalRedis.options().clientName(name).build());
    }

    private TieredInstance start(String name, RedisStoreOptions redis) {
        TieredInstance instance = TieredInstance.start(name, redis, prefix, Duration.ofSeconds(5));
        instances.add(instance);
        return instance;
    }

    @Test
    void aWriteOrDeleteOnOneInstanceLeavesTheFirstTierOfTheOthers() {
        TieredInstance a = start("tiered-a");
        TieredInstance b = start("tiered-b");
        TieredInstance c = start("tiered-c");

        a.cache().set("product:1", "v1");
        assertThat(b.cache().get("product:1", String.class)).isEqualTo("v1");
        assertThat(c.cache().get("product:1", String.class)).isEqualTo("v1");
        b.awaitCached("product:1");
        c.awaitCached("product:1");

        a.cache().set("product:1", "v2");
        await().atMost(PROPAGATION_BOUND).until(() -> !b.inFirstTier("product:1") && !c.inFirstTier("product:1"));
        assertThat(b.cache().get("product:1", String.class)).isEqualTo("v2");

        c.cache().delete("product:1");
        await().atMost(PROPAGATION_BOUND).until(() -> !b.inFirstTier("product:1"));
        assertThat(b.cache().get("product:1", String.class)).isNull();
    }

    @Test
    void aWriteByAnotherRedisClientIsSeenToo() throws Exception {
        TieredInstance b = start("tiered-b");
        b.cache().set("visits", 1L);
        assertThat(b.cache().get("visits", Long.class)).isEqualTo(1L);
        b.awaitCached("visits");

        RedisCli.run("SET", b.cache().makeKey("visits"), "41");
        await().atMost(PROPAGATION_BOUND).until(() -> Long.valueOf(41).equals(b.cache().get("visits", Long.class)));
    }

    @Test
    void losingTheInvalidationConnectionFlushesTheFirstTier() throws Exception {
        TieredInstance a = start("tiered-a");
        TieredInstance b = start("tiered-b");
        for (int i = 0; i < 20; i++) {
            a.cache().set("k" + i, i);
        }
        for (int i = 0; i < 20; i++) {
            b.awaitCached("k" + i);
        }

        String clientId = Arrays.stream(RedisCli.run("CLIENT", "LIST").split("\n"))
                .filter(line -> line.contains(" name=tiered-b-invalidations "))
                .map(line -> line.substring(line.indexOf("id=") + 3, line.indexOf(' ')))
                .findFirst().orElseThrow();
        RedisCli.run("CLIENT", "KILL", "ID", clientId);

        await().atMost(Duration.ofSeconds(5)).until(() -> !b.inFirstTier("k7") && !b.inFirstTier("k13"));
        // Back and tracking again: it fills, and it hears of the other instance's writes.
        b.awaitCached("k7");
        a.cache().set("k7", 700);
        await().atMost(PROPAGATION_BOUND).until(() -> Integer.valueOf(700).equals(b.cache().get("k7", Integer.class)));
    }

    @Test
    void aBlackHoledRedisStopsTheFirstTierWithinASecondNotAtKeepalive() throws Exception {
        try (TcpProxy proxy = new TcpProxy(LocalRedis.HOST, LocalRedis.PORT)) {
            TieredInstance a = start("tiered-a");
            TieredInstance b = start("tiered-b", LocalRedis.options().url("redis://127.0.0.1:" + proxy.port()).clientName("tiered-b")
                    .commandTimeout(RedisStoreOptions.DEFAULT_COMMAND_TIMEOUT).build());
            a.cache().set("product:1", "v1");
            b.awaitCached("product:1");

            // Nothing arrives and nothing is refused: only an unanswered PING tells.
            proxy.pause();
            a.cache().set("product:1", "v2");
            await().atMost(Duration.ofMillis(1_500)).until(() -> !"v1".equals(b.cache().get("product:1", String.class)));
            assertThat(b.inFirstTier("product:1")).isFalse();

            proxy.resume();
            await().atMost(Duration.ofSeconds(5)).until(() -> "v2".equals(b.cache().get("product:1", String.class)));
            b.awaitCached("product:1");
        }
    }

    @Test
    void aTagInvalidatedAnywhereEmptiesItFromEveryFirstTier() throws Exception {
        TieredInstance a = start("tiered-a");
        TieredInstance b = start("tiered-b");
        String tag = prefix + "-category";
        try {
            a.cache().set("p1", "v1", Ttl.ofMinutes(5), List.of(tag));
            b.awaitCached("p1");
            assertThat(b.cache().get("p1", String.class)).isEqualTo("v1");

            a.cache().invalidateTags(tag);
            // B's first tier holds the copy still, but its stamp is no longer current there.
            await().atMost(PROPAGATION_BOUND).until(() -> b.store().firstTier().get(b.cache().makeKey("p1")).join() == null);
            assertThat(b.cache().get("p1", String.class)).isNull();

            // Another Redis client ends the tag's version: the same.
            a.cache().set("p1", "v2", Ttl.ofMinutes(5), List.of(tag));
            b.awaitCached("p1");
            assertThat(b.cache().get("p1", String.class)).isEqualTo("v2");
            RedisCli.run("UNLINK", "cachet-tag:" + tag);
            await().atMost(PROPAGATION_BOUND).until(() -> b.store().firstTier().get(b.cache().makeKey("p1")).join() == null);
            assertThat(b.cache().get("p1", String.class)).isNull();
        } finally {
            a.cache().invalidateTags(tag);
        }
    }

    @Test
    void invalidationsArriveWellWithinTheBound() {
        TieredInstance a = start("tiered-a");
        TieredInstance b = start("tiered-b");
        int rounds = 200;
        long[] nanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            a.cache().set("hot", i);
            assertThat(b.cache().get("hot", Integer.class)).isEqualTo(i);
            b.awaitCached("hot");
            long start = System.nanoTime();
            a.cache().set("hot", i + 1);
            while (b.inFirstTier("hot")) {
                assertThat(System.nanoTime() - start).isLessThan(PROPAGATION_BOUND.toNanos());
                Thread.onSpinWait();
            }
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf("invalidation propagation over %d writes: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", rounds,
                nanos[rounds / 2] / 1e6, nanos[rounds * 99 / 100] / 1e6, nanos[rounds - 1] / 1e6);
        assertThat(nanos[rounds - 1]).isLessThan(PROPAGATION_BOUND.toNanos());
    }
    @Test
    void invalidationSourcesShareTheirThreadsAndTheLastToCloseStopsThem() {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        List<RedisInvalidations> sources = new ArrayList<>();
        List<String> reported = new CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                RedisInvalidations source = RedisInvalidations.create(LocalRedis.options().build(), prefix + "-" + i + ":");
                sources.add(source);
                source.start(new InvalidationSource.Listener() {
                    @Override
                    public void invalidate(Collection<String> keys) {
                        reported.addAll(keys);
                    }

                    @Override
                    public void invalidateTags(Collection<String> tags) {
                    }

                    @Override
                    public void flushAll() {
                    }
                });
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> sources.stream().allMatch(RedisInvalidations::isLive));
            List<Thread> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> !before.contains(thread) && thread.getName().startsWith("lettuce-")).toList();
            Set<String> loops = started.stream().map(Thread::getName).filter(name -> name.contains("EventLoop"))
                    .map(name -> name.substring(0, name.lastIndexOf('-'))).collect(Collectors.toSet());
            assertThat(loops).as("the event loop groups that four sources started").hasSizeLessThanOrEqualTo(1);

            sources.subList(0, 3).forEach(RedisInvalidations::close);
            try (Store writer = RedisStore.create(LocalRedis.options().build())) {
                String key = prefix + "-3:k";
                writer.set(key, new byte[] {1}, 60_000).join();
                await().atMost(PROPAGATION_BOUND).until(() -> reported.contains(key));
                writer.delete(key).join();
            }
            sources.get(3).close();
            // Threads of resources that another source of this process already held stay with it.
            if (!loops.isEmpty() && before.stream().noneMatch(thread -> thread.getName().startsWith(loops.iterator().next() + "-"))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Thread::isAlive));
            }
        } finally {
            sources.forEach(RedisInvalidations::close);
        }
    }
}
