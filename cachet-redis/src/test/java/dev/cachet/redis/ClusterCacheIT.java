package dev.cachet.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.CacheContract;
import dev.cachet.store.Store;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract suite against a three-master Redis Cluster the test starts itself: keys of one cache land
 * on every master, so multi-key reads, deletes and {@code clear()} must work across nodes.
 */
class ClusterCacheIT extends CacheContract {
    private static RedisServers servers;
    private static List<Integer> ports;

    @BeforeAll
    static void startCluster() throws Exception {
        servers = new RedisServers();
        ports = servers.startCluster(3, 0);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (servers != null) {
            servers.close();
        }
    }

    @Override
    protected Store newStore() {
        return RedisStore.create(RedisStoreOptions.builder().url("redis://127.0.0.1:" + ports.getFirst()).cluster(true)
                .commandTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(2)).build());
    }

    @Override
    protected void passTime(Duration duration) {
        // Redis keeps real time; the contract waits for the expiry to be observed.
    }

    @Test
    void oneCacheSpreadsOverEveryMasterAndClearsThemAll() throws Exception {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            values.put("k" + i, i);
        }
        assertThat(cache.setMany(values)).isEmpty();
        for (int port : ports) {
            assertThat(RedisServers.cli("-p", String.valueOf(port), "--scan", "--pattern", prefix + ":*")).isNotEmpty();
        }
        assertThat(cache.getMany(values.keySet(), Integer.class)).hasSize(300);
        assertThat(cache.clear()).isEqualTo(300);
        for (int port : ports) {
            assertThat(RedisServers.cli("-p", String.valueOf(port), "--scan", "--pattern", prefix + ":*")).isEmpty();
        }
    }
}
