package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cachet.CacheContract;
import dev.cachet.local.LocalStore;
import dev.cachet.store.Store;
import dev.cachet.tiered.InvalidationSource;
import dev.cachet.tiered.TieredOptions;
import dev.cachet.tiered.TieredStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract suite against the tiered store on a Redis Cluster of three masters, each with a replica, that
 * the test starts itself: the first tier is kept coherent by one tracking connection per master.
 */
class TieredClusterContractIT extends CacheContract {
    private static RedisServers servers;
    private static List<Integer> ports;

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

    static RedisStoreOptions options(int port, String clientName) {
        return RedisStoreOptions.builder().url("redis://127.0.0.1:" + port).cluster(true).clientName(clientName)
                .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @Override
    protected Store newStore() {
        RedisStoreOptions redis = options(ports.getFirst(), "cachet");
        return TieredStore.create(LocalStore.create(), RedisStore.create(redis), RedisInvalidations.create(redis, prefix + ":"),
                TieredOptions.DEFAULTS);
    }

    @Override
    protected void passTime(Duration duration) {
        // Both tiers keep real time here; the contract waits for the expiry to be observed.
    }

    @Test
    void everyMasterIsTrackedAndNoReplica() throws Exception {
        try (RedisInvalidations source = RedisInvalidations.create(options(ports.getLast(), "cachet"), prefix + ":")) {
            source.start(new InvalidationSource.Listener() {
                @Override
                public void invalidate(Collection<String> keys) {
                }

                @Override
                public void invalidateTags(Collection<String> tags) {
                }

                @Override
                public void flushAll() {
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(source::isLive);
            assertThat(source.trackedNodes()).containsExactlyInAnyOrderElementsOf(ClusterNodes.masters(ports.getFirst()));
        }
    }
}
