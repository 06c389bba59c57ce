package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.Cache;
import dev.cachet.CacheOptions;
import dev.cachet.ComputeOptions;
import dev.cachet.store.Store;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three tiered instances on a Redis Cluster of three masters and three replicas that the test starts itself:
 * they see each other's writes and tag invalidations whatever master holds the key or the tag, and a manual
 * failover or a killed master, while all three read and write, leaves no instance serving a value other than
 * the one Redis holds, with first-tier hits back within 2 s of the new master's election.
 */
// The failovers last: a view of the topology can lag behind an election for a while, and the tests before
// them count what a stable cluster costs.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TieredClusterIT {
    private static final Duration PROPAGATION_BOUND = Duration.ofSeconds(1);
    private static final Duration BACK_IN_FIRST_TIER = Duration.ofSeconds(2);
    private static final int KEYS = 60;

    private static RedisServers servers;
    private static List<Integer> ports;

    private final List<TieredInstance> instances = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void startCluster() throws Exception {
        servers = new RedisServers();
        ports = servers.startCluster(3, 1);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @BeforeEach
    void prefix() {
        prefix = "tiered-cluster-" + UUID.randomUUID();
    }

    @AfterEach
    void close() {
        instances.forEach(instance -> instance.store().close());
    }

    /** A port of a node that is up: the test may have killed others. */
    private static int livePort() throws Exception {
        for (int port : ports) {
            try {
                if (RedisServers.cli("-p", String.valueOf(port), "ping").equals("PONG")) {
                    return port;
                }
            } catch (Exception down) {
                // next one
            }
        }
        throw new IllegalStateException("no node of the test's cluster answers");
    }

    private TieredInstance start(String name) throws Exception {
        TieredInstance instance = TieredInstance.start(name, TieredClusterContractIT.options(livePort(), name), prefix, Duration.ofSeconds(10));
        instances.add(instance);
        return instance;
    }

    @Test
    @Order(1)
    void instancesSeeEachOthersWritesAndTagInvalidationsOnEveryMaster() throws Exception {
        TieredInstance a = start("tiered-a");
        TieredInstance b = start("tiered-b");
        TieredInstance c = start("tiered-c");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            keys.add("product:" + i);
        }
        assertThat(keys.stream().map(key -> SlotHash.getSlot(a.cache().makeKey(key)) * 3 / SlotHash.SLOT_COUNT).distinct())
                .as("keys on every master").hasSize(3);

        for (String key : keys) {
            a.cache().set(key, key + "-v1");
            b.awaitCached(key);
            c.awaitCached(key);
        }
        for (String key : keys) {
            a.cache().set(key, key + "-v2");
        }
        await().atMost(PROPAGATION_BOUND).until(() -> keys.stream().noneMatch(key -> b.inFirstTier(key) || c.inFirstTier(key)));
        for (String key : keys) {
            assertThat(b.cache().get(key, String.class)).isEqualTo(key + "-v2");
            assertThat(c.cache().get(key, String.class)).isEqualTo(key + "-v2");
        }

        // Tag keys hash to other masters than the values they stamp.
        ComputeOptions tagged = ComputeOptions.builder().tags("category:7").build();
        for (String key : keys.subList(0, 10)) {
            assertThat(b.cache().getOrCompute("page:" + key, String.class, tagged, () -> "old")).isEqualTo("old");
            b.awaitCached("page:" + key);
        }
        a.cache().invalidateTags("category:7");
        await().atMost(PROPAGATION_BOUND).until(() -> keys.subList(0, 10).stream()
                .allMatch(key -> b.store().firstTier().get(b.cache().makeKey("page:" + key)).join() == null));
        for (String key : keys.subList(0, 10)) {
            assertThat(b.cache().getOrCompute("page:" + key, String.class, tagged, () -> "new")).isEqualTo("new");
        }
    }

    @Test
    @Order(2)
    void aTrackingConnectionThatDropsCostsOnlyTheKeysOfItsMaster() throws Exception {
        TieredInstance a = start("tiered-a");
        List<String> keys = new ArrayList<>();
        long reported = a.store().invalidationsReceived();
        for (int i = 0; i < 30; i++) {
            keys.add("product:" + i);
            a.cache().set("product:" + i, "v" + i);
        }
        // The writes' own invalidations come back on the tracking connections, in their own time: once they
        // are in, nothing but the fault below takes a key out of the first tier.
        await().atMost(PROPAGATION_BOUND).until(() -> a.store().invalidationsReceived() >= reported + keys.size());
        keys.forEach(a::awaitCached);
        int victim = ClusterNodes.masterOf(livePort(), SlotHash.getSlot(a.cache().makeKey(keys.getFirst())));
        List<String> onVictim = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        for (String key : keys) {
            (ClusterNodes.masterOf(victim, SlotHash.getSlot(a.cache().makeKey(key))) == victim ? onVictim : elsewhere).add(key);
        }
        assertThat(elsewhere).as("keys on the other masters").isNotEmpty();

        String tracking = RedisServers.cli("-p", String.valueOf(victim), "client", "list").lines()
                // The tracking connection, not the one that reads the topology under the same name.
                .filter(line -> line.contains(" name=tiered-a-invalidations ") && line.matches(".* flags=[A-Za-z]*t[A-Za-z]* .*"))
                .map(line -> line.replaceAll("^id=(\\d+) .*", "$1"))
                .findFirst().orElseThrow(() -> new AssertionError("no tracking connection of tiered-a on " + victim));
        assertThat(RedisServers.cli("-p", String.valueOf(victim), "client", "kill", "id", tracking)).isEqualTo("1");

        await().atMost(PROPAGATION_BOUND).until(() -> onVictim.stream().noneMatch(a::inFirstTier));
        assertThat(elsewhere).as("still in the first tier").allMatch(a::inFirstTier);
        long hits = a.store().firstTierHits();
        for (String key : elsewhere) {
            assertThat(a.cache().get(key, String.class)).isEqualTo("v" + key.substring("product:".length()));
        }
        assertThat(a.store().firstTierHits()).as("served by the first tier").isEqualTo(hits + elsewhere.size());
        // Once tracking is on again there, its keys are kept again.
        for (String key : onVictim) {
            a.awaitCached(key);
        }
    }

    @Test
    @Order(3)
    void aManualFailoverUnderLoadLeavesNoInstanceServingAnotherValueThanRedis() throws Exception {
        failoverUnderLoad(false);
    }

    @Test
    @Order(4)
    void aKilledMasterUnderLoadLeavesNoInstanceServingAnotherValueThanRedis() throws Exception {
        failoverUnderLoad(true);
    }

    /**
     * Three instances read and write {@value #KEYS} keys spread over every master while a master is failed over
     * ({@code CLUSTER FAILOVER} on its replica) or killed. Afterwards every instance must answer what Redis
     * holds for every key, and read from its first tier again within {@link #BACK_IN_FIRST_TIER} of the election.
     */
    private void failoverUnderLoad(boolean kill) throws Exception {
        List<TieredInstance> three = List.of(start("tiered-a"), start("tiered-b"), start("tiered-c"));
        Map<String, Long> written = new ConcurrentHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            three.getFirst().cache().set("k" + i, 0L);
            written.put("k" + i, 0L);
        }
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        ExecutorService load = Executors.newFixedThreadPool(6);
        List<Future<?>> clients = new ArrayList<>();
        for (TieredInstance instance : three) {
            clients.add(load.submit(() -> {
                while (running.get()) {
                    int key = ThreadLocalRandom.current().nextInt(KEYS);
                    instance.cache().get("k" + key, Long.class);
                    reads.incrementAndGet();
                }
            }));
            clients.add(load.submit(() -> {
                while (running.get()) {
                    String key = "k" + ThreadLocalRandom.current().nextInt(KEYS);
                    long value = writes.incrementAndGet();
                    instance.cache().set(key, value);
                    TimeUnit.MILLISECONDS.sleep(2);
                }
                return null;
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> reads.get() > 1_000 && writes.get() > 100);
            int[] pair = ClusterNodes.masterWithReplica(livePort());
            int masterPort = pair[0];
            int replicaPort = pair[1];
            if (kill) {
                servers.kill(masterPort);
            } else {
                assertThat(RedisServers.cli("-p", String.valueOf(replicaPort), "cluster", "failover")).isEqualTo("OK");
            }
            RedisServers.await("the replica on " + replicaPort + " elected master", Duration.ofSeconds(20),
                    () -> RedisServers.cli("-p", String.valueOf(replicaPort), "role").startsWith("master"));
            long elected = System.nanoTime();
            RedisServers.await("cluster state ok after the failover", Duration.ofSeconds(20),
                    () -> RedisServers.cli("-p", String.valueOf(replicaPort), "cluster", "info").contains("cluster_state:ok"));

            // Reads of a key each instance holds must come from the first tier again.
            three.getFirst().cache().set("after", "elected");
            for (TieredInstance instance : three) {
                long hits = instance.store().firstTierHits();
                await().atMost(BACK_IN_FIRST_TIER.plusSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
                    instance.cache().get("after", String.class);
                    return instance.store().firstTierHits() > hits + 1;
                });
            }
            Duration back = Duration.ofNanos(System.nanoTime() - elected);
            System.out.printf("%s: first-tier hits on all three instances %d ms after the election (%,d reads, %,d writes)%n",
                    kill ? "killed master" : "manual failover", back.toMillis(), reads.get(), writes.get());
            assertThat(back).as("first-tier hits back after the election").isLessThanOrEqualTo(BACK_IN_FIRST_TIER);
        } finally {
            running.set(false);
            for (Future<?> client : clients) {
                client.get(30, TimeUnit.SECONDS);
            }
            load.shutdown();
        }

        // Every instance answers what Redis holds now, key by key: a first-tier copy that missed its
        // invalidation during the failover would differ. The last writes' invalidations are given the
        // bound they are held to everywhere.
        try (Store redis = RedisStore.create(TieredClusterContractIT.options(livePort(), "checker"))) {
            Cache truth = Cache.create(redis, CacheOptions.builder().keyPrefix(prefix).build());
            AtomicLong wrong = new AtomicLong();
            await().atMost(PROPAGATION_BOUND).pollInterval(Duration.ofMillis(100)).until(() -> {
                wrong.set(0);
                for (int i = 0; i < KEYS; i++) {
                    Long held = truth.get("k" + i, Long.class);
                    for (TieredInstance instance : three) {
                        if (!Objects.equals(held, instance.cache().get("k" + i, Long.class))) {
                            wrong.incrementAndGet();
                        }
                    }
                }
                return wrong.get() == 0;
            });
            System.out.printf("%s: %d answers of %d differ from Redis%n", kill ? "killed master" : "manual failover", wrong.get(),
                    3 * KEYS);
        }
    }
}
